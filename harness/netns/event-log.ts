/**
 * The JSON lines a child prints (a `tamtam up --json` node, a benchmark helper), collected
 * as they come, so a test or a bench can wait, bounded, for the one it needs.
 */
import { EventEmitter } from 'node:events'
import type { ChildProcess } from 'node:child_process'
import { killGroup } from './processes.js'

/** One JSON line printed by a child; a line that is not JSON becomes `{ event: 'text', text }`. */
export type Event = Record<string, any>

/** Most stderr kept, for error messages. */
const MAX_STDERR = 65_536

/** Collects the JSON lines of a child's stdout and lets callers wait for one (bounded). */
export class EventLog extends EventEmitter {
  readonly events: Event[] = []
  readonly child: ChildProcess
  stderr = ''
  /** True once the child exited and its output is fully read. */
  closed = false
  private buffer = ''

  constructor (child: ChildProcess) {
    super()
    this.child = child
    child.stdout?.setEncoding('utf8').on('data', (d: string) => this.push(d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (this.stderr.length < MAX_STDERR) this.stderr += d })
    child.once('close', () => {
      this.closed = true
      this.emit('closed')
    })
  }

  private push (chunk: string): void {
    this.buffer += chunk
    const lines = this.buffer.split('\n')
    this.buffer = lines.pop() ?? ''
    for (const line of lines) {
      if (line.trim() === '') continue
      let event: Event
      try {
        event = JSON.parse(line)
      } catch {
        event = { event: 'text', text: line }
      }
      this.events.push(event)
      this.emit('line', event)
    }
  }

  get exited (): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  /** The first event (already seen or still to come) matching `test`; rejects after `timeoutMs` or on exit. */
  async waitFor (test: (e: Event) => boolean, timeoutMs: number, what: string): Promise<Event> {
    const seen = this.events.find(test)
    if (seen !== undefined) return seen
    return await new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer)
        this.off('line', onLine)
        this.off('closed', onExit)
      }
      const onLine = (e: Event): void => {
        if (!test(e)) return
        cleanup()
        resolve(e)
      }
      const onExit = (): void => {
        cleanup()
        reject(new Error(`${what}: the process exited first (${String(this.child.exitCode ?? this.child.signalCode)}): ${this.stderr.trim().slice(-400)}`))
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`${what}: nothing within ${timeoutMs} ms; stderr: ${this.stderr.trim().slice(-400)}`))
      }, timeoutMs)
      this.on('line', onLine)
      this.once('closed', onExit)
      if (this.closed) onExit()
    })
  }

  /** SIGTERM, then SIGKILL of the whole group if it has not exited within `graceMs`. */
  async stop (graceMs = 10_000): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), graceMs) })
    if (await Promise.race([gone, late]) === 'late') {
      killGroup(this.child)
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 3000))])
    }
    clearTimeout(timer)
  }
}
