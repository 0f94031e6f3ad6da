/**
 * The phone web server on a hostile Wi-Fi (issue 20), part 1: slow clients, floods and
 * oversized input from an outsider with eight addresses, against a real `tamtam up --web`
 * on a namespace LAN, while an honest phone keeps chatting. After each attack the phone's
 * newest message still reaches the laptop and the host answers `tamtam status`; the host's
 * memory stays bounded. Part 2: web-hostile-handshake.test.ts. Scene: web-hostile-scene.ts.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { eventually } from '../helpers/peers.js'
import { heldFrom, hostAlive, hostileScene, hostRssMiB, phoneStillDelivers, WEB_PORT, type Scene } from './web-hostile-scene.js'
import { runScript, spawnScript } from './web-hostile-scripts.js'

/**
 * Memory the attacks may add to the host: less than one 50 MB oversized message (so a host
 * that buffered one fails), and well above what the limits allow (64 sockets of at most
 * 1 MiB queued, kernel buffers outside the heap, V8's own slack).
 */
const RSS_BOUND_MIB = 40

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Sample the host's RSS every 250 ms until `until` settles; resolves with the peak (MiB). */
async function peakRss (scene: Scene, until: Promise<unknown>): Promise<number> {
  let peak = hostRssMiB(scene)
  let done = false
  void until.finally(() => { done = true })
  for (let i = 0; i < 1000 && !done; i++) {
    peak = Math.max(peak, hostRssMiB(scene))
    await sleep(250)
  }
  return Math.max(peak, hostRssMiB(scene))
}

async function stillFine (t: any, scene: Scene, what: string): Promise<void> {
  const ms = await phoneStillDelivers(scene)
  t.not(ms, null, `after ${what}, the honest phone's newest message reaches the laptop (${String(ms)} ms)`)
  t.ok(await hostAlive(scene), `after ${what}, the host answers tamtam status`)
}

