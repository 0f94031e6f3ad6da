/**
 * Known answers (issue 16, "key separation"): every derivation of docs/protocol.md §1, 2,
 * 3, 5, 11, 12, 13 and 14, from fixed inputs to exact bytes. The expected values are read
 * from the document's test vectors (§15), so the document and the code cannot drift apart:
 * a relabelled key, a dropped byte or a reordered field fails here, not in the field.
 */
import t from 'tap'
import { documentedVectors } from '../helpers/protocol-doc.js'
import { deriveRoomKeys } from '../../src/room/index.js'
import { peer } from '../helpers/peers.js'
import { computeVectors, documentedBlockEncryption, hypercoreBlockEncryption, INPUT, vectorSecret } from './vectors.js'


t.test('every derivation gives the exact bytes the protocol document lists', async (t) => {
  const documented = documentedVectors(/^## \d+\. Test vectors$/m, 'the "Test vectors" section')
  const computed = computeVectors()
  t.same([...documented.keys()], [...computed.keys()], 'the document lists exactly the vectors the code computes, in order')
  for (const [name, value] of computed) t.equal(value, documented.get(name), name)
})

t.test('no two room keys are the same value', async (t) => {
  const values = Object.values(deriveRoomKeys(vectorSecret())).map((k: Buffer) => k.toString('hex'))
  t.ok(values.length >= 4, 'id, topic, block-encryption key and capability at least')
  t.equal(new Set(values).size, values.length, 'each label gives its own key')
})

t.test('Hypercore\'s own block encryption is the scheme the document describes', async (t) => {
  // The scheme is Hypercore's, not ours: if an update of Hypercore changes it, old logs no
  // longer decrypt and other implementations stop interoperating. This notices it.
  const { encryptionKey } = deriveRoomKeys(vectorSecret())
  const documented = documentedBlockEncryption(encryptionKey, INPUT.coreKey, INPUT.blockIndex, 0, INPUT.block)
  const actual = hypercoreBlockEncryption(encryptionKey, INPUT.coreKey, INPUT.blockIndex, 0, INPUT.block)
  t.equal(actual.blockKey.toString('hex'), documented.blockKey.toString('hex'), 'same block key')
  t.equal(actual.stored.toString('hex'), documented.stored.toString('hex'), 'same stored bytes')
  const forked = hypercoreBlockEncryption(encryptionKey, INPUT.coreKey, INPUT.blockIndex, 3, INPUT.block)
  t.equal(forked.stored.toString('hex'), documentedBlockEncryption(encryptionKey, INPUT.coreKey, INPUT.blockIndex, 3, INPUT.block).stored.toString('hex'), 'same with a fork id')
})

t.test('a member log stores its blocks exactly as the document says', async (t) => {
  const awa = await peer(t, 'Awa')
  const { room } = await awa.createRoom('atelier')
  await awa.send(room, 'bonjour')
  const own = (await awa.logs(room)).own
  const plain = await own.core.get(1) as Buffer
  t.match(plain.toString(), /"text":"bonjour"/, 'block 1 is our message')
  // A session without the key reads what is on disk and on the wire.
  const raw = (await awa.store()).get({ key: own.core.key })
  t.teardown(() => raw.close())
  await raw.ready()
  const stored = await raw.get(1) as Buffer
  const expected = documentedBlockEncryption(room.keys.encryptionKey, own.core.key, 1, 0, plain).stored
  t.equal(stored.toString('hex'), expected.toString('hex'), 'stored = blinded fork id || XSalsa20 under the key from the block-encryption key and the core key')
})
