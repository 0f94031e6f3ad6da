/**
 * The drill commands from the command line, as a clumsy user types them: help on every
 * drill command, a drill with no node running, a report before any drill, bad durations,
 * counts and formats, and the per-room acknowledgement switch.
 */
import t from 'tap'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { BIN, childEnv, cli } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'

t.test('--help on every drill command, in English and French', async (t) => {
  for (const words of [['drill'], ['drill', 'start'], ['drill', 'list'], ['drill', 'report'], ['drill', 'sim'], ['room', 'set']]) {
    const r = await cli([...words, '--help'])
    t.equal(r.code, 0, `tamtam ${words.join(' ')} --help exits 0`)
    t.match(r.stdout, /Usage: tamtam/, 'and prints usage')
  }
  const fr = await cli(['--lang', 'fr', 'drill', 'start', '--help'])
  t.match(fr.stdout, /sondes/, 'French help for drill start')
})

t.test('clumsy input gets a clear error with a stable code', async (t) => {
  const home = ['--home', path.join(tempDir(t), 'awa')]
  t.equal((await cli([...home, 'init', '--name', 'Awa'])).code, 0)
  t.equal((await cli([...home, 'room', 'create', 'atelier'])).code, 0)

  const noNode = await cli([...home, 'drill', 'start', 'atelier'])
  t.equal(noNode.code, 1, 'drill start with no node running: exit 1')
  t.match(noNode.stderr, /NODE_NOT_RUNNING.*tamtam up/s, `says to start a node: ${noNode.stderr.trim()}`)

  const none = await cli([...home, 'drill', 'report', 'atelier'])
  t.equal(none.code, 1, 'drill report before any drill: exit 1')
  t.match(none.stderr, /DRILL_NOT_FOUND/, 'DRILL_NOT_FOUND')
  const list = await cli([...home, '--json', 'drill', 'list', 'atelier'])
  t.same(JSON.parse(list.stdout), [], 'drill list is empty, as JSON')

  const badRoom = await cli([...home, 'drill', 'report', 'nulle-part'])
  t.match(badRoom.stderr, /ROOM_NOT_FOUND/, 'an unknown room: ROOM_NOT_FOUND')

  const badFormat = await cli([...home, 'drill', 'report', 'atelier', '--format', 'pdf'])
  t.equal(badFormat.code, 2, 'an unknown format is misuse: exit 2')

  const badAck = await cli([...home, 'room', 'set', 'atelier', '--drill-ack', 'peut-être'])
  t.equal(badAck.code, 2, '--drill-ack peut-être: exit 2')
  t.match(badAck.stderr, /on or off/, 'says on or off')
  const off = await cli([...home, '--json', 'room', 'set', 'atelier', '--drill-ack', 'off'])
  t.same(JSON.parse(off.stdout), { room: 'atelier', drillAck: 'off' }, 'acknowledgements turned off')
  const shown = await cli([...home, '--json', 'room', 'set', 'atelier'])
  t.equal(JSON.parse(shown.stdout).drillAck, 'off', 'and the setting is kept in rooms.json')
  const on = await cli([...home, 'room', 'set', 'atelier', '--drill-ack', 'on'])
  t.match(on.stdout, /atelier: drill acknowledgements on/, 'human output')

  const badSim = await cli([...home, 'drill', 'sim', '--peers', '1'])
  t.equal(badSim.code, 2, 'drill sim --peers 1 is misuse: exit 2')
  const badLoss = await cli([...home, 'drill', 'sim', '--loss', '150%'])
  t.equal(badLoss.code, 2, 'drill sim --loss 150%: exit 2')
  t.match(badLoss.stderr, /percentage/, 'says it must be a percentage')
  const badPartition = await cli([...home, 'drill', 'sim', '--partition', 'soon'])
  t.equal(badPartition.code, 2, 'drill sim --partition soon: exit 2')
  t.match(badPartition.stderr, /duration such as 20s/, 'says what a duration looks like')
})

t.test('Ctrl-C during drill sim stops it and leaves no temporary stores behind', async (t) => {
  const tmp = tempDir(t, 'tamtam-simtmp-')
  const home = path.join(tempDir(t), 'h')
  const child = spawn(process.execPath, [BIN, '--home', home, 'drill', 'sim', '--peers', '40', '--degree', '3'], { env: childEnv({ TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d) => { out += String(d) })
  child.stderr?.on('data', (d) => { out += String(d) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const started = await eventually(() => readdirSync(tmp).some((d) => d.startsWith('tamtam-sim-')) && readdirSync(path.join(tmp, readdirSync(tmp).find((d) => d.startsWith('tamtam-sim-'))!)).length > 2, 60_000, 50)
  t.ok(started, 'the simulation started writing its stores')
  child.kill('SIGINT')
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 60_000))])
  t.not(code, 'timeout', `it stopped after Ctrl-C (exit ${String(code)})`)
  t.same(readdirSync(tmp).filter((d) => d.startsWith('tamtam-sim-')), [], 'and removed its temporary stores')
  void out
})
