/**
 * Crash safety (issue 8, item 2): a process sends a stream of messages and is killed with
 * SIGKILL at a random moment, up to 100 times in a time-bounded loop. After each kill the
 * store must open and every message whose send had resolved (acknowledged) must be there,
 * with its text, exactly once. No node runs, so no LAN beacon leaves this host: the child
 * opens the home itself, exactly as `tamtam send` does when no node is up.
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { MemberLog } from '../../src/log/member-log.js'
import { Tamtam } from '../../src/tamtam.js'
import { childEnv } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/index.js')

/** The sender: prints `ack ID TEXT` only after `send` resolved, one message at a time. */
const SENDER = `
import { Tamtam } from ${JSON.stringify(pathToFileURL(DIST).href)}
const [home, tag] = process.argv.slice(2)
const tt = new Tamtam({ home })
await tt.open()
const room = tt.rooms.resolve('r')
await tt.logs(room)
process.stdout.write('ready\\n')
for (let i = 0; ; i++) {
  const text = tag + '-' + i
  const { id } = await tt.send(room, text)
  process.stdout.write('ack ' + id + ' ' + text + '\\n')
}
`

const MAX_KILLS = 100
const BUDGET_MS = 110_000
const MIN_KILLS = 30

interface Run { acks: Array<{ id: string, text: string }>, ready: boolean, exit: string }

/** Start the sender, SIGKILL it 50–400 ms after it is ready, and collect what it acknowledged. */
async function killOnce (script: string, home: string, tag: string): Promise<Run> {
  const child = spawn(process.execPath, [script, home, tag], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => { out += String(d) })
  child.stderr.on('data', (d) => { err += String(d) })
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${String(code)}`)))
  const deadline = Date.now() + 20_000
  while (!out.includes('ready\n') && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  const ready = out.includes('ready\n')
  if (ready) await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 351)))
  child.kill('SIGKILL')
  const exit = await exited
  if (!ready) throw new Error(`the sender never got ready (${exit}): ${err}${out}`)
  // Only complete lines count: a line cut by the kill was never acknowledged.
  const lines = out.slice(0, out.lastIndexOf('\n') + 1).split('\n')
  const acks = lines.filter((l) => l.startsWith('ack ')).map((l) => {
    const [, id, text] = l.split(' ')
    return { id, text }
  })
  return { acks, ready, exit }
}

/** Ids of `acks` (id → text) that are not in our log with that text. */
async function missing (own: MemberLog, acks: Map<string, string>): Promise<string[]> {
  const prefix = own.key.slice(0, 16)
  const out: string[] = []
  for (const [id, text] of acks) {
    const [core, seq] = id.split('.')
    const entry = core === prefix ? await own.read(Number(seq)) : null
    if (entry === null || (entry.record as { text?: string }).text !== text) out.push(id)
  }
  return out
}

t.test('every acknowledged message survives SIGKILL during a stream of sends', async (t) => {
  t.setTimeout(175_000)
  const dir = tempDir(t, 'tamtam-crash-')
  const home = path.join(dir, 'home')
  const script = path.join(dir, 'sender.mjs')
  writeFileSync(script, SENDER)

  const setup = new Tamtam({ home })
  await setup.init('Crash')
  await setup.createRoom('r')
  await setup.close()

  const acked = new Map<string, string>()
  const started = Date.now()
  let kills = 0
  let lost = 0
  let unexpectedExits = 0
  const problems: string[] = []
  while (kills < MAX_KILLS && Date.now() - started < BUDGET_MS) {
    const run = await killOnce(script, home, `k${kills}`)
    kills++
    if (run.exit !== 'SIGKILL') unexpectedExits++
    for (const { id, text } of run.acks) acked.set(id, text)
    // Check this run's acks now (and every earlier one once more at the end): re-reading
    // the whole history after each kill would eat the time budget.
    const toCheck = new Map(run.acks.map(({ id, text }) => [id, text]))

    // Reopen: rooms.json parses, the store opens, every acknowledged message is there.
    try {
      JSON.parse(readFileSync(path.join(home, 'rooms.json'), 'utf8'))
    } catch (err) {
      problems.push(`kill ${kills}: rooms.json does not parse: ${String(err)}`)
    }
    const tt = new Tamtam({ home })
    try {
      await tt.open()
      const own = (await tt.logs(tt.rooms.resolve('r'))).own
      for (const id of await missing(own, toCheck)) {
        lost++
        acked.delete(id) // count each loss once
        problems.push(`kill ${kills}: ${id} is missing`)
      }
    } catch (err) {
      problems.push(`kill ${kills}: the store did not open: ${String((err as Error)?.stack ?? err)}`)
    } finally {
      await tt.close().catch(() => {})
    }
    if (problems.length > 20) break
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)

  // Finally, the whole log: no message stored twice.
  const tt = new Tamtam({ home })
  await tt.open()
  const own = (await tt.logs(tt.rooms.resolve('r'))).own
  for (const id of await missing(own, acked)) {
    lost++
    acked.delete(id)
    problems.push(`at the end: ${id} is missing`)
  }
  const texts: string[] = []
  for (let seq = 1; seq < own.core.length; seq++) {
    const entry = await own.read(seq)
    if (entry?.record.type === 'msg') texts.push(String((entry.record as { text?: string }).text))
  }
  const stored = own.core.length
  await tt.close()
  const duplicates = texts.length - new Set(texts).size

  t.same(problems.slice(0, 20), [], 'no acknowledged message lost, and the store and rooms.json always open')
  t.equal(lost, 0, 'no acknowledged message lost')
  t.equal(duplicates, 0, 'no message stored twice')
  t.equal(unexpectedExits, 0, 'the sender only ever ended by SIGKILL (no crash on reopen)')
  t.ok(kills >= Math.min(MIN_KILLS, MAX_KILLS), `at least ${MIN_KILLS} kills in the time budget (got ${kills})`)
  t.ok(acked.size > kills, 'sends were acknowledged between kills')
  t.comment(`crash-safety: ${kills} kills in ${seconds} s, ${acked.size + lost} acknowledged, ${lost} lost, ${duplicates} duplicated, ${stored} blocks in the log`)
})
