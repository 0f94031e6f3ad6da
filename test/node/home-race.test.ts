/**
 * `tamtam up &` followed at once by another command (issue 16, bug 1): whoever takes the
 * store first, the other waits, and both succeed. Real processes on one home.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { BIN, childEnv, cli, type CliResult } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'
import { runCommand, TamtamNode } from '../../src/node/index.js'
import { SILENT } from '../../src/commands/types.js'
import { Tamtam } from '../../src/tamtam.js'

const ROUNDS = 20

/** Start `up` in the background; resolves its exit code. Output is kept for messages. */
function background (home: string): { ready: Promise<void>, stop: () => Promise<number | null>, output: () => string } {
  const child = spawn(process.execPath, [BIN, '--home', home, 'up', '--lan-only', '--port', '0'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += String(d)
      if (/tamtam is up/.test(out)) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    void exited.then((code) => reject(new Error(`up exited ${String(code)} before it was ready: ${out}`)))
    setTimeout(() => reject(new Error(`up not ready after 30 s: ${out}`)), 30_000).unref()
  })
  ready.catch(() => {})
  return {
    ready,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return await exited
    }
  }
}

async function makeHome (t: any): Promise<string> {
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  return home
}

async function raceRound (home: string, i: number, nodeFirst: boolean): Promise<{ send: CliResult, upOk: boolean, upOutput: string, upExit: number | null }> {
  let node: ReturnType<typeof background>
  let send: Promise<CliResult>
  if (nodeFirst) {
    node = background(home)
    send = cli(['--home', home, 'send', 'atelier', `m${i}`])
  } else {
    send = cli(['--home', home, 'send', 'atelier', `m${i}`])
    node = background(home)
  }
  const sent = await send
  const upOk = await node.ready.then(() => true, () => false)
  const upExit = await node.stop()
  return { send: sent, upOk, upOutput: node.output(), upExit }
}

for (const nodeFirst of [true, false]) {
  const name = nodeFirst ? '`up &` then `send` at once' : '`send &` then `up` at once'
  t.test(`${name}, ${ROUNDS} times: both succeed`, async (t) => {
    const home = await makeHome(t)
    for (let i = 0; i < ROUNDS; i++) {
      const round = await raceRound(home, i, nodeFirst)
      if (round.send.code !== 0 || !round.upOk || round.upExit !== 0) {
        t.fail(`round ${i}: send exit ${round.send.code} (${round.send.stderr.trim()}), node ready ${String(round.upOk)}, node exit ${String(round.upExit)}: ${round.upOutput}`)
        return
      }
    }
    t.pass(`${ROUNDS} rounds: every send succeeded and every node came up and stopped cleanly`)
    const log = await cli(['--home', home, 'log', 'atelier', '--json', '--all'])
    t.equal(log.code, 0, log.stderr)
    const texts = log.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'msg').map((e) => e.text)
    t.same(texts, Array.from({ length: ROUNDS }, (_, i) => `m${i}`), 'every message is stored, in order')
  })
}

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
