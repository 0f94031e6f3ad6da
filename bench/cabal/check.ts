/**
 * Manual check of the Cabal side (not part of `npm run bench`): on a two-host namespace LAN,
 * delivery on a clean link, then with 20 ms each way (link-impair.py), then a late join.
 * Run as root from the package root:
 *   node --import ./node_modules/@tapjs/typescript/dist/esm/import.mjs bench/cabal/check.ts [messages] [late]
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createLan } from '../../harness/netns/index.js'
import { cabalDelivery, cabalLateJoin } from '../lib/cabal.js'

const messages = Number(process.argv[2] ?? 10)
const late = Number(process.argv[3] ?? 20_000)
const stats = (xs: number[]): string => {
  const s = [...xs].sort((a, b) => a - b)
  return `n ${s.length}, p50 ${s[Math.floor((s.length - 1) / 2)]} ms, max ${s[s.length - 1]} ms (${s.join(' ')})`
}

/** Clean link, then 20 ms each way; 0 messages skips both (late join only). */
async function delivery (plan: { messages: number, spacingMs: number, warm: number }): Promise<void> {
  console.log('clean:', stats(await cabalDelivery(lan, ['a', 'b'], plan, path.join(scratch, 'clean'))))
  const hub = await lan.impair('s', { delayMs: 20, seconds: 120 })
  try {
    console.log('20 ms each way:', stats(await cabalDelivery(lan, ['a', 'b'], plan, path.join(scratch, 'delay20'))))
  } finally {
    await hub.stop()
  }
}

const scratch = await mkdtemp(path.join(tmpdir(), 'cabal-check-'))
const lan = await createLan({ segments: { s: ['a', 'b'] } }, { prefix: 'tb' })
try {
  const plan = { messages, spacingMs: 300, warm: 3 }
  if (messages > 0) await delivery(plan)
  const t0 = Date.now()
  const j = await cabalLateJoin(lan, ['a', 'b'], late, path.join(scratch, 'late'))
  console.log(`late join of ${late}: ${j.ms} ms from ready (${Math.round(j.perSecond)} msg/s, first peer after ${j.connectMs} ms, feed downloaded after ${j.downloadedMs} ms; whole measure ${Date.now() - t0} ms)`)
  await rm(scratch, { recursive: true, force: true })
} catch (err) {
  console.error(`failed; children's stderr kept in ${scratch}`)
  throw err
} finally {
  await lan.destroy()
}
