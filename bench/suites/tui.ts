/**
 * Benchmarks for the terminal app (issue 4): cold start to first paint, and first paint of
 * a room with 100k messages, both from a cold start and on Ctrl-N in a running app. The
 * app runs for real in a tmux pane, and the clock runs until `capture-pane` shows the room
 * as current, its latest message and the status bar. The baseline is `node -e 0` started
 * and detected the same way.
 *
 * The tmux server runs inside a one-host namespace LAN (harness/netns via bench/lib/netns.ts), so every pane it
 * starts is there too: the app's LAN beacons never leave on this machine's interfaces, and
 * no `ip netns exec` sits in the timed path.
 */
import { rm } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { cpus, loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Tamtam } from '../../src/tamtam.js'
import type { MemberLog } from '../../src/log/member-log.js'
import type { BenchContext, Measure } from '../lib/measure.js'
import { against, figure, repeat, type Figure } from '../lib/measure.js'
import { exec, NetnsLan, netnsUnsupported } from '../lib/netns.js'
import { formatValue, updateDoc, type BenchResult } from '../report/report.js'

/** Runs per series; p99 of 10 samples is the maximum. */
const RUNS = 10
/** Pane size, as in the tmux tests. */
const WIDTH = 100
const HEIGHT = 30
/** Pause between two looks at the pane; with the cost of one capture-pane this sets the resolution. */
const POLL_MS = 5
/** Longest wait for one paint or one exit. */
const RUN_TIMEOUT_MS = 20_000
const BIG_ROOM = 100_000
const SMALL_ROOM = 10
/** Enough messages that the app's window of recent items (300) is full, as in the big room. */
const MID_ROOM = 1_000
const BATCH = 1_000
/** Filler that makes each msg block about 200 bytes, as in the foundation suite. */
const FILLER = 'Le reseau local tient quand Internet tombe; the LAN keeps working when the uplink is cut. '.repeat(2).slice(0, 150)

/** A figure of this suite: an id (targets refer to it) and a nearest-rank p99. */
interface TuiFigure extends Figure { id: string, p99: number }

