// LanBeacon on real LAN hosts (network namespaces with no default route, as in a shutdown). Each host runs
// fixtures/beacon-runner.mjs, which uses the COMPILED library: `npm test` builds first; after editing, run
// `npm run build` before `npx tap test/discovery/beacon.test.ts`. Needs root and `ip netns`; otherwise SKIP.
import t from 'tap'
import path from 'node:path'
import { statSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { ChildProcess } from 'node:child_process'
import { createLan, skipUnlessLan, type Lan } from '../helpers/lan.js'
import { childEnv } from '../helpers/cli.js'
import { encodeBeacon, DEFAULT_BEACON_PORT, DEFAULT_GROUP } from '../../src/discovery/index.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const RUNNER = path.join(HERE, 'fixtures', 'beacon-runner.mjs')
const ROOT = path.resolve(HERE, '../..')

/** Why the compiled discovery code cannot be trusted to match the source, or null if it can. */
function staleBuild (): string | null {
  for (const name of ['beacon', 'beacon-options', 'multicast-sockets', 'peer-table', 'announce-schedule', 'interfaces', 'index']) {
    const compiled = statSync(path.join(ROOT, 'dist/src/discovery', `${name}.js`), { throwIfNoEntry: false })
    const source = statSync(path.join(ROOT, 'src/discovery', `${name}.ts`))
    if (compiled === undefined || compiled.mtimeMs < source.mtimeMs) return `dist/src/discovery/${name}.js is missing or older than its source`
  }
  return null
}

/** One line printed by the runner. */
interface Ev {
  ev: 'ready' | 'peer' | 'lost' | 'warning' | 'stats' | 'stopped'
  t: number
  at: number
  startAt?: number
  host?: string
  port?: number
  publicKey?: string
  instanceId?: string
  message?: string
  code?: string
  addresses?: Array<{ name: string, address: string, netmask: string }>
  stats?: { sent: number, received: number, dropped: number, peers: number }
}

/** A LanBeacon running in a host's namespace, seen through its event lines. */
class Node {
  readonly events: Ev[] = []
  readonly child: ChildProcess
  readonly exited: Promise<number | null>
  private readonly waiters = new Set<() => void>()
  private buffered = ''
  stderr = ''

  constructor (readonly lan: Lan, readonly host: string, readonly port: number, opts: Record<string, unknown>) {
    const args = JSON.stringify({ port, ...opts })
    this.child = lan.spawn(host, [process.execPath, RUNNER, args], { env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] })
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
    this.child.stdout?.on('data', (b: Buffer) => this.onData(b))
    this.child.stderr?.on('data', (b: Buffer) => { this.stderr += String(b) })
    this.child.stdin?.on('error', () => {}) // EPIPE once killed: expected
    this.child.once('exit', () => this.wake())
  }

  private onData (b: Buffer): void {
    this.buffered += String(b)
    const lines = this.buffered.split('\n')
    this.buffered = lines.pop() ?? ''
    for (const line of lines) if (line.trim() !== '') this.events.push(JSON.parse(line) as Ev)
    this.wake()
  }

  private wake (): void {
    for (const w of [...this.waiters]) w()
  }

  /** The first event matching `match`, waiting at most `ms`; null on timeout or exit. */
  async waitFor (match: (e: Ev) => boolean, ms: number, from = 0): Promise<Ev | null> {
    return await new Promise((resolve) => {
      const check = (): void => {
        const found = this.events.slice(from).find(match)
        if (found !== undefined || this.child.exitCode !== null || this.child.signalCode !== null) done(found ?? null)
      }
      const timer = setTimeout(() => done(null), ms)
      const done = (e: Ev | null): void => {
        clearTimeout(timer)
        this.waiters.delete(check)
        resolve(e)
      }
      this.waiters.add(check)
      check()
    })
  }

  get ready (): Ev {
    const e = this.events.find((x) => x.ev === 'ready')
    if (e === undefined) throw new Error(`${this.host} is not ready`)
    return e
  }

  /** Peer events about `other` (by its instance id). */
  peerEvents (other: Node): Ev[] {
    return this.events.filter((e) => e.ev === 'peer' && e.instanceId === other.ready.instanceId)
  }

  async sees (other: Node, host: string, ms: number): Promise<Ev | null> {
    return await this.waitFor((e) => e.ev === 'peer' && e.instanceId === other.ready.instanceId && e.host === host && e.port === other.port, ms)
  }

  async stats (): Promise<NonNullable<Ev['stats']>> {
    const from = this.events.length
    this.child.stdin?.write('stats\n')
    const e = await this.waitFor((x) => x.ev === 'stats', 5000, from)
    if (e?.stats === undefined) throw new Error(`${this.host} gave no stats; stderr: ${this.stderr}`)
    return e.stats
  }

  kill (): void {
    if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL')
  }
}

