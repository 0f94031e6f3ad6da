/**
 * Storage per message (issue 19): 20,000 messages of about 200 bytes, sent one at a time
 * as `tamtam send` does, then replicated to a second home (a late joiner). Reports each
 * home's size on disk while open, after close, and settled (reopened, fully compacted,
 * closed), by kind of file, and the store's live keys by hypercore-storage prefix.
 * Every home figure is compared with the record bytes (the sum of the log's block sizes).
 * Two variants in the same run: hypercore-storage's defaults (what tamtam used before) and
 * tamtam's store tuning now (src/home/store.ts).
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { storeTuning } from '../../src/home/store.js'
import { connectInProcess, InProcessSource } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/index.js'
import { Tamtam } from '../../src/tamtam.js'
import { compactStore, FILE_KINDS, homeUsage, liveKeys, type KeyBytes, type Usage } from '../lib/disk.js'
import { against, figure, type BenchContext, type Figure, type Measure } from '../lib/measure.js'
import { markdownSection, textTable, updateDoc, targetLines, type BenchResult, type Target } from '../report/report.js'
import { message } from './foundation.js'

const COUNT = 20_000
const MB = 1e6
const REPLICATE_TIMEOUT_MS = 180_000

interface Variant { key: string, label: string, tuning: typeof storeTuning }
const VARIANTS: Variant[] = [
  { key: 'before', label: 'hypercore-storage defaults', tuning: { writeBufferSize: 64 * 1024 * 1024, flushOnClose: false, keepInfoLogs: 1000 } },
  { key: 'now', label: 'tamtam store tuning', tuning: { ...storeTuning } },
  // Measured, not adopted (see storeTuning in src/home/store.ts: it delays noticing a full disk).
  { key: 'small-memtable', label: 'store tuning with a 4 MiB memtable', tuning: { ...storeTuning, writeBufferSize: 4 * 1024 * 1024 } }
]

/** A node with no control socket, documents or drills, on an in-process connection source. */
async function newNode (home: string, name: string): Promise<{ node: TamtamNode, source: InProcessSource }> {
  const source = new InProcessSource()
  const node = new TamtamNode({ home, source, control: false, documents: false, drills: false })
  await node.tt.init(name)
  return { node, source }
}

/** What one home measured. */
interface HomeSizes { open: Usage, closed: Awaited<ReturnType<typeof homeUsage>>, settled: Usage, keys: Map<string, KeyBytes> }

/** Reopen the home, compact its store fully, count its live keys, close: the settled size. */
async function settle (home: string): Promise<{ settled: Usage, keys: Map<string, KeyBytes> }> {
  const tt = new Tamtam({ home })
  let keys: Map<string, KeyBytes>
  try {
    const store = await tt.store()
    await compactStore(store)
    keys = await liveKeys(store)
  } finally {
    await tt.close()
  }
  return { settled: (await homeUsage(home)).total, keys }
}

