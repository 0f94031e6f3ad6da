/**
 * Cold one-shot `tamtam send` through a running node (issue 18, item 6): wall time, peak
 * RSS and modules loaded by a fresh process, against a client that only talks to the
 * control socket (the floor for a one-shot command) and against `node -e 0`.
 *
 * With TAMTAM_BENCH_BEFORE=DIR (a built copy of another version: DIR/bin/tamtam.js), the
 * same run also measures that version, so a change shows as before and after in one table.
 * TAMTAM_BENCH_BEFORE_LABEL names it in the table (default "before").
 */
import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Tamtam } from '../../src/tamtam.js'
import { TamtamNode } from '../../src/node/index.js'
import { formatValue, markdownSection, textTable, updateDoc, type BenchResult } from '../report/report.js'
import { against, figure, runNode, type BenchContext, type Figure, type Measure } from '../lib/measure.js'

/** Timed runs of each variant, interleaved so drift on a shared machine hits them alike. */
const RUNS = 15
const ROOM = 'bench'

/** One way of sending the same message: a name for the table and the node arguments. */
interface Variant { name: string, args: string[] }

/** A home with an identity and a room, served by a node with no network (no beacons leave). */
async function servedHome (ctx: BenchContext): Promise<{ home: string, node: TamtamNode }> {
  const home = path.join(await ctx.scratch.dir('cold-send'), 'home')
  const tt = new Tamtam({ home })
  await tt.init('bench')
  await tt.createRoom(ROOM)
  await tt.close()
  const node = new TamtamNode({ home, network: false })
  await node.open()
  return { home, node }
}

function variants (ctx: BenchContext, home: string): Variant[] {
  const tamtam = (root: string): string[] => [path.join(root, 'bin', 'tamtam.js'), '--home', home, 'send', ROOM, 'cold start']
  const before = process.env.TAMTAM_BENCH_BEFORE
  return [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'socket client alone', args: [path.join(ctx.root, 'dist', 'bench', 'lib', 'socket-send.js'), path.join(home, 'control.sock'), 'send', JSON.stringify({ room: ROOM, text: 'cold start', lang: 'en' })] },
    ...(before === undefined ? [] : [{ name: `tamtam send (${process.env.TAMTAM_BENCH_BEFORE_LABEL ?? 'before'})`, args: tamtam(path.resolve(before)) }]),
    { name: 'tamtam send', args: tamtam(ctx.root) }
  ]
}

/** Run `variant` once under the probe; its wall time, peak RSS and (with `modules`) module URLs. */
async function probeRun (ctx: BenchContext, dir: string, variant: Variant, modules: boolean): Promise<{ ms: number, rssMiB: number, urls: string[] }> {
  const out = path.join(dir, 'probe.json')
  const list = path.join(dir, 'modules.txt')
  await rm(list, { force: true })
  const probe = pathToFileURL(path.join(ctx.root, 'dist', 'bench', 'lib', 'probe.js')).href
  const env: Record<string, string> = { TAMTAM_PROBE_OUT: out, ...(modules ? { TAMTAM_PROBE_MODULES: list } : {}) }
  const run = await runNode(['--import', probe, ...variant.args], { cwd: ctx.root, env })
  const { maxRssKiB } = JSON.parse(await readFile(out, 'utf8')) as { maxRssKiB: number }
  const urls = modules ? [...new Set((await readFile(list, 'utf8')).split('\n').filter((u) => u.startsWith('file:')))] : []
  return { ms: run.ms, rssMiB: maxRssKiB / 1024, urls }
}

async function measureColdSend (ctx: BenchContext): Promise<Figure[]> {
  const { home, node } = await servedHome(ctx)
  const dir = await ctx.scratch.dir('cold-send-probe')
  try {
    const all = variants(ctx, home)
    const ms = all.map(() => [] as number[])
    const rss = all.map(() => [] as number[])
    for (const v of all) await probeRun(ctx, dir, v, false) // warm-up: disk cache, compiled code
    for (let i = 0; i < RUNS; i++) {
      for (let k = 0; k < all.length; k++) {
        const r = await probeRun(ctx, dir, all[k], false)
        ms[k].push(r.ms)
        rss[k].push(r.rssMiB)
      }
    }
    const counts = []
    for (const v of all) counts.push((await probeRun(ctx, dir, v, true)).urls)
    ctx.progress(`  modules of tamtam send: ${counts[counts.length - 1].length}`)
    return [
      ...series('cold send: wall time', 'ms', all, ms, 'spawn to exit'),
      ...series('cold send: peak RSS', 'MB', all, rss, 'getrusage maxRSS at exit'),
      ...series('cold send: modules loaded', 'modules', all, counts.map((u) => [u.length]), 'files (ESM load hook ∪ require cache), one run')
    ]
  } finally {
    await node.close()
  }
}

/** One figure per variant, each compared with the socket client (the second variant). */
function series (measure: string, unit: string, all: Variant[], samples: number[][], note: string): Figure[] {
  const figs = all.map((v, k) => figure(measure, v.name, unit, samples[k], k === 0 ? note : undefined))
  return figs.map((f, k) => k < 2 ? f : against(f, figs[1]))
}

export function coldSendMeasures (): Measure[] {
  return [{ id: 'cold-send', title: 'cold one-shot send through a running node', run: measureColdSend }]
}

const INTRO = [
  'A fresh `node bin/tamtam.js send ROOM TEXT` while a node (no network) serves the home, against',
  '`bench/lib/socket-send.ts`, which only connects to the control socket and sends the same request,',
  'and `node -e 0`. Every process is started with `--import bench/lib/probe.js`, which writes its peak RSS',
  '(getrusage) at exit; for the module count, one more run per variant also registers a load hook that',
  'lists every ES module, plus the require cache for CommonJS. Ratio is against the socket client.',
  'Rows marked (before) are another build measured in the same run (TAMTAM_BENCH_BEFORE).'
]

/** One line per measure comparing the other build with this one, when both were measured. */
function beforeAfter (r: BenchResult): string[] {
  const lines: string[] = []
  for (const measure of [...new Set(r.figures.map((f) => f.measure))]) {
    const before = r.figures.find((f) => f.measure === measure && f.name.startsWith('tamtam send ('))
    const now = r.figures.find((f) => f.measure === measure && f.name === 'tamtam send')
    if (before === undefined || now === undefined) continue
    lines.push(`- ${measure}: ${formatValue(before.median, before.unit)} (${before.ratio?.toFixed(2) ?? '?'}× the socket client) ${before.name.slice('tamtam send '.length)} → ${formatValue(now.median, now.unit)} (${now.ratio?.toFixed(2) ?? '?'}×) now`)
  }
  return lines.length === 0 ? [] : ['Before and after, medians:', ...lines]
}

const render = (r: BenchResult): string => markdownSection(r, { title: 'Cold one-shot send (issue 18)', intro: INTRO, after: beforeAfter(r) })

/** The suite, as bench/run.ts lists it. */
export const coldSendSuite = { name: 'cold-send', measures: coldSendMeasures, text: textTable, writeDoc: async (file: string, r: BenchResult) => await updateDoc(file, r, render) }
