/**
 * A workshop room for the tests that follow the drill guides: one laptop per namespace
 * host, all on one LAN segment ("wifi") with no route anywhere else. Commands run the way
 * the guides type them: `npx tamtam …` becomes `node bin/tamtam.js …` with the same words,
 * in the laptop's namespace, its language in LANG. Each laptop's home is given through
 * TAMTAM_HOME rather than `--home`, so the command line stays exactly the guide's.
 */
import path from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { BIN, childEnv, type CliResult } from './cli.js'
import { createLan, type Lan } from './lan.js'
import { tempDir } from './peers.js'
import { shellQuote, Tmux } from './tmux.js'

/** The guides' languages, and the LANG a laptop in that language has. */
export type GuideLang = 'fr' | 'en'
const LANGS: Record<GuideLang, string> = { fr: 'fr_FR.UTF-8', en: 'en_US.UTF-8' }

/** How long `tamtam up` may take to say it is up on a shared, loaded machine. */
const UP_MS = 30_000
/** How long a node may take to stop after Ctrl-C before it is killed. */
const STOP_MS = 15_000

/** A `tamtam up` running on a laptop. */
export interface RunningNode {
  child: ChildProcess
  /** stdout and stderr so far. */
  output: () => string
  exited: Promise<number | null>
}

/** The room: laptops by name, their LAN, and a scratch folder the commands run from. */
export class Workshop {
  readonly lan: Lan
  readonly lang: GuideLang
  /** Working folder of every command (where `-o rapport.html` lands). */
  readonly dir: string
  private readonly homes = new Map<string, string>()
  private readonly nodes = new Map<string, RunningNode>()
  /** Nodes stopped with Ctrl-C, per laptop, for {@link outputs}. */
  private readonly stopped = new Map<string, RunningNode[]>()

  private constructor (lan: Lan, lang: GuideLang, dir: string) {
    this.lan = lan
    this.lang = lang
    this.dir = dir
  }

  /** A LAN with one host per name; torn down (processes first, then namespaces) at teardown. */
  static async create (t: any, names: string[], lang: GuideLang): Promise<Workshop> {
    const lan = await createLan({ segments: { wifi: names.map(host) } })
    const w = new Workshop(lan, lang, tempDir(t, 'tamtam-guide-'))
    t.teardown(async () => { await w.stopAll(); await lan.destroy() })
    for (const n of names) w.homes.set(n, path.join(w.dir, `home-${host(n)}`))
    return w
  }

  /** What every node of the laptop printed, stopped ones first: for a failure's diagnostics. */
  outputs (name: string): string {
    const runs = [...(this.stopped.get(name) ?? []), ...[this.nodes.get(name)].filter((n) => n !== undefined)]
    return runs.map((n, i) => `--- run ${i + 1}\n${n.output()}`).join('\n')
  }

  /** The laptop's home. */
  home (name: string): string {
    const h = this.homes.get(name)
    if (h === undefined) throw new Error(`workshop: no laptop named ${name}`)
    return h
  }

  /** Environment of the laptop's commands: its home, its language, no test loaders. */
  env (name: string): NodeJS.ProcessEnv {
    const env = childEnv({ TAMTAM_HOME: this.home(name), LANG: LANGS[this.lang] })
    for (const k of ['LC_ALL', 'LC_MESSAGES', 'LC_CTYPE']) delete env[k]
    return env
  }

  /** Run `tamtam WORDS` on the laptop, in its namespace, to completion (bounded). */
  async run (name: string, words: string[], timeout = 60_000): Promise<CliResult> {
    const r = await this.lan.exec(host(name), [process.execPath, BIN, ...words], { env: this.env(name), cwd: this.dir, timeout })
    return { code: r.code ?? 1, stdout: r.stdout, stderr: r.stderr }
  }

  /** Same as run(), but a failure throws with the command's stderr. */
  async must (name: string, words: string[]): Promise<string> {
    const r = await this.run(name, words)
    if (r.code !== 0) throw new Error(`${name}: tamtam ${words.join(' ')}: exit ${r.code}: ${r.stderr}${r.stdout}`)
    return r.stdout
  }

  /** Start `tamtam WORDS` (the guide's `up …`) and wait until it prints `ready`. */
  async up (name: string, words: string[], ready: RegExp): Promise<RunningNode> {
    const child = this.lan.spawn(host(name), [process.execPath, BIN, ...words], { env: this.env(name), cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout?.on('data', (d) => { out += String(d) })
    child.stderr?.on('data', (d) => { out += String(d) })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    const node: RunningNode = { child, output: () => out, exited }
    this.nodes.set(name, node)
    const deadline = Date.now() + UP_MS
    while (!ready.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${name}: tamtam ${words.join(' ')} did not get ready: ${out}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return node
  }

  /** Ctrl-C on the laptop's node (SIGINT, as a terminal sends it); its exit code, or null if it had to be killed. */
  async ctrlC (name: string): Promise<number | null> {
    const node = this.nodes.get(name)
    if (node === undefined) throw new Error(`workshop: ${name} runs no node`)
    this.nodes.delete(name)
    this.stopped.set(name, [...(this.stopped.get(name) ?? []), node])
    if (node.child.exitCode !== null) return node.child.exitCode
    node.child.kill('SIGINT')
    let killed = false
    const timer = setTimeout(() => { killed = true; node.child.kill('SIGKILL') }, STOP_MS)
    const code = await node.exited
    clearTimeout(timer)
    return killed ? null : code
  }

  /** Ctrl-C on every node still running. */
  async stopAll (): Promise<Record<string, number | null>> {
    const names = [...this.nodes.keys()]
    const codes = await Promise.all(names.map(async (n) => await this.ctrlC(n)))
    return Object.fromEntries(names.map((n, i) => [n, codes[i]]))
  }

  /**
   * The app (`tamtam WORDS`, usually none) in tmux, in the laptop's namespace and home,
   * started from the workshop folder (where `/drill report` writes). Killed at teardown.
   */
  async app (t: any, name: string, words: string[], size = { width: 160, height: 45 }): Promise<Tmux> {
    const env = ['env', '-u', 'NODE_OPTIONS', '-u', 'LC_ALL', '-u', 'LC_MESSAGES', '-u', 'LC_CTYPE', `TAMTAM_HOME=${this.home(name)}`, `LANG=${LANGS[this.lang]}`]
    const words2 = ['ip', 'netns', 'exec', this.lan.host(host(name)).ns, ...env, process.execPath, BIN, ...words]
    return await Tmux.start(t, `cd ${shellQuote(this.dir)} && ${words2.map(shellQuote).join(' ')}`, size)
  }
}

/** A namespace host name for a person's laptop (lowercase ASCII). */
function host (name: string): string {
  return name.toLowerCase().normalize('NFD').replace(/[^a-z0-9]/g, '')
}