async function until (check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not done within ${ms / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Write, replicate, close and settle two homes with `variant`'s store tuning. */
async function runVariant (ctx: BenchContext, variant: Variant): Promise<{ recordBytes: number, writer: HomeSizes, reader: HomeSizes }> {
  const saved = { ...storeTuning }
  Object.assign(storeTuning, variant.tuning)
  const dir = await ctx.scratch.dir(`storage-${variant.key}`)
  const homes = { writer: path.join(dir, 'writer'), reader: path.join(dir, 'reader') }
  try {
    const w = await newNode(homes.writer, 'writer')
    const r = await newNode(homes.reader, 'reader')
    let recordBytes: number
    const open: Record<'writer' | 'reader', Usage> = { writer: { allocated: 0, apparent: 0 }, reader: { allocated: 0, apparent: 0 } }
    try {
      const { room, invite } = await w.node.tt.createRoom('storage')
      const t0 = performance.now()
      for (let i = 0; i < COUNT; i++) await w.node.tt.send(room, (message(i) as { text: string }).text)
      ctx.progress(`  ${variant.key}: ${COUNT} sends in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      const own = (await w.node.tt.logs(room)).own
      recordBytes = own.core.byteLength
      open.writer = (await homeUsage(homes.writer)).total
      await r.node.tt.joinRoom(invite)
      await Promise.all([w.node.open(), r.node.open()])
      const t1 = performance.now()
      connectInProcess(w.source, r.source)
      const rroom = r.node.tt.rooms.resolve('storage')
      await until(async () => {
        const log = (await r.node.tt.logs(rroom)).list().find((l) => l.key === own.key)
        if (log === undefined || log.core.contiguousLength < own.core.length) return false
        await log.indexNicknames() // the reader's index, as the node keeps it, is part of its home
        return true
      }, REPLICATE_TIMEOUT_MS, 'replication to the second home')
      ctx.progress(`  ${variant.key}: replicated in ${((performance.now() - t1) / 1000).toFixed(1)} s`)
      open.reader = (await homeUsage(homes.reader)).total
    } finally {
      await w.node.close()
      await r.node.close()
    }
    const sizes = async (side: 'writer' | 'reader'): Promise<HomeSizes> => {
      const closed = await homeUsage(homes[side])
      return { open: open[side], closed, ...await settle(homes[side]) }
    }
    return { recordBytes, writer: await sizes('writer'), reader: await sizes('reader') }
  } finally {
    Object.assign(storeTuning, saved)
  }
}

/** The figures of one home: totals against the record bytes, then where the bytes are. */
function homeFigures (variant: Variant, side: string, recordBytes: number, h: HomeSizes): Figure[] {
  const measure = `${side}, ${variant.label}`
  const one = (name: string, bytes: number, note?: string, id?: string): Figure => figure(measure, name, 'MB', [bytes / MB], note, id === undefined ? {} : { id })
  const base = one('record bytes (sum of block sizes)', recordBytes, `${COUNT.toLocaleString('en')} messages + the binding block`)
  const vs = (f: Figure): Figure => against(f, base)
  const figs = [
    base,
    vs(one('home while the node is open, allocated', h.open.allocated, `apparent ${(h.open.apparent / MB).toFixed(2)} MB`)),
    vs(one('home after close, allocated', h.closed.total.allocated, `apparent ${(h.closed.total.apparent / MB).toFixed(2)} MB`, `${side}.${variant.key}.closed`)),
    vs(one('home settled (reopen, compact, close), allocated', h.settled.allocated, `apparent ${(h.settled.apparent / MB).toFixed(2)} MB`, `${side}.${variant.key}.settled`))
  ]
  for (const kind of FILE_KINDS) {
    const u = h.closed.kinds[kind]
    if (u.allocated > 0 || u.apparent > 0) figs.push(one(`after close: ${kind}, allocated`, u.allocated, `apparent ${(u.apparent / MB).toFixed(3)} MB`))
  }
  if (variant.key !== 'now') return figs
  // Classes under 1% of the bytes (store and core heads, hints, sessions) share one row.
  const all = [...h.keys.entries()].sort((a, b) => b[1].bytes - a[1].bytes)
  const total = all.reduce((n, [, k]) => n + k.bytes, 0)
  const big = all.filter(([cls, k]) => k.bytes >= total / 100 || cls.startsWith('user data'))
  const small = all.filter((e) => !big.includes(e))
  const rest = small.reduce((n, [, k]) => ({ keys: n.keys + k.keys, bytes: n.bytes + k.bytes }), { keys: 0, bytes: 0 })
  const note = (k: KeyBytes): string => `${k.keys.toLocaleString('en')} keys, ${(k.bytes / COUNT).toFixed(1)} B per message (key + value)`
  for (const [cls, k] of big) figs.push(one(`live keys: ${cls}`, k.bytes, note(k)))
  if (small.length > 0) figs.push(one('live keys: everything else', rest.bytes, `${small.map(([c]) => c).join(', ')}: ${note(rest)}`))
  return figs
}

async function measureVariant (ctx: BenchContext, variant: Variant): Promise<Figure[]> {
  const run = await runVariant(ctx, variant)
  return [...homeFigures(variant, 'writer', run.recordBytes, run.writer), ...homeFigures(variant, 'reader', run.recordBytes, run.reader)]
}

export function storageMeasures (): Measure[] {
  return VARIANTS.map((v) => ({ id: `storage-${v.key}`, title: `storage per message, ${v.label}`, run: async (ctx: BenchContext) => await measureVariant(ctx, v) }))
}

const TARGETS: Target[] = ['writer', 'reader'].flatMap((side) => [
  { label: `${side} home after close under 3× the record bytes`, figure: `${side}.now.closed`, stat: 'ratio' as const, op: '<' as const, limit: 3 },
  { label: `${side} home settled under 3× the record bytes`, figure: `${side}.now.settled`, stat: 'ratio' as const, op: '<' as const, limit: 3 }
])

const INTRO = [
  `${COUNT.toLocaleString('en')} messages of about 200 bytes sent one at a time (\`Tamtam.send\`), then replicated to a`,
  'second home that joins afterwards (in process, over a Noise stream pair). One sample each. Sizes are',
  'allocated bytes (du), apparent bytes in the note; ratio is against the record bytes. Settled: reopened,',
  'fully compacted (compactRange), closed. Live keys: key + value bytes per hypercore-storage prefix.',
  '"hypercore-storage defaults" is how tamtam opened its store before issue 19 (64 MiB memtable, no flush',
  'on close, RocksDB keeps 1,000 info logs); "tamtam store tuning" is src/home/store.ts (flush on close,',
  '2 info logs kept); the 4 MiB memtable variant is measured but not adopted (see src/home/store.ts).'
]

const render = (r: BenchResult): string => markdownSection(r, { title: 'Storage per message (issue 19)', intro: INTRO, after: targetLines(r.figures, TARGETS).map((l) => `- ${l}`) })

/** The suite, as bench/run.ts lists it. */
export const storageSuite = { name: 'storage', measures: storageMeasures, text: textTable, writeDoc: async (file: string, r: BenchResult) => await updateDoc(file, r, render) }
