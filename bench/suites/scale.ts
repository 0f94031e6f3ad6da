/**
 * The scale suite (issue 9):
 * 1. RSS of one process holding a room with 100 members and 100,000 messages: the room's
 *    logs open, its first screen read, and the network side up (listener, replicator) with
 *    no peer, measured in a fresh process against the same process on a room of 10 messages.
 *    The fixture is real: 100 homes each append 1,000 messages (about 200 bytes) to their own
 *    member log, and one of them downloads the 99 others by Hypercore replication.
 * (Delivery with 50 peers is measured on a namespace LAN: bench/suites/lan-delivery.ts.)
 * Every measurement runs in its own child process (`node dist/bench/suites/scale.js --child MODE JSON`).
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import type { BenchContext, Measure } from '../lib/measure.js'
import { against, figure, runNode, type Figure } from '../lib/measure.js'
import { markdownSection, targetLines, textTable, updateDoc, type BenchResult, type Target } from '../report/report.js'
import { closePeers, inBatches, openPeers, peakRssMb, waitUntil } from '../lib/mesh-peers.js'
import { Replicator } from '../../src/replication/index.js'
import type { NewRecord } from '../../src/log/records.js'
import { Tamtam } from '../../src/tamtam.js'
import { ConnectionManager } from '../../src/transport/index.js'

const MEMBERS = 100
const PER_MEMBER = 1_000
const SMALL_MESSAGES = 10
const SCREEN = 40
const RSS_RUNS = 3
/** The issue's RSS target, in MB. */
const RSS_TARGET_MB = 150
/** Marker of a child's result line on stdout. */
const RESULT = 'scale-result '

const FILLER = 'Le reseau local tient quand Internet tombe; the LAN keeps working when the uplink is cut. '.repeat(3)

/** `count` msg records of about 200 bytes once encoded. */
function messages (count: number, author: number): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({ type: 'msg', text: `#${author}.${i} ${FILLER}`.slice(0, 150) }) as NewRecord)
}

// Child: build the fixture ------------------------------------------------------------------

/** The homes the RSS children open. */
interface Fixture { big: string, small: string, buildMs: number, replicateMs: number }

/** Link the reader's store with an author's store in process until the reader holds the whole log. */
async function download (reader: Tamtam, author: Tamtam, key: string, length: number): Promise<void> {
  const a = (await author.store()).replicate(true)
  const b = (await reader.store()).replicate(false)
  a.pipe(b).pipe(a)
  try {
    const log = (await reader.logs(reader.rooms.resolve('scale'))).list().find((l) => l.key === key)
    if (log === undefined) throw new Error(`the reader has no log ${key}`)
    await waitUntil(() => log.core.contiguousLength >= length, 120_000, () => `log ${key.slice(0, 8)} stopped at ${log.core.contiguousLength} of ${length} blocks`, 50)
  } finally {
    a.destroy()
    b.destroy()
  }
}

/** 100 members write 1,000 messages each; member 0 downloads the others' logs. Plus a home with a room of 10 messages. */
async function build (dir: string): Promise<Fixture> {
  const t0 = performance.now()
  const peers = await openPeers(path.join(dir, 'big'), MEMBERS, { maxConnections: 8, roomName: 'scale' })
  try {
    await inBatches(peers, async (p) => { await (await p.tt.logs(p.room)).own.append(messages(PER_MEMBER, p.index)) })
    const reader = peers[0]
    const logs = await reader.tt.logs(reader.room)
    const others = peers.slice(1)
    // The keys a room handshake would have told the reader: registered and opened, then downloaded.
    await reader.tt.rooms.addMembers(reader.room, others.map((p) => p.ownKey))
    for (const p of others) await logs.addMember(Buffer.from(p.ownKey, 'hex'))
    const t1 = performance.now()
    await inBatches(others, async (p) => await download(reader.tt, p.tt, p.ownKey, PER_MEMBER + 1))
    const replicateMs = performance.now() - t1
    const small = await openPeers(path.join(dir, 'small'), 1, { maxConnections: 8, roomName: 'small' })
    await (await small[0].tt.logs(small[0].room)).own.append(messages(SMALL_MESSAGES, 0))
    await closePeers(small)
    return { big: reader.tt.home, small: small[0].tt.home, buildMs: performance.now() - t0, replicateMs }
  } finally {
    await closePeers(peers)
  }
}

