/**
 * `tamtam panic` on a big locked home (issue 21): 100,000 messages and 1 GiB of documents of
 * random bytes. Each run wipes a fresh `cp -a` copy of one template (the copy is not timed).
 * Four variants: default and `--all`, each with no node and with a running `tamtam up` on the
 * home (in a one-host namespace LAN, so its beacons stay off this machine's interfaces).
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { addDocuments, buildBase, copyHome, duBytes, lockHome, PASS } from '../lib/lock-homes.js'
import { against, figure, runNode, type BenchContext, type Figure } from '../lib/measure.js'
import { childEnv, killGroup, NetnsLan, netnsUnsupported } from '../lib/netns.js'
import { kdfDefaults } from '../../src/vault/index.js'

/** Documents in the template: DOCS × DOC_BYTES = 1 GiB. */
const DOCS = 16
const DOC_BYTES = 64 * 1024 * 1024
/** Runs of each variant (a copy of more than 1 GB each); interleaved. */
const RUNS = 5
const NODE_READY_MS = 30_000
const NODE_EXIT_MS = 10_000

/** One panic variant; `floor` runs bench/lib/panic-floor.js instead of the CLI. */
interface Variant { key: string, all: boolean, node: boolean, floor?: boolean }
const VARIANTS: Variant[] = [
  { key: 'default', all: false, node: false },
  { key: 'all', all: true, node: false },
  { key: 'node', all: false, node: true },
  { key: 'node-all', all: true, node: true },
  { key: 'floor', all: false, node: false, floor: true }
]

/** What one panic run measured, in ms. */
interface PanicRun { reported: number, wall: number, nodeExit: number | null }

/** The template: base home, 1 GiB of documents, locked with the default scrypt parameters. */
async function buildTemplate (ctx: BenchContext): Promise<{ home: string, bytes: number, docBytes: number, buildS: number }> {
  const t0 = performance.now()
  const dir = await ctx.scratch.dir('lock-panic')
  const home = path.join(dir, 'template')
  await buildBase(ctx, home)
  const docBytes = await addDocuments(home, dir, DOCS, DOC_BYTES, ctx.progress)
  await lockHome(home, kdfDefaults.N)
  const buildS = (performance.now() - t0) / 1000
  const bytes = await duBytes(home)
  ctx.progress(`  panic template: ${(bytes / 1e9).toFixed(2)} GB in ${buildS.toFixed(0)} s`)
  return { home, bytes, docBytes, buildS }
}