/** Nearest-rank percentile of a non-empty series. */
function percentile (samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

function tuiFigure (id: string, name: string, samples: number[], note?: string): TuiFigure {
  return { id, ...figure('first paint', name, 'ms', samples, note), p99: percentile(samples, 99) }
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** A private tmux server (its own socket) running inside a namespace host. */
export class PaneServer {
  private runs = 0
  /** The socket file; tmux 3.3 leaves it behind after kill-server. */
  private socketPath = ''
  private constructor (readonly socket: string) {}

  /** Start the server in host 0 of `lan`, kept alive by an idle session. */
  static async start (lan: NetnsLan): Promise<PaneServer> {
    const server = new PaneServer(`tamtam-bench-${process.pid}-${randomBytes(3).toString('hex')}`)
    const r = await lan.exec(0, 'tmux', server.args(['new-session', '-d', '-s', 'idle', 'sleep 86400']), 15_000)
    if (r.code !== 0) throw new Error(`cannot start tmux in ${lan.host(0).ns}: ${r.stderr.trim()}`)
    server.socketPath = (await server.tmux(['display-message', '-p', '#{socket_path}'])).trim()
    return server
  }

  private args (rest: string[]): string[] {
    return ['-u', '-f', '/dev/null', '-L', this.socket, ...rest]
  }

  /** One tmux command (from the root namespace: the socket is a file). */
  async tmux (rest: string[]): Promise<string> {
    const r = await exec('tmux', this.args(rest), { timeoutMs: 10_000 })
    if (r.code !== 0) throw new Error(`tmux ${rest.slice(0, 2).join(' ')}: ${r.stderr.trim()}`)
    return r.stdout
  }

  /** Start `command` in a new 100×30 session; returns the session and when it was started. */
  async open (command: string): Promise<{ session: string, t0: number }> {
    const session = `run${this.runs++}`
    const t0 = performance.now()
    await this.tmux(['new-session', '-d', '-s', session, '-x', String(WIDTH), '-y', String(HEIGHT), `${command}; echo EXIT=$?; sleep 60`])
    return { session, t0 }
  }

  /** Ms from `t0` until `painted(screen)` holds; throws with the pane's text after RUN_TIMEOUT_MS. */
  async paint (session: string, painted: (screen: string) => boolean, t0: number): Promise<number> {
    const screen = await this.until(session, painted)
    const ms = performance.now() - t0
    if (screen === null) throw new Error(`no paint within ${RUN_TIMEOUT_MS} ms; the pane shows:\n${await this.capture(session)}`)
    return ms
  }

  async keys (session: string, ...keys: string[]): Promise<void> {
    for (const key of keys) await this.tmux(['send-keys', '-t', session, key])
  }

  /** Send `stop`, require EXIT=0 on the pane, then remove the session. */
  async close (session: string, stop: string[]): Promise<void> {
    try {
      await this.keys(session, ...stop)
      const exited = await this.until(session, (s) => /EXIT=\d+/.test(s))
      const code = exited?.match(/EXIT=(\d+)/)?.[1]
      if (code !== '0') throw new Error(`the app did not exit with 0 after ${stop.join(' ')} (${code ?? 'no exit'}); the pane shows:\n${await this.capture(session)}`)
    } finally {
      await this.tmux(['kill-session', '-t', session]).catch(() => {})
    }
  }

  /** Start `command`, return the ms until `painted`, then stop it with `stop` (it must exit 0). */
  async time (command: string, painted: (screen: string) => boolean, stop: string[]): Promise<number> {
    const { session, t0 } = await this.open(command)
    let ms = Number.NaN
    try {
      ms = await this.paint(session, painted, t0)
    } finally {
      await this.close(session, stop)
    }
    return ms
  }

  async capture (session: string): Promise<string> {
    return await this.tmux(['capture-pane', '-p', '-t', session])
  }

  private async until (session: string, holds: (screen: string) => boolean): Promise<string | null> {
    const deadline = performance.now() + RUN_TIMEOUT_MS
    for (let i = 0; i < 1_000_000 && performance.now() < deadline; i++) {
      const screen = await this.capture(session)
      if (holds(screen)) return screen
      await sleep(POLL_MS)
    }
    return null
  }

  async kill (): Promise<void> {
    await this.tmux(['kill-server']).catch(() => {})
    if (this.socketPath.includes(this.socket)) await rm(this.socketPath, { force: true })
  }
}

/** A room to build: its name and how many messages it holds. */
interface RoomSpec { name: string, count: number }

/** A home holding `rooms`, built with the library and closed. */
async function roomsHome (ctx: BenchContext, label: string, rooms: RoomSpec[]): Promise<string> {
  const home = await ctx.scratch.dir(`tui-${label}`)
  const tt = new Tamtam({ home })
  try {
    await tt.init('bench')
    for (const spec of rooms) {
      const { room } = await tt.createRoom(spec.name)
      const log: MemberLog = (await tt.logs(room)).own
      for (let i = 0; i < spec.count; i += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, spec.count - i) }, (_, j) => ({ type: 'msg', text: `#${i + j} ${FILLER}` }))
        await log.append(batch as Parameters<MemberLog['append']>[0])
      }
    }
  } finally {
    await tt.close()
  }
  return home
}

/** A word for the pane's shell command line, quoted when it needs it. */
export const quote = (word: string): string => /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`

/** The pane's command line: a clean environment in English, then node. */
export function nodeCommand (args: string[]): string {
  return ['env', '-u', 'NODE_OPTIONS', '-u', 'TAMTAM_HOME', '-u', 'LC_ALL', '-u', 'LC_MESSAGES', 'LANG=en_US.UTF-8', process.execPath, ...args].map(quote).join(' ')
}

/** Painted: the room is listed as current, its latest message and the status bar are drawn. */
export function roomPainted (room: string, count: number): (screen: string) => boolean {
  const last = `#${count - 1} `
  return (screen) => screen.includes(`> ${room}`) && screen.includes(last) && /LAN peers: \d+/.test(screen)
}

/** The room marked current (`> NAME`) in the rooms pane, among `rooms`. */
function currentRoom (screen: string, rooms: RoomSpec[]): RoomSpec | null {
  return rooms.find((r) => new RegExp(`> ${r.name}\\b`).test(screen)) ?? null
}