t.test('slow clients, floods and oversized input do not hurt the host or the honest phone', async (t) => {
  if (!skipUnlessLan(t)) return
  const scene = await hostileScene(t)
  t.not(await phoneStillDelivers(scene), null, 'before any attack, the honest phone reaches the laptop')
  const out = scene.outsiderIps
  const base = hostRssMiB(scene)

  await t.test('slowloris: headers a byte a second, silent and stalled WebSockets, pipelined requests never read', async (t) => {
    const args = (ips: string[], mode: string): Array<string | number> => [scene.hostIp, WEB_PORT, ips.join(','), 8, mode, 0, 45_000]
    const started = Date.now()
    const runs = Promise.all([
      runScript(scene.lan, 'outsider', 'slow', args(out.slice(0, 2), 'headers'), 60_000),
      runScript(scene.lan, 'outsider', 'slow', args(out.slice(2, 4), 'ws-silent'), 60_000),
      runScript(scene.lan, 'outsider', 'slow', args(out.slice(4, 6), 'ws-stall'), 60_000),
      runScript(scene.lan, 'outsider', 'slow', args(out.slice(6, 8), 'pipeline'), 60_000)
    ])
    const peak = peakRss(scene, runs)
    await sleep(3_000)
    const heldEarly = await heldFrom(scene, out)
    t.ok(heldEarly >= 32, `the attack holds connections on the host at first (${heldEarly} of 64)`)
    t.not(await phoneStillDelivers(scene), null, 'while they hang, the honest phone still reaches the laptop')
    // Each kind by itself: headers, silent, stalled, pipelined; the attacker keeps them open for 45 s.
    const heldNow = async (): Promise<number[]> => await Promise.all([0, 2, 4, 6].map(async (i) => await heldFrom(scene, out.slice(i, i + 2))))
    const allClosed = await eventually(async () => (await heldNow()).every((n) => n === 0), 30_000, 500)
    t.ok(allClosed, `before the attacker lets go, the host has closed every one of them, each kind (${Math.round((Date.now() - started) / 1000)} s; held now ${JSON.stringify(await heldNow())})`)
    const [headers, silent, stall, pipeline] = await runs
    t.comment(JSON.stringify({ heldEarly, headers, silent, stall, pipeline }))
    t.equal(headers.closedByHost, 16, 'every slow-headers connection was closed by the host')
    const rss = await peak
    t.ok(rss - base < RSS_BOUND_MIB, `the host's memory stayed bounded (${base.toFixed(0)} → peak ${rss.toFixed(0)} MiB)`)
    await stillFine(t, scene, 'the slow clients')
  })

  await t.test('a WebSocket flood: outsider frames and a member phone that floods are closed with 1008', async (t) => {
    const flood = runScript(scene.lan, 'outsider', 'slow', [scene.hostIp, WEB_PORT, out.join(','), 2, 'ws-flood', 1, 8_000], 30_000)
    const noisy = spawnScript(scene.lan, 'phone', 'chat', [scene.wsUrl, scene.memberKey, 'Bruyant', 'flood', 0, 20_000])
    t.teardown(() => { noisy.child.kill('SIGKILL') })
    const closed = await noisy.waitFor((e) => e.event === 'closed', 20_000, 'the flooding phone is closed')
    t.same([closed.code, closed.reason], [1008, 'too many frames'], `the flooding phone (with the invite) is closed: 1008 too many frames, after ${String(closed.sentFrames)} frames`)
    const outsider = await flood
    t.comment(JSON.stringify(outsider))
    const codes = Object.keys(outsider.codes ?? {})
    t.ok(outsider.closedByHost > 0 && codes.length > 0 && codes.every((c) => c === '1008'), `every outsider flood socket the host closed got 1008 (${JSON.stringify(outsider.codes)}, ${String(outsider.closedByHost)} closed)`)
    await stillFine(t, scene, 'the floods')
  })

  await t.test('a member phone that asks the whole history 45 times and never reads is dropped', async (t) => {
    const ip = scene.phoneIps[0]
    // A small receive window, as a phone that stopped reading on a slow Wi-Fi: without it the
    // kernels' buffers (megabytes on a veth) swallow what the host sends before it queues any.
    const rmem = await scene.lan.exec('phone', ['sysctl', '-n', 'net.ipv4.tcp_rmem'])
    await scene.lan.exec('phone', ['sysctl', '-w', 'net.ipv4.tcp_rmem=4096 4096 4096'])
    t.teardown(async () => { await scene.lan.exec('phone', ['sysctl', '-w', `net.ipv4.tcp_rmem=${rmem.stdout.trim().replace(/\s+/g, ' ')}`]) })
    const hog = spawnScript(scene.lan, 'phone', 'chat', [scene.wsUrl, scene.memberKey, 'Goulu', 'hog', 0, 60_000, ip])
    t.teardown(() => { hog.child.kill('SIGKILL') })
    await hog.waitFor((e) => e.event === 'hogging', 15_000, 'the phone asks and stops reading')
    const peak = peakRss(scene, sleep(15_000))
    const since = Date.now()
    const dropped = await eventually(async () => await heldFrom(scene, [ip]) === 0, 15_000, 250)
    t.ok(dropped, `the host drops it (more than 1 MiB queued: no other limit closes a welcomed phone); ${dropped ? 'gone' : 'still held'} after ${Date.now() - since} ms`)
    const rss = await peak
    t.ok(rss - base < RSS_BOUND_MIB, `the host's memory stayed bounded (${base.toFixed(0)} → peak ${rss.toFixed(0)} MiB)`)
    await stillFine(t, scene, 'the phone that does not read')
  })

  await t.test('oversized: a 50 MB WebSocket message, a 50 MB body, 1 MiB of headers', async (t) => {
    const runs = Promise.all([
      runScript(scene.lan, 'outsider', 'big', [scene.hostIp, WEB_PORT, 'ws', 50, 20_000], 30_000),
      runScript(scene.lan, 'outsider', 'big', [scene.hostIp, WEB_PORT, 'body', 50, 20_000], 30_000),
      runScript(scene.lan, 'outsider', 'big', [scene.hostIp, WEB_PORT, 'headers', 1, 20_000], 30_000)
    ])
    const peak = peakRss(scene, runs)
    const [ws, body, headers] = await runs
    t.comment(JSON.stringify({ ws, body, headers }))
    t.same([ws.status, ws.code, ws.closed], ['101', 1009, true], 'the 50 MB WebSocket message: close 1009, connection closed')
    t.ok(ws.written < 50 * 1024 * 1024, `the host stopped reading it early (${(ws.written / 1048576).toFixed(1)} MiB taken of 50)`)
    t.same([body.status, body.closed], ['405', true], 'the 50 MB body: 405, connection closed')
    t.same([headers.status, headers.closed], ['431', true], 'headers past 16 KiB (of 1 MiB): 431, connection closed')
    const rss = await peak
    t.ok(rss - base < RSS_BOUND_MIB, `the host's memory stayed bounded (${base.toFixed(0)} → peak ${rss.toFixed(0)} MiB)`)
    await stillFine(t, scene, 'the oversized input')
  })
})
