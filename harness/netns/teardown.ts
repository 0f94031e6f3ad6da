/**
 * One registry of things to undo per LAN (namespaces, processes, impairments), undone in
 * reverse order of registration. An undo that fails is logged and the next still runs, so
 * a half-built LAN is torn down as fully as a finished one.
 *
 * As a last resort, every registry still live is undone synchronously on process exit,
 * SIGINT and SIGTERM. Those hooks are installed when this module is first imported, so
 * they run before the handlers of whoever imports it (the bench runner removes its temp
 * dirs in its own handler: the detached children must be dead by then).
 */
import { killAllChildren, logErr } from './processes.js'

/** One thing to undo, with an async form for normal teardown and a sync form for exit handlers. */
export interface Undo {
  /** What it undoes, for error messages. */
  what: string
  run: () => Promise<void>
  /** Must never block for long: it runs in exit and signal handlers. */
  runSync: () => void
}

/** Registries not yet fully undone. */
const live = new Set<Teardown>()

/** A registry of undos. {@link Teardown.run} is idempotent and never rejects. */
export class Teardown {
  private readonly undos: Array<Undo & { done: boolean }> = []
  private running: Promise<void> | null = null

  constructor () {
    live.add(this)
  }

  /** Whether teardown has begun: nothing can be added any more. */
  get started (): boolean {
    return this.running !== null || !live.has(this)
  }

  /** Registers an undo; it runs before every undo registered earlier. */
  add (undo: Undo): void {
    if (this.started) throw new Error(`teardown already started: cannot register ${undo.what}`)
    this.undos.push({ ...undo, done: false })
  }

  /** Runs every undo, last registered first. Errors go to stderr. */
  async run (): Promise<void> {
    this.running ??= this.runAll()
    await this.running
  }

  private async runAll (): Promise<void> {
    for (const undo of [...this.undos].reverse()) {
      try {
        await undo.run()
      } catch (err) {
        logErr(`undo ${undo.what}: ${String(err)}`)
      }
      undo.done = true
    }
    live.delete(this)
  }

  /** The same synchronously, skipping what the async run already finished. Never throws. */
  runSync (): void {
    live.delete(this)
    for (const undo of [...this.undos].reverse()) {
      if (undo.done) continue
      undo.done = true
      try {
        undo.runSync()
      } catch (err) {
        logErr(`undo ${undo.what}: ${String(err)}`)
      }
    }
  }
}

function teardownAllSync (): void {
  killAllChildren()
  for (const registry of [...live]) registry.runSync()
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

function onSignal (signal: NodeJS.Signals): void {
  teardownAllSync()
  for (const s of SIGNALS) process.off(s, onSignal)
  // Re-raise with our handler gone: the default action, or another handler (the bench runner's, tap's), takes over.
  try {
    process.kill(process.pid, signal)
  } catch {
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15))
  }
}

process.on('exit', teardownAllSync)
for (const s of SIGNALS) process.on(s, onSignal)