/**
 * Inside one running app, Ctrl-N from room to room, `RUNS` times round; each sample is
 * the ms from the key to the new room painted with its latest message.
 */
async function measureSwitch (pane: PaneServer, command: string, rooms: RoomSpec[]): Promise<Map<string, number[]>> {
  const samples = new Map(rooms.map((r) => [r.name, [] as number[]]))
  const { session, t0 } = await pane.open(command)
  try {
    await pane.paint(session, (s) => currentRoom(s, rooms) !== null && /LAN peers: \d+/.test(s), t0)
    for (let i = 0; i < RUNS * rooms.length; i++) {
      const before = currentRoom(await pane.capture(session), rooms)
      const k0 = performance.now()
      await pane.keys(session, 'C-n')
      let now: RoomSpec | null = null
      const ms = await pane.paint(session, (s) => {
        now = currentRoom(s, rooms)
        return now !== null && now !== before && roomPainted(now.name, now.count)(s)
      }, k0)
      samples.get((now as RoomSpec | null)?.name ?? '')?.push(ms)
    }
  } finally {
    await pane.close(session, ['C-c'])
  }
  return samples
}

const SMALL: RoomSpec = { name: 'small', count: SMALL_ROOM }
const MID: RoomSpec = { name: 'mid', count: MID_ROOM }
const BIG: RoomSpec = { name: 'big', count: BIG_ROOM }

/** Samples of one run of the suite, in ms. */
interface Samples { base: number[], small: number[], mid: number[], big: number[], firstBig: number, captures: number[], switches: Map<string, number[]> }

