/**
 * Benchmarks for the foundation issue: append rate, time to the first screen of a
 * 100k-message room, and CLI cold start. Every figure is compared with a baseline taken
 * in the same run, because the machine is shared and absolute numbers drift.
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { Tamtam } from '../../src/tamtam.js'
import type { MemberLog } from '../../src/log/member-log.js'
import type { Cursor } from '../../src/timeline/index.js'
import { against, figure, repeat, runNode, timed, type BenchContext, type Figure, type Measure } from '../lib/measure.js'

export type AppendRecord = Parameters<MemberLog['append']>[0][number]

/** Target size of one encoded msg block, in bytes. */
const BLOCK_BYTES = 200
const FILLER = 'Le reseau local tient quand Internet tombe; the LAN keeps working when the uplink is cut. '.repeat(4)
/** Bytes of a msg block with empty text (type, v, and a 13-digit ts), from the record encoding. */
const EMPTY_BLOCK_BYTES = JSON.stringify({ type: 'msg', text: '', v: 1, ts: 1_700_000_000_000 }).length

/** A msg record whose encoded block is about BLOCK_BYTES long (the storage and wifi suites use it too). */
export function message (i: number): AppendRecord {
  const head = `#${i} `
  const text = head + FILLER.slice(0, Math.max(0, BLOCK_BYTES - EMPTY_BLOCK_BYTES - head.length))
  return { type: 'msg', text } as AppendRecord
}

/** A fresh home with an identity, opened. */
async function newHome (ctx: BenchContext, label: string): Promise<{ home: string, tt: Tamtam }> {
  const home = await ctx.scratch.dir(label)
  const tt = new Tamtam({ home })
  await tt.init('bench')
  return { home, tt }
}

/** Our own log in a new room of `tt`. */
async function ownLog (tt: Tamtam, roomName: string): Promise<MemberLog> {
  const { room } = await tt.createRoom(roomName)
  return (await tt.logs(room)).own
}

/** Append `count` messages in batches of `batch`; returns records per second. */
async function appendRate (log: MemberLog, count: number, batch: number): Promise<number> {
  const batches: AppendRecord[][] = []
  for (let i = 0; i < count; i += batch) batches.push(Array.from({ length: Math.min(batch, count - i) }, (_, j) => message(i + j)))
  const before = log.core.length
  const t0 = performance.now()
  for (const b of batches) await log.append(b)
  const seconds = (performance.now() - t0) / 1000
  if (log.core.length !== before + count) throw new Error(`expected ${before + count} blocks, the log has ${log.core.length}`)
  return count / seconds
}

// 1. Append rate --------------------------------------------------------------------

const SINGLE_COUNT = 1_000
const BATCH_COUNT = 20_000
const BATCH_SIZE = 1_000
const APPEND_REPEATS = 5

async function measureAppend (ctx: BenchContext): Promise<Figure[]> {
  const { tt } = await newHome(ctx, 'append')
  try {
    // Warm the JIT and the store once; not counted.
    await appendRate(await ownLog(tt, 'warm'), 200, 1)
    await appendRate(await ownLog(tt, 'warm-batched'), 2_000, BATCH_SIZE)
    const single: number[] = []
    const batched: number[] = []
    // Interleaved, one fresh room (one fresh core) per series per repeat.
    await repeat(APPEND_REPEATS, 40_000, async (r) => {
      single.push(await appendRate(await ownLog(tt, `single-${r}`), SINGLE_COUNT, 1))
      batched.push(await appendRate(await ownLog(tt, `batched-${r}`), BATCH_COUNT, BATCH_SIZE))
      ctx.progress(`  append repeat ${r + 1}: ${Math.round(single[r])}/s one at a time, ${Math.round(batched[r])}/s batched`)
    })
    const note = `msg blocks of about ${BLOCK_BYTES} bytes, through MemberLog.append`
    const base = figure('append', `one at a time, ${SINGLE_COUNT} records`, 'records/s', single, note)
    const fast = figure('append', `batches of ${BATCH_SIZE}, ${BATCH_COUNT} records`, 'records/s', batched, note)
    return [base, against(fast, base)]
  } finally {
    await tt.close()
  }
}

// 2. First screen of a 100k-message room ---------------------------------------------

const BIG_ROOM = 100_000
const SMALL_ROOM = 10
const SCREEN = 40
const SCREEN_RUNS = 10

