/**
 * The real terminal app in a real terminal: one tmux server per session, on its own
 * socket (`tmux -L`), so tests never touch anyone's tmux and `kill()` ends everything the
 * session started. The pane runs `CMD; echo EXIT=$?; sleep 60`, so the exit status of the
 * app stays on screen after it quits.
 *
 * blessed draws borders with the terminal's line-drawing set, which `capture-pane` shows
 * as the letters q, x, l, k, m, j: assert on words, never on borders.
 */
import { execFile, execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { BIN, childEnv } from './cli.js'
import { requirePrerequisite } from './prereq.js'

/** Time a tmux command may take before it is killed. */
const TMUX_TIMEOUT_MS = 10_000
/** How often waitFor looks at the pane. */
const POLL_MS = 50
/** blessed waits for the rest of a possible escape sequence after Escape; DESIGN.md says 1 s. */
const ESCAPE_SETTLE_MS = 1100

/** tmux key names that `keys()` sends as keys; anything else is typed literally. */
const KEY_NAMES = new Set(['Enter', 'Escape', 'Tab', 'BTab', 'BSpace', 'Space', 'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'PPage', 'NPage', 'DC', 'IC'])

const isKeyName = (part: string): boolean => KEY_NAMES.has(part) || /^[CM]-[a-zA-Z\\[\]]$/.test(part) || /^F\d{1,2}$/.test(part)

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Environment for tmux itself: no test loaders, and a UTF-8 locale so accents go through send-keys. */
function tmuxEnv (): NodeJS.ProcessEnv {
  return childEnv({ LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' })
}

let missing: string | null | undefined

/** Sessions not killed yet: killed synchronously on exit if a test died before its teardown. */
const live = new Set<Tmux>()
let exitHook = false

/** Why tmux cannot be used here, or null when it can. Computed once. */
export function tmuxMissing (): string | null {
  if (missing !== undefined) return missing
  try {
    execFileSync('tmux', ['-V'], { timeout: TMUX_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] })
    missing = null
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    missing = e.code === 'ENOENT' ? 'the tmux command was not found' : `tmux -V failed: ${e.message}`
  }
  return missing
}

/**
 * For a tap test: true when tmux works. Otherwise skips it with the reason, or fails it under
 * CI=true (test/helpers/prereq.ts), and returns false. Use as `if (!skipUnlessTmux(t)) return`.
 */
export function skipUnlessTmux (t: any): boolean {
  return requirePrerequisite(t, 'tmux', tmuxMissing())
}

/** Quote one word for sh. */
export function shellQuote (word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`
}

/** What runs in the pane: the app, with a clean environment, optionally inside a network namespace. */
export interface AppCommand {
  /** Arguments after `tamtam` (e.g. `['--home', H, 'tui', '--lan-only']`). */
  args: string[]
  /** `LANG` for the app; LC_ALL, LC_MESSAGES and LC_CTYPE are unset so it decides. Default en_US.UTF-8; null leaves LANG unset too. */
  lang?: string | null
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string
}

/** The shell command line for the pane. NODE_OPTIONS (tap's loaders) is removed explicitly. */
export function appCommand (cmd: AppCommand): string {
  const words = [
    ...(cmd.netns === undefined ? [] : ['ip', 'netns', 'exec', cmd.netns]),
    'env', '-u', 'NODE_OPTIONS', '-u', 'TAMTAM_HOME', '-u', 'LC_ALL', '-u', 'LC_MESSAGES', '-u', 'LC_CTYPE',
    ...(cmd.lang === null ? ['-u', 'LANG'] : [`LANG=${cmd.lang ?? 'en_US.UTF-8'}`]),
    process.execPath, BIN, ...cmd.args
  ]
  return words.map(shellQuote).join(' ')
}

/** Options of {@link Tmux.start}. */
export interface TmuxOptions { width?: number, height?: number }

/** One tmux session on a private server. */
export class Tmux {
  /** Socket name (`tmux -L`), unique per session. */
  readonly socket: string
  /** The pane to talk to. */
  readonly target = 'app:0.0'
  /** The last screen captured by screen() or waitFor(). */
  last = ''
  /** The server's socket file; tmux 3.3 leaves it behind after kill-server. */
  private socketPath = ''
  private killed = false

  private constructor (socket: string) {
    this.socket = socket
  }

  /**
   * Start `command` (a shell command line) in a detached session, default 100×30. The
   * session is killed in `t.teardown`.
   */
  static async start (t: any, command: string, opts: TmuxOptions = {}): Promise<Tmux> {
    const session = new Tmux(`tamtam-test-${process.pid}-${randomBytes(4).toString('hex')}`)
    live.add(session)
    if (!exitHook) {
      exitHook = true
      process.on('exit', () => { for (const s of live) s.killSync() })
    }
    t.teardown(async () => await session.kill())
    const pane = `${command}; echo EXIT=$?; sleep 60`
    await session.tmux(['new-session', '-d', '-s', 'app', '-x', String(opts.width ?? 100), '-y', String(opts.height ?? 30), pane])
    session.socketPath = (await session.tmux(['display-message', '-p', '#{socket_path}'])).trim()
    return session
  }

  /** Run one tmux command on this session's server; rejects with tmux's stderr on failure. */
  async tmux (args: string[]): Promise<string> {
    return await new Promise((resolve, reject) => {
      execFile('tmux', ['-u', '-f', '/dev/null', '-L', this.socket, ...args], { env: tmuxEnv(), timeout: TMUX_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err === null) resolve(String(stdout))
        else reject(new Error(`tmux ${args.slice(0, 3).join(' ')}: ${String(stderr).trim() || err.message}`))
      })
    })
  }

  /**
   * Send keys: each part that is a tmux key name (Enter, Escape, Tab, PageUp, C-c, C-n...)
   * is pressed; any other part is typed literally (`send-keys -l`). After Escape it waits
   * ESCAPE_SETTLE_MS, since blessed holds Escape to see whether a sequence follows.
   */
  async keys (...parts: string[]): Promise<void> {
    for (const part of parts) {
      if (isKeyName(part)) await this.tmux(['send-keys', '-t', this.target, part])
      else await this.tmux(['send-keys', '-t', this.target, '-l', part])
      if (part === 'Escape') await sleep(ESCAPE_SETTLE_MS)
    }
  }

  /** Type a line and press Enter. */
  async line (text: string): Promise<void> {
    await this.keys(text, 'Enter')
  }

  /** The visible pane as text, one line per row. */
  async screen (): Promise<string> {
    this.last = await this.tmux(['capture-pane', '-p', '-t', this.target])
    return this.last
  }

  /** The visible pane as an array of rows (exactly the pane's height). */
  async rows (): Promise<string[]> {
    return (await this.screen()).replace(/\n$/, '').split('\n')
  }

  /**
   * Poll the pane until `until` (a pattern, or a test on the screen text) holds, at most
   * `ms`. Returns the matching screen, or null on timeout (the last screen is then in
   * `last`, for the failure message).
   */
  async waitFor (until: RegExp | ((screen: string) => boolean), ms = 10_000): Promise<string | null> {
    const holds = typeof until === 'function' ? until : (screen: string) => until.test(screen)
    const deadline = Date.now() + ms
    for (let i = 0; i < 100_000; i++) {
      const screen = await this.screen()
      if (holds(screen)) return screen
      if (Date.now() >= deadline) return null
      await sleep(POLL_MS)
    }
    return null
  }

  /** Wait for the `EXIT=N` line the pane prints after the command; null if it does not come in `ms`. */
  async exitCode (ms = 10_000): Promise<number | null> {
    const screen = await this.waitFor(/EXIT=\d+/, ms)
    const m = screen?.match(/EXIT=(\d+)/)
    return m === null || m === undefined ? null : Number(m[1])
  }

  /** Resize the window (the app gets SIGWINCH). */
  async resize (width: number, height: number): Promise<void> {
    await this.tmux(['resize-window', '-t', this.target, '-x', String(width), '-y', String(height)])
  }

  /** Paste the contents of `file` into the pane, as a terminal paste would. */
  async paste (file: string): Promise<void> {
    await this.tmux(['load-buffer', '-b', 'paste', file])
    await this.tmux(['paste-buffer', '-d', '-b', 'paste', '-t', this.target])
  }

  /** The pane's title, as set by the app with OSC 0 or 2. */
  async title (): Promise<string> {
    return (await this.tmux(['display-message', '-p', '-t', this.target, '#{pane_title}'])).trim()
  }

  /** Kill the server and everything in it, and remove its socket file. Idempotent, never throws. */
  async kill (): Promise<void> {
    if (this.killed) return
    this.killed = true
    live.delete(this)
    await this.tmux(['kill-server']).catch(() => {})
    this.removeSocket()
  }

  /** Same as kill(), synchronously, for the exit hook. */
  killSync (): void {
    if (this.killed) return
    this.killed = true
    live.delete(this)
    try {
      execFileSync('tmux', ['-f', '/dev/null', '-L', this.socket, 'kill-server'], { env: tmuxEnv(), timeout: TMUX_TIMEOUT_MS, stdio: 'ignore' })
    } catch {
      // already gone
    }
    this.removeSocket()
  }

  private removeSocket (): void {
    if (this.socketPath.includes(this.socket)) rmSync(this.socketPath, { force: true })
  }
}