async function measurePaint (ctx: BenchContext): Promise<TuiFigure[]> {
  const unsupported = netnsUnsupported()
  if (unsupported !== null) throw new Error(`the app must run in a namespace (its beacons would leave on real interfaces): ${unsupported}`)
  const t0 = performance.now()
  const homes = new Map<RoomSpec, string>()
  for (const spec of [SMALL, MID, BIG]) homes.set(spec, await roomsHome(ctx, spec.name, [spec]))
  const allRooms = await roomsHome(ctx, 'switch', [SMALL, MID, BIG])
  ctx.progress(`  built the rooms (twice ${BIG_ROOM.toLocaleString('en')} messages) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const lan = await NetnsLan.create(1)
  let server: PaneServer | null = null
  try {
    server = await PaneServer.start(lan)
    const pane = server
    const bin = path.join(ctx.root, 'bin', 'tamtam.js')
    const tui = (home: string): string => nodeCommand([bin, '--home', home, 'tui', '--lan-only'])
    const app = async (spec: RoomSpec): Promise<number> => await pane.time(tui(homes.get(spec) ?? ''), roomPainted(spec.name, spec.count), ['C-c'])
    const bare = async (): Promise<number> => await pane.time(`${nodeCommand(['-e', '0'])} && echo NODE-DONE`, (s) => s.includes('NODE-DONE'), [])

    // The first open after a bulk write builds indexes once; report it apart, like the foundation suite.
    const firstBig = await app(BIG)
    ctx.progress(`  first paint of the new ${BIG_ROOM.toLocaleString('en')}-message room: ${firstBig.toFixed(0)} ms`)
    await bare()
    await app(SMALL) // warm the file cache; not counted
    await app(MID)
    await pane.time(tui(allRooms), (s) => /LAN peers: \d+/.test(s), ['C-c'])
    const samples: Samples = { base: [], small: [], mid: [], big: [], firstBig, captures: [], switches: new Map() }
    await repeat(RUNS, 180_000, async (i) => {
      samples.base.push(await bare())
      for (const spec of [SMALL, MID, BIG]) samples[spec.name as 'small' | 'mid' | 'big'].push(await app(spec))
      ctx.progress(`  run ${i + 1}: node -e 0 ${samples.base[i].toFixed(0)} ms; rooms of ${SMALL_ROOM}, ${MID_ROOM}, ${BIG_ROOM} messages: ${[samples.small, samples.mid, samples.big].map((s) => s[i].toFixed(0)).join(', ')} ms`)
    })
    samples.switches = await measureSwitch(pane, tui(allRooms), [SMALL, MID, BIG])
    ctx.progress(`  Ctrl-N into each room, median: ${[...samples.switches].map(([name, ms]) => `${name} ${percentile(ms, 50).toFixed(0)} ms`).join(', ')}`)
    for (let i = 0; i < 20; i++) {
      const c0 = performance.now()
      await server.tmux(['capture-pane', '-p', '-t', 'idle'])
      samples.captures.push(performance.now() - c0)
    }
    return figures(samples)
  } finally {
    await server?.kill()
    await lan.destroy()
  }
}

function figures (s: Samples): TuiFigure[] {
  const count = (n: number): string => n.toLocaleString('en')
  const app = (id: string, spec: RoomSpec, samples: number[]): TuiFigure =>
    tuiFigure(id, `\`tamtam tui\` start to first paint, room of ${count(spec.count)} messages`, samples)
  const sw = (spec: RoomSpec): TuiFigure =>
    tuiFigure(`switch.${spec.name}`, `Ctrl-N to the room of ${count(spec.count)} messages painted, app running`, s.switches.get(spec.name) ?? [])
  const baseFig = tuiFigure('baseline', '`node -e 0` in a tmux pane, start to its output', s.base,
    `resolution about ${(percentile(s.captures, 50) + POLL_MS).toFixed(0)} ms (one capture-pane plus a ${POLL_MS} ms pause)`)
  const smallFig = app('paint.small', SMALL, s.small)
  const midFig = app('paint.mid', MID, s.mid)
  const bigFig = app('paint.big', BIG, s.big)
  const firstFig = tuiFigure('paint.big.first', `\`tamtam tui\` start to first paint, room of ${count(BIG_ROOM)} messages, right after it was written`, [s.firstBig],
    'one sample; the first open after a bulk write builds the nickname index once')
  const [swSmall, swMid, swBig] = [sw(SMALL), sw(MID), sw(BIG)]
  const over = (f: Figure, g: Figure): string => `${(f.median - g.median).toFixed(0)} ms`
  smallFig.note = `${over(smallFig, baseFig)} over bare node; painted = room listed as current, latest message and status bar drawn`
  midFig.note = `${over(midFig, smallFig)} over the ${SMALL_ROOM}-message room; fills the app's window of 300 recent items, as the big room does`
  bigFig.note = `${over(bigFig, smallFig)} over the ${SMALL_ROOM}-message room; ${over(bigFig, midFig)} over the ${count(MID_ROOM)}-message one (${(bigFig.median / midFig.median).toFixed(2)}×)`
  swSmall.note = 'one app on a home holding the three rooms; from send-keys to the room\'s latest message on screen; close to the resolution'
  swMid.note = 'the 300 recent items are read, merged and drawn'
  swBig.note = `${over(swBig, swMid)} over the ${count(MID_ROOM)}-message room (${(swBig.median / swMid.median).toFixed(2)}×)`
  against(smallFig, baseFig)
  against(midFig, smallFig)
  against(bigFig, smallFig)
  against(swMid, swSmall)
  against(swBig, swSmall)
  return [baseFig, smallFig, midFig, bigFig, firstFig, swSmall, swMid, swBig]
}

/** The targets of issue 4, checked on the p99 (with 10 runs, the slowest). */
const TARGETS = [
  { label: 'cold start to first paint under 1 s', figure: 'paint.small', limit: 1000 },
  { label: `first paint of a room with ${BIG_ROOM.toLocaleString('en')} messages under 500 ms, from a cold start of the app`, figure: 'paint.big', limit: 500 },
  { label: `first paint of a room with ${BIG_ROOM.toLocaleString('en')} messages under 500 ms, switching to it in the running app`, figure: 'switch.big', limit: 500 }
]

function targetLines (figs: TuiFigure[]): string[] {
  return TARGETS.map((t) => {
    const f = figs.find((x) => x.id === t.figure)
    if (f === undefined) return `not measured: ${t.label} (the measure failed in this run)`
    const verdict = f.p99 < t.limit ? 'met' : f.median < t.limit ? 'missed on p99, met on the median' : 'missed'
    return `${verdict}: ${t.label}: p99 ${formatValue(f.p99, 'ms')}, median ${formatValue(f.median, 'ms')}`
  })
}