/** Messages in the in-process baseline room: enough that its screen also holds SCREEN items. */
const MID_ROOM = 1_000

/** A home holding rooms 'big' (100k messages), 'mid' (1,000) and 'small' (10), closed. */
interface RoomsFixture { home: string }

async function buildRooms (ctx: BenchContext): Promise<{ fixture: RoomsFixture, figures: Figure[] }> {
  const { home, tt } = await newHome(ctx, 'rooms')
  try {
    // One author only: a second identity needs a second home and replication, which is
    // the LAN issue's business. The timeline merge over several logs is not measured here.
    const big = await ownLog(tt, 'big')
    const rate = await appendRate(big, BIG_ROOM, BATCH_SIZE)
    await appendRate(await ownLog(tt, 'mid'), MID_ROOM, BATCH_SIZE)
    const small = await ownLog(tt, 'small')
    for (let i = 0; i < SMALL_ROOM; i++) await small.append([message(i)])
    const build = figure('first screen', `build: append ${BIG_ROOM.toLocaleString('en')} messages in batches of ${BATCH_SIZE}`, 'records/s', [rate], 'one sample; one author, so the merge across member logs is not exercised')
    return { fixture: { home }, figures: [build] }
  } finally {
    await tt.close()
  }
}

/** Check that `log --json --limit N` printed N timeline items (NDJSON, one per line). */
function checkLogOutput (stdout: string, expected: number): void {
  const lines = stdout.split('\n').filter((l) => l.trim().length > 0)
  if (lines.length !== expected) throw new Error(`log printed ${lines.length} items, expected ${expected}`)
  for (const line of lines) JSON.parse(line)
}

async function measureScreenCli (ctx: BenchContext, fixture: RoomsFixture): Promise<Figure[]> {
  const bin = path.join(ctx.root, 'bin', 'tamtam.js')
  const logRun = async (room: string, expected: number): Promise<number> => {
    const run = await runNode([bin, '--home', fixture.home, 'log', room, '--json', '--limit', String(SCREEN)], { cwd: ctx.root })
    checkLogOutput(run.stdout, expected)
    return run.ms
  }
  // The first read after a bulk write pays for one-off indexing (nickname scan); report it apart.
  const firstBig = await logRun('big', SCREEN)
  const firstSmall = await logRun('small', SMALL_ROOM + 1)
  ctx.progress(`  first log after build: big ${firstBig.toFixed(0)} ms, small ${firstSmall.toFixed(0)} ms`)
  const big: number[] = []
  const small: number[] = []
  await repeat(SCREEN_RUNS, 60_000, async () => {
    small.push(await logRun('small', SMALL_ROOM + 1))
    big.push(await logRun('big', SCREEN))
  })
  const cmd = `\`tamtam log ROOM --json --limit ${SCREEN}\`, fresh process`
  const firstBase = figure('first screen', `first ${cmd}, ${SMALL_ROOM} messages`, 'ms', [firstSmall], 'one sample, right after the room was written')
  const firstBigFig = figure('first screen', `first ${cmd}, ${BIG_ROOM.toLocaleString('en')} messages`, 'ms', [firstBig],
    'one sample, right after the room was written: MemberLog.currentName scans every block once to build its nickname index')
  const base = figure('first screen', `${cmd}, ${SMALL_ROOM} messages`, 'ms', small, undefined, { p99: true })
  const bigFig = figure('first screen', `${cmd}, ${BIG_ROOM.toLocaleString('en')} messages`, 'ms', big, undefined, { p99: true, id: 'screen.big' })
  return [firstBase, against(firstBigFig, firstBase), base, against(bigFig, base)]
}

/** In-process timings of one room: open (home, store, logs), first page, the page before it. */
async function openAndPage (home: string, roomName: string): Promise<{ open: number, page: number, older: number }> {
  const tt = new Tamtam({ home })
  try {
    const opened = await timed(async () => {
      await tt.open()
      return await tt.timeline(tt.rooms.resolve(roomName))
    })
    const first = await timed(async () => await opened.value.page({ limit: SCREEN }))
    if (first.value.length === 0) throw new Error(`room ${roomName} shows no messages`)
    const top = first.value[0]
    const before: Cursor = { ts: top.ts, core: top.core, seq: top.seq }
    const older = await timed(async () => await opened.value.page({ limit: SCREEN, before }))
    return { open: opened.ms, page: first.ms, older: older.ms }
  } finally {
    await tt.close()
  }
}