/** Start `tamtam up` on `home` in host 0 of `lan`, unlocked with PASS on stdin; resolves once it is up. */
async function startNode (ctx: BenchContext, lan: NetnsLan, home: string): Promise<{ child: ChildProcess, exited: Promise<number> }> {
  const bin = path.join(ctx.root, 'bin', 'tamtam.js')
  const child = lan.harness.spawn(lan.host(0).name, [process.execPath, bin, '--home', home, '--json', 'up', '--lan-only', '--port', '0'],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...childEnv(), TAMTAM_PASSPHRASE_FD: '0' } })
  child.stdin?.end(`${PASS}\n`)
  // The time of exit is taken in the handler, not when a later await resumes.
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())))
  let out = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { out += d })
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { out += d })
  const deadline = performance.now() + NODE_READY_MS
  while (!out.includes('"event":"up"')) {
    if (performance.now() > deadline || child.exitCode !== null) {
      killGroup(child)
      throw new Error(`tamtam up did not get ready: ${out.slice(-500)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { child, exited }
}

/** Copy the template, (start a node,) run `tamtam --json panic`, check the wipe, remove the copy. */
async function panicOnce (ctx: BenchContext, template: string, variant: Variant, lan: NetnsLan | null): Promise<PanicRun> {
  const home = `${template}-run`
  await rm(home, { recursive: true, force: true })
  await copyHome(template, home)
  let node: Awaited<ReturnType<typeof startNode>> | null = null
  try {
    if (variant.node && lan !== null) node = await startNode(ctx, lan, home)
    const bin = path.join(ctx.root, 'bin', 'tamtam.js')
    const floor = path.join(ctx.root, 'dist', 'bench', 'lib', 'panic-floor.js')
    const all = variant.all ? ['--all'] : []
    const t0 = performance.now()
    const run = await runNode(variant.floor === true ? [floor, home, ...all] : [bin, '--home', home, '--json', 'panic', ...all], { cwd: ctx.root, timeoutMs: 30_000 })
    const out = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { ms?: number, node?: string }
    let nodeExit: number | null = null
    if (node !== null) {
      const at = await Promise.race([node.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), NODE_EXIT_MS))])
      if (at === null) throw new Error(`the node was still running ${NODE_EXIT_MS} ms after panic`)
      nodeExit = at - t0
      if (out.node !== 'stopped') throw new Error(`panic says the node ${String(out.node)}`)
    }
    for (const file of ['lock.json', 'identity.json', 'rooms.json']) if (existsSync(path.join(home, file))) throw new Error(`${file} survived panic`)
    if (variant.all && existsSync(path.join(home, 'store'))) throw new Error('the store survived panic --all')
    if (typeof out.ms !== 'number') throw new Error(`panic printed no ms: ${run.stdout.slice(-300)}`)
    return { reported: out.ms, wall: run.ms, nodeExit }
  } finally {
    if (node !== null && node.child.exitCode === null) killGroup(node.child)
    await rm(home, { recursive: true, force: true })
  }
}

/** The panic figures: build the template once, then RUNS interleaved rounds of the variants. */
export async function measurePanic (ctx: BenchContext): Promise<Figure[]> {
  const unsupported = netnsUnsupported()
  const template = await buildTemplate(ctx)
  const lan = unsupported === null ? await NetnsLan.create(1) : null
  if (lan === null) ctx.progress(`  no namespace LAN (${String(unsupported)}): panic with a running node is not measured`)
  const variants = VARIANTS.filter((v) => !v.node || lan !== null)
  const runs = new Map(variants.map((v) => [v.key, [] as PanicRun[]]))
  const help: number[] = []
  const bare: number[] = []
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const v of variants) runs.get(v.key)?.push(await panicOnce(ctx, template.home, v, lan))
      help.push((await runNode([path.join(ctx.root, 'bin', 'tamtam.js'), '--help'], { cwd: ctx.root })).ms)
      bare.push((await runNode(['-e', '0'], { cwd: ctx.root })).ms)
      ctx.progress(`  panic round ${i + 1}: ${variants.map((v) => { const r = runs.get(v.key)?.[i]; return `${v.key} ${String(r?.reported)}/${r?.wall.toFixed(0) ?? '?'}${r?.nodeExit == null ? '' : `/${r.nodeExit.toFixed(0)}`}` }).join(', ')} ms (reported/wall/node exit); --help ${help[i].toFixed(0)} ms, node -e 0 ${bare[i].toFixed(0)} ms`)
    }
  } finally {
    await lan?.destroy()
  }
  const gb = (template.bytes / 1e9).toFixed(2)
  const measure = 'panic, 100k messages + 1 GiB of documents'
  const build = figure(measure, 'build the template (messages, documents, lock)', 's', [template.buildS],
    `one sample; ${DOCS} documents of ${DOC_BYTES / 1024 / 1024} MiB of random bytes shared with the Documents API; home ${gb} GB (du -sb)`)
  const bareFig = figure(measure, '`node -e 0`', 'ms', bare, 'wall time, spawn to exit, in the same rounds', { p99: true })
  const helpFig = against(figure(measure, '`node bin/tamtam.js --help`', 'ms', help, 'wall time, spawn to exit, in the same rounds', { p99: true }), bareFig)
  const figs: Figure[] = [build, bareFig, helpFig]
  const label: Record<string, string> = {
    default: '`tamtam panic`',
    all: '`tamtam panic --all`',
    node: '`tamtam panic`, node running',
    'node-all': '`tamtam panic --all`, node running',
    floor: 'floor: a process that only tells the node and wipes (bench/lib/panic-floor.ts)'
  }
  const floorWall = runs.get('floor') ?? []
  const floorFig = floorWall.length === 0 ? null : figure(measure, `${label.floor}: wall time`, 'ms', floorWall.map((x) => x.wall), 'spawn to exit; what `tamtam panic` would cost if it loaded only the wipe', { p99: true, id: 'panic.floor.wall' })
  for (const v of variants.filter((x) => x.floor !== true)) {
    const r = runs.get(v.key) ?? []
    figs.push(figure(measure, `${label[v.key]}: ms it reports (--json)`, 'ms', r.map((x) => x.reported), 'from the command\'s start to its wipe done, in its process', { p99: true, id: `panic.${v.key}.reported` }))
    const wall = figure(measure, `${label[v.key]}: CLI wall time`, 'ms', r.map((x) => x.wall), 'spawn to exit of the CLI process', { p99: true, id: `panic.${v.key}.wall` })
    figs.push(floorFig === null ? wall : against(wall, floorFig))
    if (v.node) figs.push(figure(measure, `${label[v.key]}: until the node has exited`, 'ms', r.map((x) => x.nodeExit ?? Number.NaN), 'from spawning the panic CLI to the node process\'s exit', { p99: true, id: `panic.${v.key}.node` }))
  }
  if (floorFig !== null) figs.push(figure(measure, `${label.floor}: ms it reports`, 'ms', floorWall.map((x) => x.reported), 'same wipe code as the command', { p99: true }), floorFig)
  return figs
}
