/** Fuzz of member-log records (issue 8, item 4): decodeRecord never throws, encodeRecord fails only with a code. */
import t from 'tap'
import fc from 'fast-check'
import { fuzz, RUNS, mutateBytes } from '../helpers/fuzz.js'
import { decodeRecord, encodeRecord, RECORD_TYPES, MAX_RECORD_BYTES, type LogRecord } from '../../src/log/records.js'
import { TamtamError } from '../../src/errors/index.js'
import { checkStorage, docFromEntry } from '../../src/documents/record.js'

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'))
const nat = fc.oneof(fc.nat(), fc.maxSafeNat())
// Strings with the characters that hurt: controls, escapes, bidi, BOM, lone surrogates.
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u001b', '\u202e', '\ufeff', '\ud800', '\udfff', '"', '\\', 'é', '𝄞', 'a', '\n'), maxLength: 64 }),
  fc.string({ maxLength: 9000 })
)

// JSON values whose objects may use the keys of Object.prototype ({"toString":0} cannot be String()ed).
const protoKey = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'toJSON', 'length'))
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.object({ key: protoKey, maxDepth: 2, values: [fc.jsonValue({ maxDepth: 0 })] }))

/** Valid records of every known type. */
const validRecord: fc.Arbitrary<LogRecord> = fc.oneof(
  fc.record({ type: fc.constant('binding'), room: hex(32), core: hex(32), identity: hex(32), sig: hex(64), name: fc.string({ maxLength: 60 }) }),
  fc.record({ type: fc.constant('msg'), text: fc.string({ maxLength: 200 }) }),
  fc.record({ type: fc.constant('nick'), name: fc.string({ minLength: 1, maxLength: 60 }) }),
  fc.record({ type: fc.constant('doc'), name: fc.string({ maxLength: 100 }), size: nat, mime: fc.constantFrom('text/plain', 'image/png', 'x'), sha256: hex(32), blobs: hex(32), blob: fc.record({ blockOffset: nat, blockLength: nat, byteOffset: nat, byteLength: nat }) }),
  fc.record({ type: fc.constant('drill-probe'), drill: fc.string({ maxLength: 100 }), seq: nat }),
  fc.record({ type: fc.constant('drill-ack'), drill: fc.string({ maxLength: 100 }), probe: fc.string({ maxLength: 100 }), receivedAt: nat }),
  fc.record({ type: fc.constant('edit'), target: nat, text: fc.string({ maxLength: 200 }) }),
  fc.record({ type: fc.constant('delete'), target: nat }),
  fc.record({ type: fc.string({ maxLength: 20 }).filter((s) => !(RECORD_TYPES as readonly string[]).includes(s)), extra: fc.jsonValue({ maxDepth: 2 }) })
).chain((r) => fc.record({ v: fc.constantFrom(1, 1, 1, 2), ts: nat }).map((base) => ({ ...r, ...base }) as unknown as LogRecord))

const mutate = (buf: Buffer) => mutateBytes(buf, MAX_RECORD_BYTES + 10)

/** A mutation of a record's fields: replace or delete one field, or add one. */
const mutateFields = (r: Record<string, unknown>) => fc.tuple(fc.constantFrom(...Object.keys(r), 'extra', '__proto__', 'v', 'ts', 'type'), fc.oneof(hostileJson, nasty, fc.constant(undefined))).map(([k, v]) => {
  const out: Record<string, unknown> = { ...r }
  if (v === undefined) delete out[k]
  else Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
  return Buffer.from(JSON.stringify(out))
})

/** decodeRecord must return a well-formed result and never throw. */
function checkDecoded (block: Buffer): boolean {
  const d = decodeRecord(block)
  if (d.ok) {
    const r = d.record as unknown as Record<string, unknown>
    if (typeof r !== 'object' || r === null || typeof r.type !== 'string' || !Number.isSafeInteger(r.v) || !Number.isSafeInteger(r.ts)) return false
    // A doc that passed the schema must turn into a document entry without throwing.
    if (r.type === 'doc' && r.v === 1 && r.unknown !== true) {
      const entry = docFromEntry({ core: 'ab'.repeat(32), seq: 0, record: d.record })
      if (typeof entry.name !== 'string' || (entry.problem === null) !== (entry.blob !== null)) return false
    }
    // Whatever a reader accepts can be written back, or is refused with a code.
    try {
      const again = decodeRecord(encodeRecord(d.record))
      if (!again.ok) return false
    } catch (err) {
      if (!(err instanceof TamtamError)) throw err
    }
    return true
  }
  return typeof d.reason === 'string' && d.reason.length > 0
}

t.test('decodeRecord: random bytes, random JSON, mutations of valid records', async (t) => {
  const input = fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), weight: 2 },
    { arbitrary: fc.uint8Array({ minLength: MAX_RECORD_BYTES - 4, maxLength: MAX_RECORD_BYTES + 4 }).map((b) => Buffer.from(b)), weight: 1 },
    { arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), weight: 2 },
    { arbitrary: fc.object().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')), weight: 1 },
    { arbitrary: validRecord.map((r) => Buffer.from(JSON.stringify(r))), weight: 2 },
    { arbitrary: validRecord.chain((r) => mutate(Buffer.from(JSON.stringify(r)))), weight: 3 },
    { arbitrary: validRecord.chain((r) => mutateFields(r as unknown as Record<string, unknown>)), weight: 3 }
  )
  fuzz(t, 'decodeRecord', input, checkDecoded)
})

t.test('encodeRecord: random records encode to a decodable block or fail with a code', async (t) => {
  const record = fc.oneof(
    validRecord,
    validRecord.chain((r) => fc.tuple(fc.constantFrom(...Object.keys(r)), fc.oneof(hostileJson, nasty)).map(([k, v]) => ({ ...r, [k]: v }))),
    fc.record({ v: fc.oneof(fc.jsonValue({ maxDepth: 1 }), nat), type: fc.oneof(fc.constantFrom(...RECORD_TYPES), nasty), ts: fc.oneof(nat, fc.double(), fc.jsonValue({ maxDepth: 1 })), text: nasty, name: nasty, target: fc.oneof(nat, fc.integer()) }, { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))
  ) as fc.Arbitrary<LogRecord>
  fuzz(t, 'encodeRecord', record, (r) => {
    let block: Buffer
    try {
      block = encodeRecord(r)
    } catch (err) {
      if (err instanceof TamtamError && typeof err.code === 'string') return true
      throw err
    }
    return decodeRecord(block).ok
  })
})

t.test('checkStorage: random extra fields of a doc record never throw', async (t) => {
  fuzz(t, 'checkStorage', fc.tuple(fc.dictionary(fc.constantFrom('blobs', 'blob', 'size', 'x'), fc.oneof(hostileJson, fc.record({ blockOffset: hostileJson, blockLength: fc.oneof(fc.nat(), fc.double()), byteOffset: fc.nat(), byteLength: fc.nat() }, { requiredKeys: [] }))), fc.oneof(fc.nat(), fc.maxSafeNat())), ([rec, size]) => {
    const problem = checkStorage(JSON.parse(JSON.stringify(rec)), size)
    return problem === null || (typeof problem === 'string' && problem.length > 0)
  })
})