let loadAtStart = 0

/** The measures of the tui suite. */
export function tuiMeasures (): Measure[] {
  return [{
    id: 'first-paint',
    title: 'terminal app: first paint from a cold start and on Ctrl-N, rooms of 10, 1,000 and 100,000 messages',
    run: async (ctx) => {
      loadAtStart = loadavg()[0]
      return await measurePaint(ctx)
    }
  }]
}

const HEAD = ['figure', 'p50', 'p99', 'min', 'max', 'runs', 'ratio']

const cells = (f: TuiFigure): string[] => [f.name, formatValue(f.median, 'ms'), formatValue(f.p99, 'ms'), formatValue(f.min, 'ms'), formatValue(f.max, 'ms'), String(f.runs), f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`]

const loadLine = (): string => `1-minute load average when the suite started: ${loadAtStart.toFixed(2)} on ${cpus().length} cores.`

/** The terminal table, with notes and targets. */
export function tuiTextTable (result: BenchResult): string {
  const figs = result.figures as TuiFigure[]
  const m = result.machine
  const body = figs.map(cells)
  const widths = HEAD.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)))
  const line = (r: string[]): string => r.map((cell, c) => c >= 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])).join('  ').trimEnd()
  const out = [`${result.suite}: ${m.date}, ${m.cpu} x ${m.cores} cores, Node ${m.node}; ${result.seconds.toFixed(0)} s. ${loadLine()}`, '',
    line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), '', 'notes:',
    ...figs.map((f) => `  ${f.name}: ${[f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.baseline ?? ''}`, f.note ?? ''].filter(Boolean).join('; ')}`),
    '', 'targets:', ...targetLines(figs).map((l) => `  ${l}`)]
  for (const f of result.failures) out.push('', `FAILED ${f.measure}: ${f.error}`)
  return out.join('\n')
}

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|')

function section (result: BenchResult): string {
  const m = result.machine
  const figs = result.figures as TuiFigure[]
  const out = [
    `<!-- bench:${result.suite}:start -->`,
    '## Terminal app',
    '',
    `Written by \`node dist/bench/run.js tui\` on ${m.date} (${result.seconds.toFixed(0)} s run).`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}. ${loadLine()}`,
    `The app runs for real (\`tamtam tui --lan-only\`) in a ${WIDTH}×${HEIGHT} tmux pane on a namespace host`,
    'with no default route. "Start to first paint" runs from `tmux new-session` until `capture-pane` shows the',
    'room listed as current, its latest message and the status bar; the baseline is `node -e 0` started and',
    'detected the same way. "Ctrl-N" runs from the key to the next room painted the same way, in one app whose',
    'home holds the three rooms. Rooms are built with the library, one author, messages of about 200 bytes;',
    `the ${MID_ROOM.toLocaleString('en')}-message room fills the app's window of 300 recent items as the big one does, so the two`,
    'differ only in history size. p99 is nearest-rank (with 10 runs, the slowest). Ratio is this median over',
    'the median of its baseline in the same run. Other work on this shared machine moves every figure: compare',
    'the ratios, and the load average above.',
    '',
    '| figure | p50 | p99 | min | max | runs | ratio (baseline) | note |',
    '|---|--:|--:|--:|--:|--:|---|---|'
  ]
  for (const f of figs) {
    const c = cells(f)
    out.push(`| ${[...c.slice(0, 6), f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.baseline ?? ''}`, f.note ?? ''].map(escapeCell).join(' | ')} |`)
  }
  out.push('', 'Targets (issue 4), checked on the p99:', ...targetLines(figs).map((l) => `- ${escapeCell(l)}`))
  if (result.failures.length > 0) out.push('', 'Failed in this run:', ...result.failures.map((f) => `- ${f.measure}: ${escapeCell(f.error.split('\n')[0])}`))
  out.push(`<!-- bench:${result.suite}:end -->`)
  return out.join('\n')
}

/** Replace (or append) this suite's section of `file`; the rest of the file is left alone. */
export async function updateTuiDoc (file: string, result: BenchResult): Promise<void> {
  await updateDoc(file, result, section)
}
