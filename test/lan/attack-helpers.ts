/**
 * Attackers for the namespace tests of issue 17 (findings 2, 3, 4 and 6): small node
 * scripts run on a namespace host with `lan.exec`, each bounded in time and count, each
 * printing one JSON line of what it did. They hold no invite.
 */
import { createRequire } from 'node:module'
import type { Lan, ExecResult } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

const require = createRequire(import.meta.url)
/** Absolute paths of the modules the scripts load (the namespace host shares our file system). */
const MODULES = JSON.stringify({
  ss: require.resolve('@hyperswarm/secret-stream'),
  mux: require.resolve('protomux'),
  c: require.resolve('compact-encoding')
})

/**
 * Hold `count` Noise connections to host:port for `ms`, with keep-alives, reconnecting 200 ms
 * after any is closed. Prints { opened, maxHeld, heldAtEnd, refused }.
 */
const HOLD = `
const m = JSON.parse(process.env.TT_MODULES); const NSS = require(m.ss); const net = require('net')
const [host, port, count, ms] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v))
const deadline = Date.now() + ms
let opened = 0, held = 0, maxHeld = 0, refused = 0, attempts = 0
function one () {
  if (Date.now() >= deadline || attempts++ > 20000) return
  const s = new NSS(true, net.connect(port, host)); let open = false
  s.setKeepAlive(5000)
  s.on('open', () => { open = true; opened++; held++; maxHeld = Math.max(maxHeld, held) })
  s.on('error', () => {})
  s.on('close', () => { if (open) held--; else refused++; setTimeout(one, 200) })
}
for (let i = 0; i < count; i++) one()
setTimeout(() => { console.log(JSON.stringify({ opened, maxHeld, heldAtEnd: held, refused })); process.exit(0) }, ms)
`

/**
 * For `ms`: connect, complete Noise, open tamtam/rooms and send `hellos` hello messages of one
 * random proof; when cut, reconnect at once. Prints { sessions, cut, refused, attempts }.
 */
const HELLO_FLOOD = `
const m = JSON.parse(process.env.TT_MODULES); const NSS = require(m.ss); const Protomux = require(m.mux); const c = require(m.c)
const net = require('net'); const crypto = require('crypto')
const [host, port, hellos, ms] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v))
const deadline = Date.now() + ms
let sessions = 0, cut = 0, refused = 0, attempts = 0
const times = []
function one () {
  if (Date.now() >= deadline || attempts++ > 5000) return
  const s = new NSS(true, net.connect(port, host)); let open = false
  s.on('error', () => {})
  s.on('open', () => {
    open = true; sessions++; times.push(Date.now())
    const mux = Protomux.from(s)
    const ch = mux.createChannel({ protocol: 'tamtam/rooms', handshake: c.uint, messages: [{ encoding: c.array(c.fixed32) }],
      onopen: () => { for (let i = 0; i < hellos && !s.destroyed; i++) ch.messages[0].send([crypto.randomBytes(32)]) } })
    ch.open(1)
  })
  s.on('close', () => { if (open) { cut++; setImmediate(one) } else { refused++; setTimeout(one, 50) } })
}
one()
setTimeout(() => { const t0 = times[0] ?? 0; console.log(JSON.stringify({ sessions, cut, refused, attempts, at: times.map((t) => t - t0) })); process.exit(0) }, ms)
`

/**
 * Capture the first beacon from each of `hosts` (comma-separated), then replay all of them
 * from this host every `everyMs` for `ms`. Prints { captured, sent }.
 */
const REPLAY = `
const dgram = require('dgram')
const [via, hosts, everyMs, ms] = process.argv.slice(1).map((v, i) => i < 2 ? v : Number(v))
const GROUP = '239.255.77.77', PORT = 49737
const wanted = hosts.split(','); const got = new Map(); let sent = 0
const tx = dgram.createSocket({ type: 'udp4', reuseAddr: true })
const rx = dgram.createSocket({ type: 'udp4', reuseAddr: true })
const give = setTimeout(() => { console.log(JSON.stringify({ captured: got.size, sent })); process.exit(1) }, 15000)
tx.bind(0, via, () => {
  tx.setMulticastInterface(via)
  rx.bind(PORT, () => {
    rx.addMembership(GROUP, via)
    rx.on('message', (msg, rinfo) => {
      if (!wanted.includes(rinfo.address) || got.has(rinfo.address) || msg.length !== 56) return
      got.set(rinfo.address, Buffer.from(msg))
      if (got.size < wanted.length) return
      clearTimeout(give); rx.close()
      const end = Date.now() + ms
      const tick = () => {
        if (Date.now() >= end) { console.log(JSON.stringify({ captured: got.size, sent })); process.exit(0) }
        for (const p of got.values()) tx.send(p, PORT, GROUP, () => { sent++ })
        setTimeout(tick, everyMs)
      }
      tick()
    })
  })
})
`