let nextPort = 41000
/** Start a beacon on `host` with a fresh TCP port; resolves once it has announced. */
async function beacon (t: any, lan: Lan, host: string, opts: Record<string, unknown> = {}): Promise<Node> {
  const node = new Node(lan, host, nextPort++, opts)
  t.teardown(() => { if (node.child.exitCode === null && node.child.signalCode === null) node.kill() })
  const ready = await node.waitFor((e) => e.ev === 'ready', 10_000)
  if (ready === null) throw new Error(`beacon on ${host} did not start: ${node.stderr}`)
  return node
}

/** A LAN destroyed at teardown. */
async function lanOf (t: any, segments: Record<string, string[]>): Promise<Lan> {
  const lan = await createLan({ segments })
  t.teardown(() => lan.destroy())
  return lan
}

const sleep = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

// Sends each hex payload of its stdin (a JSON array) to the beacon group through interface argv[1], and to each
// unicast address in argv[2]; 20 at a time so the receivers' socket buffers never overflow. Prints SENT n.
const SENDER = `
const dgram = require('dgram'); const [ip, targets, group, port] = process.argv.slice(1);
const dests = [group, ...JSON.parse(targets)]; const items = JSON.parse(require('fs').readFileSync(0, 'utf8')).map((h) => Buffer.from(h, 'hex'));
const s = dgram.createSocket('udp4'); let sent = 0;
s.bind(0, ip, async () => {
  s.setMulticastInterface(ip); s.setMulticastTTL(1);
  for (let i = 0; i < items.length; i += 20) {
    await Promise.all(items.slice(i, i + 20).flatMap((b) => dests.map((d) => new Promise((resolve) =>
      s.send(b, +port, d, (err) => { if (!err) sent++; else console.error(err.code); resolve() })))));
    await new Promise((r) => setTimeout(r, 2));
  }
  console.log('SENT ' + sent); s.close();
});
`

async function send (lan: Lan, from: string, targets: string[], payloads: Buffer[]): Promise<number> {
  const cmd = [process.execPath, '-e', SENDER, lan.host(from).ip, JSON.stringify(targets), DEFAULT_GROUP, String(DEFAULT_BEACON_PORT)]
  const input = JSON.stringify(payloads.map((p) => p.toString('hex')))
  const r = await lan.exec(from, cmd, { timeout: 20_000, env: childEnv(), input })
  const m = /SENT (\d+)/.exec(r.stdout)
  if (m === null) throw new Error(`sender failed: ${r.stdout} ${r.stderr}`)
  return Number(m[1])
}

/** Datagrams that are not beacons: random bytes of every length around 56, and near misses of a real beacon. */
function garbage (count: number): Buffer[] {
  const real = encodeBeacon({ port: 7, instanceId: randomBytes(16), publicKey: randomBytes(32) })
  const nearMisses = [
    Buffer.alloc(0),
    real.subarray(0, 55), // truncated
    Buffer.concat([real, Buffer.from([0])]), // version 1 with a trailing byte
    Buffer.concat([Buffer.from('TTBD'), real.subarray(4)]), // wrong magic
    Buffer.from(real).fill(0, 4, 5), // version 0
    Buffer.from(real).fill(0, 6, 8) // port 0
  ]
  const random = Array.from({ length: count - nearMisses.length }, (_, i) => {
    const b = randomBytes(i % 120)
    return b.length >= 4 && b.subarray(0, 4).toString() === 'TTBC' ? Buffer.from('junk') : b
  })
  return [...nearMisses, ...random]
}