// Child: hold a room and report memory -------------------------------------------------------

/** What an RSS child reports. */
interface Held { rssMb: number, peakRssMb: number, heapUsedMb: number, externalMb: number, logs: number, blocks: number, openMs: number, screen: number }

/** Open `home`, read the first screen of `room`, start the network side, settle, and measure. */
async function hold (home: string, roomName: string): Promise<Held> {
  const tt = new Tamtam({ home })
  const manager = new ConnectionManager({ keyPair: NoiseSecretStream.keyPair(), host: '127.0.0.1', maxConnections: 8 })
  let replicator: Replicator | null = null
  try {
    const t0 = performance.now()
    await tt.open()
    const room = tt.rooms.resolve(roomName)
    const page = await (await tt.timeline(room)).page({ limit: SCREEN })
    const openMs = performance.now() - t0
    replicator = new Replicator(tt)
    manager.on('connection', (stream: NoiseSecretStream) => replicator?.attach(stream))
    await manager.listen()
    const logs = (await tt.logs(room)).list()
    await new Promise((resolve) => setTimeout(resolve, 1000)) // let background indexing finish
    globalThis.gc?.()
    await new Promise((resolve) => setTimeout(resolve, 500))
    const mem = process.memoryUsage()
    return {
      rssMb: mem.rss / 2 ** 20, peakRssMb: await peakRssMb(), heapUsedMb: mem.heapUsed / 2 ** 20, externalMb: (mem.external + mem.arrayBuffers) / 2 ** 20,
      logs: logs.length, blocks: logs.reduce((sum, l) => sum + l.readable, 0), openMs, screen: page.length
    }
  } finally {
    await manager.close()
    replicator?.close()
    await tt.close()
  }
}

// Parent side ---------------------------------------------------------------------------

async function child<T> (ctx: BenchContext, mode: string, arg: unknown, timeoutMs: number, flags: string[] = []): Promise<T> {
  const script = path.join(ctx.root, 'dist', 'bench', 'suites', 'scale.js')
  const run = await runNode([...flags, script, '--child', mode, JSON.stringify(arg)], { cwd: ctx.root, timeoutMs })
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT))
  if (line === undefined) throw new Error(`the ${mode} child printed no result: ${run.stderr.trim().slice(-300)}`)
  return JSON.parse(line.slice(RESULT.length)) as T
}

