/** Helpers of the home-race tests: real `tamtam up` and one-shot processes on one home. */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { BIN, childEnv, cli, type CliResult } from '../helpers/cli.js'
export { cli }
import { tempDir } from '../helpers/peers.js'

export const ROUNDS = 20

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
    setTimeout(() => reject(new Error(`up not ready after 90 s: ${out}`)), 90_000).unref()
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

export async function makeHome (t: any): Promise<string> {
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  return home
}

export async function raceRound (home: string, i: number, nodeFirst: boolean): Promise<{ send: CliResult, upOk: boolean, upOutput: string, upExit: number | null }> {
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


/** Run ROUNDS races of `up` and `send` on one home, the node started first or second. */
export function raceTest (t: any, nodeFirst: boolean): void {
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
