/**
 * The one owner of the process's lifetime. SIGINT and SIGTERM abort one signal; every long-running entry (`up`, the app,
 * `share-app`, `drill start`, `get`) awaits it and closes cleanly, and the entry point then
 * exits. A second signal while closing exits at once, for a close that hangs.
 *
 * The handlers stay installed for the whole run: blessed exits the process on SIGTERM only
 * when it is the signal's sole listener, so with these in place it leaves the close to us.
 * SIGHUP keeps its default (the process ends at once): `nohup tamtam up` relies on it being
 * ignored, which a handler would undo, and a store ended that way opens again (the lock
 * goes with the process, a stale socket is replaced).
 */
import { constants } from 'node:os'

/** What the lifetime listens on; the process, or a stand-in in tests. */
export interface SignalSource {
  on: (signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void) => unknown
  off: (signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void) => unknown
  exit: (code: number) => never
}

/** Raised as the abort reason: the run was stopped by `signal`. */
export class Stopped extends Error {
  readonly signal: NodeJS.Signals
  constructor (signal: NodeJS.Signals) {
    super(`stopped by ${signal}`)
    this.name = 'AbortError'
    this.signal = signal
  }
}

/** The exit code of a process ended by `signal`, as shells report it (130 for SIGINT). */
export function signalExitCode (signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0)
}

/** One abort signal for the run, raised by the signals it watches. */
export class Lifetime {
  private readonly controller = new AbortController()
  private readonly watched = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>()
  private readonly source: SignalSource | null

  /** `source` null watches nothing (programs built by tests). */
  constructor (source: SignalSource | null = process) {
    this.source = source
  }

  /** Aborted by the first watched signal; its reason is a {@link Stopped}. */
  get signal (): AbortSignal {
    return this.controller.signal
  }

  /** The signal that stopped the run, or null while it runs. */
  get stoppedBy (): NodeJS.Signals | null {
    const reason: unknown = this.controller.signal.reason
    return reason instanceof Stopped ? reason.signal : null
  }

  /** Start watching `signals` (idempotent per signal). */
  watch (...signals: NodeJS.Signals[]): this {
    for (const name of signals) {
      if (this.source === null || this.watched.has(name)) continue
      const listener = (signal: NodeJS.Signals): void => this.raise(signal)
      this.watched.set(name, listener)
      this.source.on(name, listener)
    }
    return this
  }

  /** Stop, as if `signal` had come: the first time aborts, the second exits at once. */
  raise (signal: NodeJS.Signals): void {
    if (!this.controller.signal.aborted) this.controller.abort(new Stopped(signal))
    else this.source?.exit(signalExitCode(signal))
  }

  /** Stop watching (idempotent). */
  dispose (): void {
    for (const [name, listener] of this.watched) this.source?.off(name, listener)
    this.watched.clear()
  }
}

/** Resolves with the name of the signal that stopped the run, once `signal` aborts. */
export async function untilStopped (signal: AbortSignal): Promise<string> {
  const name = (): string => signal.reason instanceof Stopped ? signal.reason.signal : 'abort'
  if (signal.aborted) return name()
  return await new Promise((resolve) => signal.addEventListener('abort', () => resolve(name()), { once: true }))
}