async function measureRss (ctx: BenchContext): Promise<Figure[]> {
  const fixture = await child<Fixture>(ctx, 'build', await ctx.scratch.dir('scale'), 15 * 60_000)
  ctx.progress(`  fixture built in ${(fixture.buildMs / 1000).toFixed(1)} s (replication ${(fixture.replicateMs / 1000).toFixed(1)} s)`)
  const holdIn = async (home: string, room: string): Promise<Held> => await child<Held>(ctx, 'hold', { home, room }, 120_000, ['--expose-gc'])
  const first = await holdIn(fixture.big, 'scale') // uncounted: the first open after a bulk write indexes nicknames once
  const small: Held[] = []
  const big: Held[] = []
  for (let i = 0; i < RSS_RUNS; i++) {
    small.push(await holdIn(fixture.small, 'small'))
    big.push(await holdIn(fixture.big, 'scale'))
  }
  const b = big[big.length - 1]
  if (b.logs !== MEMBERS || b.blocks < MEMBERS * PER_MEMBER || b.screen !== SCREEN) throw new Error(`the big room holds ${b.logs} logs, ${b.blocks} blocks, a screen of ${b.screen}`)
  ctx.progress(`  RSS: ${b.rssMb.toFixed(0)} MB holding ${b.logs} logs, ${b.blocks} blocks (small room ${small[0].rssMb.toFixed(0)} MB)`)
  const m = 'RSS, 100 members'
  const note = 'fresh process: room logs open, first screen read, listener and replicator up with no peer; after a GC and 1.5 s idle'
  const base = figure(m, `baseline: room of 1 member and ${SMALL_MESSAGES} messages`, 'MB', small.map((h) => h.rssMb), note)
  const rss = against(figure(m, `room of ${MEMBERS} members and ${(MEMBERS * PER_MEMBER).toLocaleString('en')} messages`, 'MB', big.map((h) => h.rssMb),
    `${b.logs} member logs, ${b.blocks.toLocaleString('en')} blocks; heap ${b.heapUsedMb.toFixed(0)} MB, buffers ${b.externalMb.toFixed(0)} MB`, { id: 'scale.rss' }), base)
  const peak = against(figure(m, 'peak RSS of that process (VmHWM)', 'MB', big.map((h) => h.peakRssMb), 'includes opening and reading the first screen', { id: 'scale.peak' }),
    figure(m, 'peak, small room', 'MB', small.map((h) => h.peakRssMb)))
  return [
    base, rss, peak,
    figure(m, 'first open after the bulk write (uncounted above)', 'MB', [first.rssMb], `one sample; open and first screen took ${first.openMs.toFixed(0)} ms (nickname index built once)`),
    figure(m, 'open room and read the first screen', 'ms', big.map((h) => h.openMs),
      'open the store and the 100 logs, read their indexes (names, moderation), then one page'),
    figure(m, 'fixture: 100 homes append 1,000 messages each, one downloads the other 99 logs', 's', [fixture.buildMs / 1000],
      `one sample; Hypercore replication of 99,099 blocks in process took ${(fixture.replicateMs / 1000).toFixed(1)} s`)
  ]
}

const TARGETS: Target[] = [
  { label: `RSS of a node holding ${MEMBERS} members and ${(MEMBERS * PER_MEMBER).toLocaleString('en')} messages under ${RSS_TARGET_MB} MB`, figure: 'scale.rss', stat: 'max', op: '<', limit: RSS_TARGET_MB }
]

const INTRO = [
  'RSS is measured in a fresh process that opens the room, reads its first screen and starts the network side',
  '(listener and replicator, no peer), after a GC and 1.5 s idle; the baseline is the same process on a room of',
  '10 messages. Delivery with 50 peers is in the LAN section: 50 `tamtam up` processes in namespaces.',
  'Ratio is this median over the median of its baseline, measured in the same run.'
]

async function updateScaleDoc (file: string, result: BenchResult): Promise<void> {
  const after = ['Targets (issue 9):', ...targetLines(result.figures, TARGETS).map((l) => `- ${l}`)]
  await updateDoc(file, result, (r) => markdownSection(r, { title: 'Scale: 100 members, 100k messages', intro: INTRO, after }))
}

function scaleText (result: BenchResult): string {
  return `${textTable(result)}\n\ntargets:\n${targetLines(result.figures, TARGETS).map((l) => `  ${l}`).join('\n')}`
}

/** The measures of the suite. */
export function scaleMeasures (): Measure[] {
  return [
    { id: 'scale-rss', title: `RSS holding ${MEMBERS} members and ${(MEMBERS * PER_MEMBER).toLocaleString('en')} messages`, run: measureRss }
  ]
}

/** The suite, as bench/run.ts lists it. */
export const scaleSuite = { name: 'scale', measures: scaleMeasures, text: scaleText, writeDoc: updateScaleDoc }

async function childMain (mode: string | undefined, json: string): Promise<unknown> {
  if (mode === 'build') return await build(JSON.parse(json) as string)
  if (mode === 'hold') {
    const { home, room } = JSON.parse(json) as { home: string, room: string }
    return await hold(home, room)
  }
  throw new Error(`unknown child mode ${String(mode)}`)
}

if (process.argv[2] === '--child' && process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  childMain(process.argv[3], process.argv[4] ?? 'null').then((result) => {
    process.stdout.write(RESULT + JSON.stringify(result) + '\n')
    process.exit(0)
  }, (err) => {
    process.stderr.write(`scale child: ${(err as Error)?.stack ?? String(err)}\n`)
    process.exit(1)
  })
}