async function measureScreenInProcess (ctx: BenchContext, fixture: RoomsFixture): Promise<Figure[]> {
  type Run = Awaited<ReturnType<typeof openAndPage>>
  const mid: Run[] = []
  const big: Run[] = []
  // Warm-up, not counted (the CLI measure has already paid the one-off index on 'big').
  await openAndPage(fixture.home, 'mid')
  await openAndPage(fixture.home, 'big')
  await repeat(SCREEN_RUNS, 30_000, async () => {
    mid.push(await openAndPage(fixture.home, 'mid'))
    big.push(await openAndPage(fixture.home, 'big'))
  })
  const figs: Figure[] = []
  const parts = [['open', 'open home and room logs'], ['page', `timeline.page({ limit: ${SCREEN} }) after open`], ['older', `the ${SCREEN} before that screen (page with before)`]] as const
  const note = `baseline room has ${MID_ROOM.toLocaleString('en')} messages, so both screens hold ${SCREEN} items`
  for (const [key, label] of parts) {
    const base = figure('first screen', `in-process ${label}, ${MID_ROOM.toLocaleString('en')} messages`, 'ms', mid.map((r) => r[key]))
    const bigFig = figure('first screen', `in-process ${label}, ${BIG_ROOM.toLocaleString('en')} messages`, 'ms', big.map((r) => r[key]), note)
    figs.push(base, against(bigFig, base))
  }
  return figs
}

// 3. Cold start ----------------------------------------------------------------------

const COLD_RUNS = 10

async function measureColdStart (ctx: BenchContext): Promise<Figure[]> {
  const { home, tt } = await newHome(ctx, 'cold')
  try {
    const { room } = await tt.createRoom('r')
    for (let i = 0; i < SMALL_ROOM; i++) await tt.send(room, `message ${i}`)
  } finally {
    await tt.close()
  }
  const bin = path.join(ctx.root, 'bin', 'tamtam.js')
  const commands: Array<[string, string[]]> = [
    ['`node -e 0`', ['-e', '0']],
    ['`node bin/tamtam.js --help`', [bin, '--help']],
    [`\`node bin/tamtam.js --home H log ROOM\`, ${SMALL_ROOM} messages`, [bin, '--home', home, 'log', 'r']]
  ]
  const samples = commands.map(() => [] as number[])
  // One uncounted round fills the file cache; then rounds are interleaved so drift hits all three.
  for (const [, args] of commands) await runNode(args, { cwd: ctx.root })
  await repeat(COLD_RUNS, 60_000, async () => {
    for (let c = 0; c < commands.length; c++) samples[c].push((await runNode(commands[c][1], { cwd: ctx.root })).ms)
  })
  const ids = ['cold.node', 'cold.help', 'cold.log']
  const figs = commands.map(([name], c) => figure('cold start', name, 'ms', samples[c], 'wall time, spawn to exit', { p99: true, id: ids[c] }))
  for (const f of figs.slice(1)) {
    against(f, figs[0])
    f.note = `${(f.median - figs[0].median).toFixed(0)} ms over bare node; wall time, spawn to exit`
  }
  return figs
}

// The list ----------------------------------------------------------------------------

/** The foundation measures, in run order. The two first-screen measures share one fixture. */
export function foundationMeasures (): Measure[] {
  let rooms: Promise<{ fixture: RoomsFixture, figures: Figure[] }> | null = null
  const fixture = async (ctx: BenchContext): Promise<{ fixture: RoomsFixture, figures: Figure[] }> => {
    rooms ??= buildRooms(ctx)
    return await rooms
  }
  return [
    { id: 'append', title: 'message append rate', run: measureAppend },
    {
      id: 'screen-cli',
      title: 'first screen of a 100k-message room, fresh process',
      run: async (ctx) => {
        const built = await fixture(ctx)
        return [...built.figures, ...await measureScreenCli(ctx, built.fixture)]
      }
    },
    { id: 'screen-in-process', title: 'first screen of a 100k-message room, in process', run: async (ctx) => await measureScreenInProcess(ctx, (await fixture(ctx)).fixture) },
    { id: 'cold-start', title: 'CLI cold start', run: measureColdStart }
  ]
}
