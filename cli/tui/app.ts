/**
 * `tamtam` with no arguments: the terminal app. When a node already runs on the home
 * (`tamtam up` in another terminal), the app attaches to it through its control socket
 * (attached-model.ts). Otherwise it runs a node in this process (so the app is a full
 * peer), keeps the model fresh from the node's events, and closes the node (store and
 * control socket) cleanly on Ctrl-C, /quit, or the run's signal (SIGTERM: cli/lifetime.ts,
 * whose handlers keep blessed from exiting on its own).
 */
import { fail, isTamtamError } from '../../src/errors/index.js'
import { homePaths } from '../../src/home/index.js'
import { langFromEnvironment, loadLang, pickLang, translator } from '../../src/i18n/index.js'
import type { NetworkOptions } from '../../src/network/index.js'
import { TamtamNode } from '../../src/node/index.js'
import { AttachedModel } from './attached-model.js'
import { TuiModel } from './model.js'
import { runScreen } from './screen.js'

/** How often the status bar is refreshed when nothing else happens (Internet, reach). */
const STATUS_REFRESH_MS = 2000
/** How often a running drill's panel is redrawn (the watch rebuilds its report at most this often). */
const DRILL_REFRESH_MS = 1000

/**
 * Options of the app. `signal` aborts to close it as /quit does. `networkFlags` are the
 * network flags typed (e.g. `--port 7000`): a running node keeps its own, so they are
 * said to be ignored when the app attaches.
 */
export interface TuiOptions { home: string, lang?: string, network: NetworkOptions, networkFlags?: string[], signal?: AbortSignal }

/** Run the app until the user quits or the signal aborts: attached to the home's node if one runs, else with its own. */
export async function runTui (opts: TuiOptions): Promise<void> {
  const lang = await loadLang(pickLang(opts.lang, process.env))
  const attached = new AttachedModel(homePaths(opts.home).socket, lang)
  if (!await attached.attach()) return await runOwn(opts, lang)
  await runAttached(attached, opts)
  // The node stopped under the app (it was stopped, or it died): say so rather than leave a dead screen.
  if (attached.ended !== null) throw fail('NODE_NOT_RUNNING', translator(lang)('tui.nodeStopped'))
}

/**
 * The app attached to a running node: it reads and writes through the node, and leaves it
 * running when it quits. If the node stops, the app closes too (runTui says why): opening
 * a node here instead would run with other network options (another port), so the peers
 * told to reach `tamtam up` at IP:PORT would silently lose this computer.
 */
async function runAttached (model: AttachedModel, opts: TuiOptions): Promise<void> {
  const refresh = (): void => { void model.refresh().catch((err) => model.error(err)) }
  const quit = (): void => { model.emit('quit') }
  opts.signal?.addEventListener('abort', quit, { once: true })
  const timer = setInterval(refresh, STATUS_REFRESH_MS)
  const drillTimer = setInterval(() => { void model.tickDrill().catch((err) => model.error(err)) }, DRILL_REFRESH_MS)
  try {
    await model.refresh()
    if ((opts.networkFlags ?? []).length > 0) model.notice(model.t('tui.attachedOptions', { options: (opts.networkFlags ?? []).join(' ') }))
    if (model.state.rooms.length === 0) model.notice(model.t('tui.askRoom'))
    // The node may have stopped, or the run been stopped, while the first view was read.
    if (opts.signal?.aborted !== true && model.ended === null) await runScreen(model)
  } finally {
    opts.signal?.removeEventListener('abort', quit)
    clearInterval(timer)
    clearInterval(drillTimer)
    model.detach()
  }
}

/** The app with its own node in this process. */
async function runOwn (opts: TuiOptions, lang: string): Promise<void> {
  const node = new TamtamNode({ home: opts.home, network: opts.network })
  const model = new TuiModel(node, lang)
  model.needsLang = !langFromEnvironment(opts.lang, process.env)
  try {
    await node.tt.identity()
    await node.openLocal()
  } catch (err) {
    if (!isTamtamError(err, 'NOT_INITIALISED')) {
      await node.close()
      throw err
    }
    model.state.stage = 'name'
  }
  const refresh = (): void => { void model.refresh().catch((err) => model.error(err)) }
  node.tt.on('update', refresh)
  node.tt.on('rooms', refresh)
  for (const event of ['connected', 'disconnected', 'presence', 'synced']) node.on(event, refresh)
  node.on('drill-ack', (info: { room?: unknown, drill?: unknown }) => model.probeAcknowledged(info))
  const quit = (): void => { model.emit('quit') }
  // `/panic` (or `tamtam panic` from another terminal) wiped the home: the app ends with its node.
  node.on('panic', quit)
  opts.signal?.addEventListener('abort', quit, { once: true })
  const timer = setInterval(refresh, STATUS_REFRESH_MS)
  const drillTimer = setInterval(() => { void model.tickDrill().catch((err) => model.error(err)) }, DRILL_REFRESH_MS)
  try {
    if (model.state.stage === 'chat') {
      await model.refresh()
      if (model.state.rooms.length === 0) model.notice(model.t('tui.askRoom'))
      // The first screen needs only the store: the network starts once it is drawn.
      setImmediate(() => { node.open().then(refresh, (err) => model.error(err)) })
    }
    // Stopped while the store was opening: close without drawing.
    if (opts.signal?.aborted !== true) await runScreen(model)
  } finally {
    opts.signal?.removeEventListener('abort', quit)
    clearInterval(timer)
    clearInterval(drillTimer)
    await node.close()
  }
}