/**
 * Every `everyMs` for `ms`, send `count` forged beacons (fresh instance ids and keys, made
 * once) pointing at a TCP port where this host accepts sockets and never answers: dialling a
 * forged peer costs a handshake timeout. Prints { sent, dialsIn }.
 */
const FORGE = `
const dgram = require('dgram'); const net = require('net'); const crypto = require('crypto')
const [via, count, everyMs, ms] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v))
const GROUP = '239.255.77.77', PORT = 49737
let sent = 0, dialsIn = 0
const held = []
const server = net.createServer((s) => { dialsIn++; s.on('error', () => {}); held.push(s) })
server.listen(0, via, () => {
  const port = server.address().port
  const beacons = Array.from({ length: count }, () => {
    const b = Buffer.alloc(56); b.write('TTBC', 0); b[4] = 1; b[5] = 0; b.writeUInt16BE(port, 6)
    crypto.randomBytes(16).copy(b, 8); crypto.randomBytes(32).copy(b, 24); return b
  })
  const tx = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  tx.bind(0, via, () => {
    tx.setMulticastInterface(via)
    const end = Date.now() + ms
    const round = () => {
      if (Date.now() >= end) { console.log(JSON.stringify({ sent, dialsIn })); process.exit(0) }
      let i = 0
      const next = () => { if (i >= beacons.length) return setTimeout(round, everyMs); tx.send(beacons[i++], PORT, GROUP, () => { sent++; next() }) }
      next()
    }
    round()
  })
})
`

const SCRIPTS = { hold: HOLD, 'hello-flood': HELLO_FLOOD, replay: REPLAY, forge: FORGE }

/** A running attacker: `done` resolves with its JSON report; `running()` is false once it ended. */
export interface Attack { done: Promise<Record<string, any>>, running: () => boolean, raw: Promise<ExecResult> }

/** Run attacker `name` on `host` with `args`; it ends by itself (bounded by `timeoutMs` anyway). */
export function attack (lan: Lan, host: string, name: keyof typeof SCRIPTS, args: Array<string | number>, timeoutMs: number): Attack {
  let ended = false
  const raw = lan.exec(host, [process.execPath, '-e', SCRIPTS[name], ...args.map(String)], { timeout: timeoutMs, env: { ...process.env, TT_MODULES: MODULES } })
  void raw.finally(() => { ended = true })
  const done = raw.then((r) => {
    try {
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')
    } catch {
      return { error: `${r.stdout}${r.stderr}`.slice(0, 500) }
    }
  })
  return { done, running: () => !ended, raw }
}

/** The TCP port a node printed in its `up` line. */
export function portOf (node: { events: Array<Record<string, any>> }): number {
  return Number(node.events.find((e) => e.event === 'up')?.port)
}

/** The scene of every attack: members A and B of room "atelier" and an outsider M, on one Wi-Fi segment. */
export async function wifiWithOutsider (t: any): Promise<{ lan: Lan, homes: Record<string, string> }> {
  return await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b'])
}

/** Start a node that the test stops at its end. */
export async function nodeFor (t: any, lan: Lan, host: string, home: string, flags?: string[]): Promise<LanNode> {
  const node = await startNode(lan, host, home, flags)
  t.teardown(async () => { await node.stop() })
  return node
}

/**
 * `fromHome` sends `text` to "atelier"; resolves with the ms until `to` shows it, or null if
 * not within `withinMs`. The honest traffic every attack test checks still gets through.
 */
export async function delivery (fromHome: string, to: LanNode, text: string, withinMs: number, pollMs = 250): Promise<number | null> {
  const sentAt = Date.now()
  await tamtam(fromHome, 'send', 'atelier', text)
  const arrived = await eventually(async () => (await texts(to, 'atelier')).includes(text), withinMs, pollMs)
  return arrived ? Date.now() - sentAt : null
}
