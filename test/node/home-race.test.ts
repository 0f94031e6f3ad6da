/**
 * `tamtam up &` followed at once by another command (issue 16, bug 1): the waits on each
 * side, in one process. The 20-round races of real processes are in home-race-*-first.
 */
import t from 'tap'
import { makeHome } from './home-race-helpers.js'
import { runCommand, TamtamNode } from '../../src/node/index.js'
import { SILENT } from '../../src/commands/types.js'
import { Tamtam } from '../../src/tamtam.js'

t.test('a node waits for a one-shot holder of the store instead of exiting', async (t) => {
  const home = await makeHome(t)
  const holder = new Tamtam({ home })
  await holder.store()
  const node = new TamtamNode({ home, network: false, lockWaitMs: 10_000 })
  t.teardown(async () => { await node.close(); await holder.close() })
  let waited = false
  node.on('waiting-home', () => { waited = true })
  const opening = node.openLocal()
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.ok(waited, 'the node says it is waiting for the home')
  await holder.close()
  await opening
  t.ok(node.tt.openStore() !== null, 'and opens the store once the holder lets go')
})

t.test('a one-shot command waits for the lock, then gives up with a clear HOME_LOCKED', async (t) => {
  const home = await makeHome(t)
  const holder = new Tamtam({ home })
  await holder.store()
  t.teardown(async () => await holder.close())
  const notes: string[] = []
  const out = { ...SILENT, info: (m: string) => notes.push(m) }
  const started = Date.now()
  await t.rejects(runCommand(home, 'send', { room: 'atelier', text: 'x' }, out, { lockWaitMs: 600 }), { code: 'HOME_LOCKED', message: /held .* no node answered/ }, 'HOME_LOCKED after the wait')
  t.ok(Date.now() - started >= 600, 'it waited the whole time first')
  t.match(notes.join('\n'), /waiting/, 'and said it was waiting')

  // Released during the wait: the same command then runs and stores its message.
  const later = runCommand(home, 'send', { room: 'atelier', text: 'after the wait' }, SILENT, { lockWaitMs: 10_000 })
  setTimeout(() => { void holder.close() }, 300)
  t.equal((await later).via, 'local', 'runs locally once the lock is free')
})

t.test('a second node on a home whose node answers fails at once', async (t) => {
  const home = await makeHome(t)
  const first = new TamtamNode({ home, network: false })
  t.teardown(async () => await first.close())
  await first.open()
  const second = new TamtamNode({ home, network: false, lockWaitMs: 30_000 })
  t.teardown(async () => await second.close())
  const started = Date.now()
  await t.rejects(second.openLocal(), { code: 'HOME_LOCKED', message: /already runs/ })
  t.ok(Date.now() - started < 5_000, 'without waiting for the lock')
})