if (!skipUnlessLan(t)) {
  t.comment('LanBeacon namespace tests skipped')
} else if (staleBuild() !== null) {
  t.fail(`${staleBuild()}: run \`npm run build\` first (npm test does)`)
} else {
  t.test('three hosts on one segment, no default route, find each other', async (t) => {
    const lan = await lanOf(t, { s1: ['a', 'b', 'c'] })
    const nodes = await Promise.all(['a', 'b', 'c'].map(async (h) => await beacon(t, lan, h, { announceIntervalMs: 500 })))
    for (const node of nodes) {
      t.same(node.ready.addresses?.map((a) => a.address), [lan.host(node.host).ip], `${node.host}: lanAddresses() is its one IPv4 address, no lo, no IPv6`)
    }
    const times: string[] = []
    for (const x of nodes) {
      for (const y of nodes.filter((n) => n !== x)) {
        const e = await x.sees(y, lan.host(y.host).ip, 3000)
        t.ok(e, `${x.host} sees ${y.host} at ${lan.host(y.host).ip}:${y.port}`)
        if (e === null) continue
        t.equal(e.publicKey, y.ready.publicKey, `${x.host} has ${y.host}'s public key`)
        t.ok(e.t <= 3000, `${x.host} saw ${y.host} ${e.t} ms after its start (limit 3000)`)
        times.push(`${x.host}→${y.host} ${e.t} ms after start, ${e.at - Math.max(x.ready.startAt!, y.ready.startAt!)} ms after both started`)
      }
    }
    t.comment(`discovery times: ${times.join('; ')}`)
    for (const x of nodes) {
      t.equal(x.events.filter((e) => e.ev === 'peer').length, 2, `${x.host}: exactly two peer events, none for itself`)
    }

    // stop() must leave nothing keeping the process alive: the runner ends by itself once stopped.
    const a = nodes[0]!
    a.child.stdin?.write('stop\n')
    const stopped = await a.waitFor((e) => e.ev === 'stopped', 3000)
    t.ok(stopped, 'stop() resolved')
    const code = await Promise.race([a.exited, sleep(3000).then(() => 'still running')])
    t.equal(code, 0, 'after stop() the process exits by itself (no timer or socket left)')
  })

  t.test('a late host is found at once thanks to the immediate re-announce', async (t) => {
    const lan = await lanOf(t, { s1: ['a', 'b', 'c'] })
    const slow = { announceIntervalMs: 5000 }
    const a = await beacon(t, lan, 'a', slow)
    const b = await beacon(t, lan, 'b', slow)
    t.ok(await a.sees(b, lan.host('b').ip, 2000), 'a sees b from its first announce')
    t.ok(await b.sees(a, lan.host('a').ip, 2000), "b sees a within 2 s (a re-announced on b's arrival)")
    const c = await beacon(t, lan, 'c', slow)
    const times: string[] = []
    for (const [x, y] of [[c, a], [c, b], [a, c], [b, c]] as const) {
      const e = await x.sees(y, lan.host(y.host).ip, 2000)
      t.ok(e, `${x.host} sees ${y.host} within 2 s with a 5 s interval`)
      if (e !== null) times.push(`${x.host}→${y.host} ${e.at - c.ready.startAt!} ms`)
    }
    t.comment(`late joiner c, times from c's start: ${times.join('; ')}`)
  })

  t.test('a killed host is lost after peerTimeoutMs', async (t) => {
    const lan = await lanOf(t, { s1: ['a', 'b', 'c'] })
    const peerTimeoutMs = 1500
    const opts = { announceIntervalMs: 500, peerTimeoutMs }
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (h) => await beacon(t, lan, h, opts))) as [Node, Node, Node]
    for (const x of [a, b]) t.ok(await x.sees(c, lan.host('c').ip, 3000), `${x.host} sees c`)
    t.ok(await a.sees(b, lan.host('b').ip, 3000), 'a sees b')
    const killedAt = Date.now()
    c.kill()
    const margin = 1000
    const times: string[] = []
    for (const x of [a, b]) {
      const lost = await x.waitFor((e) => e.ev === 'lost' && e.instanceId === c.ready.instanceId, peerTimeoutMs + margin + 500)
      t.ok(lost, `${x.host} loses c`)
      if (lost === null) continue
      t.ok(lost.at - killedAt <= peerTimeoutMs + margin, `${x.host} lost c ${lost.at - killedAt} ms after the kill (limit ${peerTimeoutMs + margin})`)
      times.push(`${x.host} ${lost.at - killedAt} ms`)
    }
    t.comment(`'lost' after kill (peerTimeoutMs ${peerTimeoutMs}): ${times.join('; ')}`)
    t.notOk(a.events.some((e) => e.ev === 'lost' && e.instanceId === b.ready.instanceId), 'a keeps b')
  })

  t.test('garbage, a replayed beacon and a flood of forged ones are dropped or harmless', async (t) => {
    const lan = await lanOf(t, { s1: ['a', 'b', 'x'] })
    const maxPeers = 30
    const a = await beacon(t, lan, 'a', { announceIntervalMs: 500 })
    const b = await beacon(t, lan, 'b', { announceIntervalMs: 500, maxPeers })
    t.ok(await b.sees(a, lan.host('a').ip, 3000), 'b sees a')
    const before = await b.stats()

    // Garbage, to the group and unicast to b.
    const junk = garbage(2000)
    const sent = await send(lan, 'x', [lan.host('b').ip], junk)
    t.equal(sent, junk.length * 2, 'x sent every garbage datagram, to the group and to b')
    await sleep(300)
    const afterJunk = await b.stats()
    const droppedJunk = afterJunk.dropped - before.dropped
    t.ok(droppedJunk >= sent * 0.95 && droppedJunk <= sent, `b counted ${droppedJunk} of ${sent} garbage datagrams as dropped`)
    t.equal(afterJunk.peers, 1, 'garbage made no candidate')
    t.comment(`garbage: sent ${sent}, b dropped ${droppedJunk}`)

    // A replay of a's beacon from x: a ignores it as its own; b gets a candidate at x's address, which is harmless:
    // dialling it fails the Noise handshake, since x lacks a's private key. It does not displace the real a.
    const replay = encodeBeacon({ port: a.port, instanceId: Buffer.from(a.ready.instanceId!, 'hex'), publicKey: Buffer.from(a.ready.publicKey!, 'hex') })
    await send(lan, 'x', [], [replay])
    const replayed = await b.sees(a, lan.host('x').ip, 2000)
    t.ok(replayed, "b lists the replay as a separate candidate at x's address")
    t.equal(b.peerEvents(a).filter((e) => e.host === lan.host('a').ip).length, 1, 'the real a candidate was not replaced')
    t.notOk(a.events.some((e) => e.ev === 'peer' && e.instanceId === a.ready.instanceId), 'a ignores its own replayed beacon')

    // Forged beacons with fresh ids: b tracks at most maxPeers, counts the rest as dropped, and warns once.
    const forged = Array.from({ length: 100 }, () => encodeBeacon({ port: 9, instanceId: randomBytes(16), publicKey: randomBytes(32) }))
    await send(lan, 'x', [], forged)
    await sleep(300)
    const afterForged = await b.stats()
    t.equal(afterForged.peers, maxPeers, `b tracks at most ${maxPeers} candidates`)
    t.ok(afterForged.dropped - afterJunk.dropped >= 100 + 2 - maxPeers, `b dropped ${afterForged.dropped - afterJunk.dropped} forged beacons over the cap`)
    t.equal(b.events.filter((e) => e.ev === 'warning' && /ignoring new ones/.test(e.message ?? '')).length, 1, 'one warning for the full table, not one per beacon')
    const aStats = await a.stats()
    t.ok(aStats.dropped >= junk.length * 0.95, `a dropped the garbage sent to the group (${aStats.dropped})`)
    t.equal(a.child.exitCode, null, 'a still runs')
    t.equal(b.child.exitCode, null, 'b still runs')
  })

  t.test('line topology: b joins the group on both interfaces, a and c never meet', async (t) => {
    const lan = await lanOf(t, { s1: ['a', 'b'], s2: ['b', 'c'] })
    const opts = { announceIntervalMs: 300 }
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(async (h) => await beacon(t, lan, h, opts))) as [Node, Node, Node]
    t.same(b.ready.addresses?.map((x) => x.address).sort(), [...lan.host('b').ips].sort(), 'b has an address on each segment')
    t.ok(await b.sees(a, lan.ipOn('a', 's1'), 3000), 'b sees a on s1')
    t.ok(await b.sees(c, lan.ipOn('c', 's2'), 3000), 'b sees c on s2')
    t.ok(await a.sees(b, lan.ipOn('b', 's1'), 3000), "a sees b at b's s1 address")
    t.ok(await c.sees(b, lan.ipOn('b', 's2'), 3000), "c sees b at b's s2 address")
    await sleep(1500) // five more announces
    t.same(a.events.filter((e) => e.ev === 'peer').map((e) => e.host), [lan.ipOn('b', 's1')], 'a sees only b, only on s1')
    t.same(c.events.filter((e) => e.ev === 'peer').map((e) => e.host), [lan.ipOn('b', 's2')], 'c sees only b, only on s2')
    t.equal((await b.stats()).peers, 2, 'b tracks exactly a and c')
  })

  t.test('listen-only sends nothing; announce-only reports nothing', async (t) => {
    const lan = await lanOf(t, { s1: ['n', 'l', 'o'] })
    const opts = { announceIntervalMs: 300 }
    const n = await beacon(t, lan, 'n', opts)
    const l = await beacon(t, lan, 'l', { ...opts, mode: 'listen-only' })
    const o = await beacon(t, lan, 'o', { ...opts, mode: 'announce-only' })
    t.ok(await n.sees(o, lan.host('o').ip, 3000), 'n sees the announce-only host')
    t.ok(await l.sees(n, lan.host('n').ip, 3000), 'the listen-only host sees n')
    t.ok(await l.sees(o, lan.host('o').ip, 3000), 'the listen-only host sees the announce-only host')
    await sleep(1500)
    t.equal(n.peerEvents(l).length, 0, 'n never sees the listen-only host')
    t.equal(o.events.filter((e) => e.ev === 'peer' || e.ev === 'lost').length, 0, 'announce-only emits no peer event')
    const [ls, os] = [await l.stats(), await o.stats()]
    t.equal(ls.sent, 0, 'listen-only sent nothing')
    t.ok(ls.received > 0, `listen-only received ${ls.received} beacons`)
    t.ok(os.sent > 0, `announce-only sent ${os.sent} beacons`)
    t.ok(os.received > 0, `announce-only still counts received beacons (${os.received})`)
    t.equal(os.peers, 1, 'announce-only tracks n quietly (l never announces)')
  })
}
