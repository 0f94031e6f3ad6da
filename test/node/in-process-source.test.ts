/**
 * A node's connections can come from any source: here two real TamtamNodes (stores,
 * control sockets, drill responders, documents) on in-process sources, joined by a Noise
 * stream pair. The same node code runs as under `tamtam up`; only the source differs.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { commandNamed } from '../../src/commands/lazy.js'
import { SILENT } from '../../src/commands/types.js'
import { callNode } from '../../src/control/index.js'
import { connectInProcess, InProcessSource } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/index.js'
import { Tamtam } from '../../src/tamtam.js'
import { eventually, lines, tempDir } from '../helpers/peers.js'

/** A home with an identity, and the room's invite when `invite` is absent (it creates the room). */
async function home (t: any, name: string, invite?: string): Promise<{ home: string, invite: string }> {
  const dir = path.join(tempDir(t), name)
  const tt = new Tamtam({ home: dir })
  await tt.init(name)
  const code = invite === undefined ? (await tt.createRoom('atelier')).invite : (await tt.joinRoom(invite), invite)
  await tt.close()
  return { home: dir, invite: code }
}

async function node (t: any, dir: string): Promise<{ node: TamtamNode, source: InProcessSource }> {
  const source = new InProcessSource()
  const n = new TamtamNode({ home: dir, source })
  t.teardown(() => n.close())
  await n.open()
  return { node: n, source }
}

t.test('two nodes on in-process sources replicate, answer commands on their sockets, and close in order', async (t) => {
  const awa = await home(t, 'Awa')
  const moussa = await home(t, 'Moussa', awa.invite)
  const a = await node(t, awa.home)
  const m = await node(t, moussa.home)
  t.ok(a.node.network !== null && m.node.network !== null, 'both nodes run a network over their source')

  const [left] = connectInProcess(a.source, m.source)
  await (await commandNamed('send'))!.run(a.node.context, { room: 'atelier', text: 'bonjour par le tuyau' }, SILENT)
  t.ok(await eventually(async () => (await lines(m.node.tt, 'atelier')).some((l) => l.endsWith('bonjour par le tuyau')), 10_000), 'the message reached the other node')

  const peers = await callNode(a.node.tt.paths.socket, 'peers', {}) as Array<{ publicKey: string, source: string, rooms: string[] }>
  t.equal(peers.length, 1, 'peers through the control socket lists the in-process peer')
  t.equal(peers[0].publicKey, m.source.publicKey.toString('hex'), 'under its source key')
  t.same(peers[0].rooms, ['atelier'], 'with the room in common')

  const status = await callNode(a.node.tt.paths.socket, 'status', {}) as { connections: number, source: string }
  t.match(status, { connections: 1, source: 'in-process' }, 'status says where connections come from')

  await a.node.close()
  t.ok(left.destroyed, 'closing the node closed its connection')
  t.notOk(existsSync(a.node.tt.paths.socket), 'and removed its control socket')
  t.ok(a.node.tt.closed, 'and closed its home')
  t.equal(a.source.connect(left, m.source.publicKey), false, 'a stopped source adopts nothing')
})

t.test('the context makes parts on first use and the node closes them', async (t) => {
  const awa = await home(t, 'Awa')
  const { node: n } = await node(t, awa.home)
  const drills = n.context.drills()
  t.equal(n.context.drills(), drills, 'one Drills per node')
  t.equal(await n.context.documents(), await n.context.documents(), 'one Documents per node')
  t.equal(n.context.dms(), n.context.dms(), 'one DirectMessages per node')
  const documents = await n.context.documents()
  await n.close()
  t.ok(documents.isClosed, 'closing the node closed its documents')

  const other = await node(t, (await home(t, 'Bintou')).home)
  await other.node.close()
  t.throws(() => other.node.context.dms(), { code: 'CLOSED' }, 'a closed context makes no new part')
})
