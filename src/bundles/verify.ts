/**
 * Verification of a bundle's proofs with Hypercore's own code, in a scratch Corestore of
 * its own (a temporary folder), so that nothing reaches the real store before the whole
 * bundle has been checked. Each log's proofs are applied in order to an empty core opened
 * by the log's key: Hypercore checks the manifest against the key, the signature over the
 * tree and every block's hash against it. The scratch store then serves, as a verified
 * source, the proofs that bring the real store up to date (apply.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import Corestore from 'corestore'
import { fail, isTamtamError } from '../errors/index.js'
import type { BodyEvent } from './body.js'
import type { BundleIndex, CoreEntry } from './frames.js'
import { Progress, type ProgressListener } from './progress.js'
import { provable, type ProvableCore } from './proofs.js'

/** A log whose blocks in the bundle all verified. */
export interface VerifiedCore {
  key: Buffer
  /** Blocks carried, as [first, count] runs. */
  runs: Array<[number, number]>
  blocks: number
}

/** What verification found. */
export interface Verified { index: BundleIndex, cores: VerifiedCore[], blocks: number }

/** A scratch Corestore in a temporary folder under `parent`, removed on close. */
export class ScratchStore {
  private readonly dir: string
  readonly store: Corestore

  private constructor (dir: string) {
    this.dir = dir
    this.store = new Corestore(dir)
  }

  /** Make the folder and open the store. */
  static async open (prefix: string): Promise<ScratchStore> {
    const scratch = new ScratchStore(await mkdtemp(prefix))
    try {
      await scratch.store.ready()
    } catch (err) {
      await scratch.close()
      throw err
    }
    return scratch
  }

  /** A session on the scratch core of `key` (raw bytes: no encryption key here). */
  async core (key: Buffer): Promise<ProvableCore> {
    const core = provable(this.store.get({ key }))
    await core.ready()
    return core
  }

  /** Close the store and remove the folder (idempotent). */
  async close (): Promise<void> {
    await this.store.close().catch(() => {})
    await rm(this.dir, { recursive: true, force: true })
  }
}

/** Apply every proof of `events` to `scratch`; throws BUNDLE_INVALID at the first that fails. */
export async function verifyBundle (events: AsyncIterable<BodyEvent>, scratch: ScratchStore, onProgress?: ProgressListener): Promise<Verified> {
  let index: BundleIndex | null = null
  let progress: Progress | null = null
  const cores: VerifiedCore[] = []
  let current: { core: ProvableCore, verified: VerifiedCore } | null = null
  try {
    for await (const event of events) {
      if (event.type === 'index') {
        index = event.index
        progress = new Progress('verify', index.cores.reduce((sum, e) => sum + e.blocks, 0), onProgress)
      } else if (event.type === 'proof') {
        if (event.first) {
          current = { core: await scratch.core(event.entry.key), verified: { key: event.entry.key, runs: [], blocks: 0 } }
          cores.push(current.verified)
        }
        const { core, verified } = current as NonNullable<typeof current>
        await applyVerified(core, event)
        addToRuns(verified, (event.proof.block as { index: number }).index)
        progress?.add(1)
        if (event.last) {
          checkComplete(core, event.entry)
          await core.close()
          current = null
        }
      }
    }
  } finally {
    await current?.core.close().catch(() => {})
  }
  progress?.finish()
  if (index === null) throw fail('BUNDLE_INVALID', 'the bundle has no index')
  return { index, cores, blocks: cores.reduce((sum, c) => sum + c.blocks, 0) }
}

/** One proof through Hypercore's verification; any refusal is BUNDLE_INVALID. */
async function applyVerified (core: ProvableCore, event: Extract<BodyEvent, { type: 'proof' }>): Promise<void> {
  const where = `block ${String(event.proof.block?.index)} of log ${event.entry.key.toString('hex').slice(0, 8)}`
  let ok: boolean
  try {
    ok = await core.applyProof(event.proof)
  } catch (err) {
    if (isTamtamError(err)) throw err
    const code = (err as { code?: unknown })?.code
    throw fail('BUNDLE_INVALID', `${where} fails Hypercore verification (${typeof code === 'string' ? code : String((err as Error)?.message)})`, err)
  }
  if (!ok) throw fail('BUNDLE_INVALID', `${where} was not accepted by Hypercore`)
}

/** After its last proof, the scratch core must hold the signed length the index claims. */
function checkComplete (core: ProvableCore, entry: CoreEntry): void {
  if (core.length < entry.length) throw fail('BUNDLE_INVALID', `log ${entry.key.toString('hex').slice(0, 8)} is signed to ${core.length} blocks, not ${entry.length}`)
}

function addToRuns (verified: VerifiedCore, index: number): void {
  const last = verified.runs[verified.runs.length - 1]
  if (last !== undefined && last[0] + last[1] === index) last[1]++
  else verified.runs.push([index, 1])
  verified.blocks++
}
