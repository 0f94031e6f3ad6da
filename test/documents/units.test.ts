// Pure helpers of documents: sizes, limits, media types, rate and ETA, the progress line.
import t from 'tap'
import { cleanMime, formatBytes, guessMime, parseSize, RateMeter, roomLimits, applyLimits, DEFAULT_LIMITS, throttleProgress, checkStorage } from '../../src/documents/index.js'
import { formatDocuments, progressLine } from '../../cli/documents.js'

t.test('parseSize and formatBytes', async (t) => {
  const sizes: Array<[unknown, number]> = [['0', 0], ['1048576', 1048576], ['100k', 102400], ['500M', 500 * 1024 ** 2], ['2G', 2 * 1024 ** 3], ['1.5 GB', 1.5 * 1024 ** 3], ['3MiB', 3 * 1024 ** 2], [42, 42]]
  for (const [input, bytes] of sizes) t.equal(parseSize(input), bytes, `${String(input)} is ${bytes} bytes`)
  for (const bad of ['', 'beaucoup', '-1', '1X', '1e9']) t.throws(() => parseSize(bad), { code: 'USAGE' }, `${bad} is refused`)
  t.equal(formatBytes(512), '512 B')
  t.equal(formatBytes(1536), '1.5 KiB')
  t.equal(formatBytes(20 * 1024 ** 2), '20 MiB')
  t.equal(formatBytes(2 * 1024 ** 3), '2.0 GiB')
})

t.test('room limits: defaults, changes, bad values ignored', async (t) => {
  const room: any = { settings: {} }
  t.same(roomLimits(room), DEFAULT_LIMITS, 'defaults: 2 GiB per file, 10 GiB quota, auto-fetch under 1 MiB')
  applyLimits(room, { maxFileBytes: 5 })
  t.equal(roomLimits(room).maxFileBytes, 5, 'a change is read back')
  room.settings.documents.quotaBytes = 'lots'
  t.equal(roomLimits(room).quotaBytes, DEFAULT_LIMITS.quotaBytes, 'a damaged value falls back to the default')
  t.throws(() => applyLimits(room, { autoFetchBytes: -1 }), { code: 'USAGE' }, 'negative sizes are refused')
})

t.test('media types', async (t) => {
  t.equal(guessMime('Rapport.PDF'), 'application/pdf')
  t.equal(guessMime('photo.jpeg'), 'image/jpeg')
  t.equal(guessMime('sans-extension'), 'application/octet-stream')
  t.equal(cleanMime('Text/Plain'), 'text/plain')
  t.equal(cleanMime('text/plain\u001b[31m'), 'application/octet-stream', 'anything not type/subtype from a peer is generic')
})

t.test('storage fields of a doc record', async (t) => {
  const blobs = 'ab'.repeat(32)
  const blob = { blockOffset: 0, blockLength: 2, byteOffset: 0, byteLength: 70_000 }
  const cases: Array<[Record<string, unknown>, number, string | null, string]> = [
    [{ blobs, blob }, 70_000, null, 'a consistent record'],
    [{ blob }, 70_000, 'no blobs core this version can read', 'no blobs key'],
    [{ blobs, blob: { ...blob, byteLength: 69_999 } }, 70_000, 'blob length differs from the announced size', 'size mismatch'],
    [{ blobs, blob: { ...blob, blockLength: 1_000_000 } }, 70_000, 'blob block count does not fit its size', 'more blocks than bytes (a way to make peers fetch a lot)'],
    [{ blobs, blob: { ...blob, blockOffset: -1 } }, 70_000, 'bad blob position', 'negative offset'],
    [{ blobs, blob: { blockOffset: 0, blockLength: 0, byteOffset: 0, byteLength: 0 } }, 0, null, 'an empty file']
  ]
  for (const [record, size, problem, why] of cases) t.equal(checkStorage(record, size), problem, why)
})

t.test('rate, ETA and throttling', async (t) => {
  const meter = new RateMeter(5000)
  meter.add(0, 0)
  meter.add(1_000_000, 1000)
  t.equal(meter.rate(), 1_000_000, '1 MB in 1 s')
  t.equal(meter.eta(3_000_000), 3, '3 MB to go: 3 s')
  meter.add(1_000_000, 7000)
  t.equal(meter.rate(), 0, 'a stall shows as zero within the window')
  t.equal(meter.eta(1), null, 'and no ETA')
  const seen: number[] = []
  const emit = throttleProgress((e) => seen.push(e.bytes), 10_000)
  for (const bytes of [1, 2, 3, 10]) emit?.({ event: 'progress', phase: 'fetch', id: 'x', name: 'x', bytes, total: 10, rate: 0, eta: null, peers: 0 })
  t.same(seen, [1, 10], 'the first event and the last one pass; the others in between are dropped')
})

t.test('human output', async (t) => {
  const line = progressLine({ event: 'progress', phase: 'fetch', id: 'x', name: 'Rapport annuel.pdf', bytes: 5 * 1024 ** 2, total: 20 * 1024 ** 2, rate: 2 * 1024 ** 2, eta: 8, peers: 2 })
  t.match(line, /^Rapport annuel\.pdf {2}fetching {2}25% \[#####\.{15}\] 5\.0 MiB \/ 20 MiB {2}2\.0 MiB\/s {2}ETA 8 s {2}2 peer\(s\)$/, line)
  t.match(progressLine({ phase: 'verify', name: 'x', bytes: 0, total: 0, rate: 0, eta: null }), /checking 100%/, 'a zero-byte document is complete at once')
  t.equal(formatDocuments('send', {}), null, 'other commands are not ours')
  t.match(formatDocuments('docs', []), /no documents yet/)
  t.match(formatDocuments('get', { name: 'a.pdf', file: '/tmp/a.pdf', size: 10, downloadedBytes: 10, peers: 1, ms: 1500 }), /saved a\.pdf to \/tmp\/a\.pdf .*sha256 verified.*1\.5 s/)
})
