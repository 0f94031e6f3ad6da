/**
 * The app attached to a node counts mentions of me in rooms not on screen, and rings for
 * them where the room asks (`/bell on`), as the app with its own node does. A real node,
 * a real control socket, and a second member on an in-process link who writes in the
 * room Awa is not looking at.
 */
import path from 'node:path'
import t from 'tap'
import { connectInProcess, InProcessSource } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/index.js'
import { AttachedModel } from '../../cli/tui/attached-model.js'
import { eventually, networkOf, peer, sourceOf, tempDir } from '../helpers/peers.js'

t.test('mentions in a room not on screen are counted, and ring when the room asks', async (t) => {
  const dir = tempDir(t)
  const source = new InProcessSource()
  const awa = new TamtamNode({ home: path.join(dir, 'awa'), source, documents: false })
  await awa.tt.init('Awa')
  const { invite: atelier } = await awa.tt.createRoom('atelier')
  const { invite: bureau } = await awa.tt.createRoom('bureau')
  await awa.open()
  t.teardown(() => awa.close())
  const moussa = await peer(t, 'Moussa')
  await moussa.joinRoom(atelier)
  await moussa.joinRoom(bureau)
  await networkOf(moussa)
  connectInProcess(sourceOf(moussa), source)
  const both = async (): Promise<boolean> => (await Promise.all(['atelier', 'bureau'].map(async (n) => (await moussa.logs(moussa.rooms.resolve(n))).list().length))).every((n) => n === 2)
  t.ok(await eventually(both, 15_000), 'Moussa holds Awa\'s logs in both rooms')

  const app = new AttachedModel(awa.tt.paths.socket, 'en')
  t.ok(await app.attach(), 'the app attaches to the node')
  t.teardown(() => app.detach())
  await app.refresh()
  const atelierId = awa.tt.rooms.resolve('atelier').id
  const bureauId = awa.tt.rooms.resolve('bureau').id
  app.state.current = atelierId
  await app.refresh()
  let bells = 0
  app.on('bell', () => { bells++ })
  const entry = (id: string): { unread: number, mentions?: number } | undefined => app.state.rooms.find((e) => e.id === id)

  await moussa.send(moussa.rooms.resolve('bureau'), 'nothing for anyone')
  await moussa.send(moussa.rooms.resolve('bureau'), 'Awa, @Awa tu viens ?')
  t.ok(await eventually(async () => { await app.refresh(); return entry(bureauId)?.unread === 2 }, 15_000), 'bureau, not on screen, shows 2 unread')
  t.equal(entry(bureauId)?.mentions, 1, 'and 1 mention: only the message that names Awa')
  t.equal(bells, 0, 'no bell: bureau does not ask for one')

  await app.run('room.bell', { room: bureauId, on: true })
  await moussa.send(moussa.rooms.resolve('bureau'), '@Awa encore')
  t.ok(await eventually(async () => { await app.refresh(); return entry(bureauId)?.mentions === 2 }, 15_000), 'a second mention counts')
  t.equal(bells, 1, 'and rings once, now that bureau asks for it')
  await app.refresh()
  t.equal(bells, 1, 'a redraw does not ring again')

  app.state.current = bureauId
  await app.refresh()
  t.equal(entry(bureauId)?.mentions, 0, 'on screen, bureau\'s mentions are read')
  app.state.current = atelierId
  await app.refresh()
  t.equal(entry(bureauId)?.mentions, 0, 'and stay read after leaving it')
})
