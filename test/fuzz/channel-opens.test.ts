/**
 * Fuzz of channel opens (issue 17, finding 5): a peer that opens random protomux channels
 * (Hypercore ones for random or real discovery keys, unknown protocols, want and member
 * messages with junk tags) never crashes a node, never gets a core it has not proven the
 * room of, and is cut once it passes the open quota. Real Tamtam homes, real Noise streams.
 */
import t from 'tap'
import fc from 'fast-check'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import Protomux from 'protomux'
import { eventually, peer, replicator } from '../helpers/peers.js'
import { CHANNEL_OPEN_QUOTA } from '../../src/replication/room-sync.js'

/** A member node, and a raw protomux on the other end of a fresh in-process Noise pair. */
async function rawLink (t: any): Promise<{ mux: Protomux, realKeys: Buffer[], closed: () => boolean, warnings: unknown[] }> {
  const node = await peer(t, 'Awa')
  const { room } = await node.createRoom('atelier')
  await node.send(room, 'secret')
  const left = new NoiseSecretStream(true)
  const right = new NoiseSecretStream(false)
  left.rawStream.pipe(right.rawStream).pipe(left.rawStream)
  left.on('error', () => {})
  right.on('error', () => {})
  await node.store()
  const warnings: unknown[] = []
  const r = await replicator(node)
  r.on('warning', (err: unknown) => warnings.push(err))
  r.attach(left)
  const mux = Protomux.from(right)
  right.userData = mux
  await right.opened
  t.teardown(() => { left.destroy(); right.destroy() })
  const realKeys = (await node.roomCores(room.id)).map((c) => c.discoveryKey)
  return { mux, realKeys, closed: () => right.destroyed, warnings }
}

const open = fc.oneof(
  fc.record({ kind: fc.constant('core' as const), id: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('real' as const), index: fc.nat(8) }),
  fc.record({ kind: fc.constant('other' as const), protocol: fc.string({ maxLength: 40 }), id: fc.option(fc.uint8Array({ maxLength: 40 })) })
)

t.test('random channel opens: no crash, no core offered without a proven room', async (t) => {
  const { mux, realKeys, closed } = await rawLink(t)
  const opened: string[] = []
  let cases = 0
  await fc.assert(fc.asyncProperty(fc.array(open, { minLength: 1, maxLength: 20 }), async (opens) => {
    for (const o of opens) {
      cases++
      const id = o.kind === 'core' ? Buffer.from(o.id) : o.kind === 'real' ? realKeys[o.index % realKeys.length] : (o.id === null ? null : Buffer.from(o.id))
      const protocol = o.kind === 'other' ? 'x/' + o.protocol : 'hypercore/alpha'
      mux.createChannel({ protocol, id, onopen: () => { opened.push(`${protocol}:${id?.toString('hex') ?? ''}`) } })?.open()
    }
    await new Promise((resolve) => setImmediate(resolve))
    return true
  }), { numRuns: 200 })
  // 'real' opens name the node's own member-log discovery keys: before replication was
  // gated on proven rooms, those were answered (the "do you hold K?" oracle).
  t.comment(`fuzz: ${cases} channel opens, ${opened.length} answered, connection ${closed() ? 'cut' : 'open'}`)
  t.same(opened, [], 'no channel was answered: no core of an unproven room, no unknown protocol')
  t.notOk(closed() && cases <= CHANNEL_OPEN_QUOTA, 'under the quota the connection stays up')
})

t.test(`over ${CHANNEL_OPEN_QUOTA} opens in a window, the peer is cut with PEER_FLOOD`, async (t) => {
  const { mux, closed, warnings } = await rawLink(t)
  for (let i = 0; i <= CHANNEL_OPEN_QUOTA + 10 && !closed(); i++) mux.createChannel({ protocol: 'flood/' + String(i), id: null })?.open()
  t.ok(await eventually(closed, 5_000), 'the connection was cut')
  t.ok(warnings.some((w) => (w as { code?: string }).code === 'PEER_FLOOD'), 'with a PEER_FLOOD warning')
})
