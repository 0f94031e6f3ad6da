/**
 * The processes of the hostile Wi-Fi tests of the phone web server (issue 20), run inside
 * namespace hosts with `ip netns exec`: honest phones (the compiled src/phone and
 * src/log/hosted, as phone-client.ts but in their own process) and attackers without the
 * invite. Every script is bounded by its `ms` argument and prints JSON lines.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EventLog, type ExecResult, type Lan } from '../../harness/netns/index.js'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** Absolute paths of what the phone scripts load (the namespace host shares our file system). */
const MODULES = JSON.stringify({
  phone: path.join(ROOT, 'dist/src/phone/index.js'),
  hosted: path.join(ROOT, 'dist/src/log/hosted.js'),
  ws: require.resolve('ws'),
  nacl: require.resolve('tweetnacl')
})

/** Shared start of the phone scripts (ES modules): imports, one phone's session. */
const PHONE_LIB = `
import url from 'node:url'
import readline from 'node:readline'
const M = JSON.parse(process.env.TT_MODULES)
const imp = async (p) => await import(url.pathToFileURL(p).href)
const { PhoneClientHandshake, PhoneChannel } = await imp(M.phone)
const { signHostedBlock, hostedBindingPayload } = await imp(M.hosted)
const WebSocket = (await imp(M.ws)).default
const nacl = (await imp(M.nacl)).default
const out = (o) => console.log(JSON.stringify({ ...o, at: Date.now() }))
const hex = (b) => Buffer.from(b).toString('hex')
/** One phone: handshake, hello, and (bind = true) its binding; calls on(event, message). */
function phone (wsUrl, keyHex, name, localAddress, on) {
  const keys = nacl.sign.keyPair()
  const hs = new PhoneClientHandshake(new Uint8Array(Buffer.from(keyHex, 'hex')))
  const ws = new WebSocket(wsUrl, { localAddress })
  const p = { ws, keys, channel: null, welcome: null, length: 0, send: (m) => ws.send(p.channel.seal(m)) }
  ws.on('error', () => {})
  ws.on('open', () => { on('hs-hello', { bytes: hex(hs.hello) }); ws.send(hs.hello) })
  ws.on('close', (code, reason) => on('closed', { code, reason: reason.toString() }))
  ws.on('message', (data) => {
    if (p.channel === null) {
      const step = hs.receive(new Uint8Array(data))
      if (step.send !== undefined) { ws.send(step.send); on('hs-sent', { bytes: hex(step.send) }) }
      if (step.session !== undefined) {
        p.channel = new PhoneChannel(step.session)
        p.send({ t: 'hello', v: 1, identity: hex(keys.publicKey), name })
      }
      return
    }
    const m = p.channel.open(new Uint8Array(data))
    if (m.t === 'welcome') { p.welcome = m; p.length = m.length }
    if (m.t === 'bound') p.length = m.length
    if (m.t === 'appended') p.length = m.seq + 1
    on(m.t, m)
  })
  p.bind = () => {
    const w = p.welcome
    const payload = hostedBindingPayload(Buffer.from(w.room.id, 'hex'), Buffer.from(w.core, 'hex'), Buffer.from(keys.publicKey), Buffer.from(w.host, 'hex'))
    const sig = hex(nacl.sign.detached(payload, keys.secretKey))
    p.send({ t: 'bind', binding: { v: 1, type: 'binding', ts: Date.now(), room: w.room.id, core: w.core, identity: hex(keys.publicKey), name, sig, host: w.host } })
  }
  p.say = (text) => {
    const block = signHostedBlock({ type: 'msg', text, ts: Date.now() }, p.length, Buffer.from(p.welcome.room.id, 'hex'), Buffer.from(p.welcome.core, 'hex'), keys.secretKey).toString()
    p.send({ t: 'append', seq: p.length, block })
  }
  return p
}
`

/**
 * An honest phone that chats: a message every \`everyMs\` (the next once the last is
 * stored), each printed as { event: 'appended', text }. Mode 'flood' instead sends frames
 * as fast as it can once welcomed; mode 'hog' asks the whole history 45 times and never
 * reads again (from \`localAddress\`, so the host's side of it can be counted). Prints its handshake bytes (what a listener on the Wi-Fi
 * captures) and how it ended.
 */
const CHAT = PHONE_LIB + `
const [wsUrl, keyHex, name, mode, everyMs, ms, localAddress] = process.argv.slice(1)
let n = 0, pending = null, sentFrames = 0
setTimeout(() => { out({ event: 'end', n, sentFrames }); process.exit(0) }, Number(ms))
const p = phone(wsUrl, keyHex, name, localAddress, (event, m) => {
  if (event === 'appended') { out({ event, text: pending, seq: m.seq }); pending = null; return }
  if (event === 'welcome') {
    out({ event, core: m.core, room: m.room })
    if (mode === 'flood') {
      const burst = () => { for (let i = 0; i < 20 && p.ws.readyState === 1; i++) { p.send({ t: 'members' }); sentFrames++ } if (p.ws.readyState === 1) setImmediate(burst) }
      return burst()
    }
    if (mode === 'hog') {
      for (let i = 0; i < 45; i++) p.send({ t: 'history', limit: 300 })
      p.ws._socket.pause()
      return out({ event: 'hogging' })
    }
    return m.bound ? start() : p.bind()
  }
  if (event === 'bound') return start()
  if (event === 'closed') { out({ event, ...m, sentFrames }); process.exit(0) }
  if (event === 'hs-hello' || event === 'hs-sent' || event === 'error') out({ event, ...m })
})
function start () {
  out({ event: 'chatting' })
  setInterval(() => {
    if (pending !== null) return
    pending = name + '-' + (n++)
    p.say(pending)
  }, Number(everyMs))
}
`

/**
 * \`count\` phones from the local addresses given (round robin), at most 8 handshaking at
 * once; prints { event: 'filled', welcomed, turnedAway } once all answered, then holds them.
 * A line "leave" on stdin closes one welcomed phone ({ event: 'left', code }).
 */
const FILL = PHONE_LIB + `
const [wsUrl, keyHex, addrs, count, ms] = process.argv.slice(1)
setTimeout(() => process.exit(0), Number(ms))
const from = addrs.split(',')
const welcomed = [], turnedAway = []
let started = 0, answered = 0
function next () {
  if (started >= Number(count)) return
  const i = started++
  let done = false
  const answer = () => { if (done) return; done = true; answered++; if (answered === Number(count)) out({ event: 'filled', welcomed: welcomed.length, turnedAway }); next() }
  const p = phone(wsUrl, keyHex, 'Plein-' + i, from[i % from.length], (event, m) => {
    if (event === 'welcome') { welcomed.push(p); answer() }
    if (event === 'closed') { if (!done) turnedAway.push(m.code + ' ' + m.reason); answer() }
  })
}
for (let i = 0; i < 8; i++) next()
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'leave') return
  const p = welcomed.shift()
  p.ws.once('close', (code) => out({ event: 'left', code }))
  p.ws.close()
})
`

/**
 * Outsider sockets that never finish, \`perAddr\` from each local address: 'headers' sends
 * an HTTP request's headers a byte a second, 'ws-silent' opens /ws and says nothing,
 * 'ws-stall' sends a hello of random bytes and stops there (never reads the reply),
 * 'pipeline' asks /app.js 200 times in one go and never reads, 'ws-flood' sends WebSocket
 * frames as fast as it can. With \`again\` = 1 each
 * socket is reopened 100 ms after the host closes it. Prints { opened, closedByHost,
 * refused503, maxAliveMs, aliveAtEnd, codes }. A paused socket does not hear the host
 * close it: the tests count the host's side of the connections (`ss`).
 */
const SLOW = `
const net = require('net'); const crypto = require('crypto')
const [host, port, addrs, perAddr, mode, again, ms] = process.argv.slice(1)
const deadline = Date.now() + Number(ms)
let opened = 0, closedByHost = 0, refused503 = 0, maxAliveMs = 0, alive = 0, attempts = 0
const codes = {}
const upgrade = 'GET /ws HTTP/1.1\\r\\nHost: ' + host + '\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: ' + crypto.randomBytes(16).toString('base64') + '\\r\\n\\r\\n'
function frame (payload) {
  const mask = crypto.randomBytes(4); const head = Buffer.from([0x82, 0x80 | payload.length])
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4])); return Buffer.concat([head, mask, body])
}
function one (localAddress) {
  if (Date.now() >= deadline || attempts++ > 5000) return
  const s = net.connect({ host, port: Number(port), localAddress }); const t0 = Date.now(); let timer = null, first = true
  s.on('error', () => {})
  s.on('connect', () => {
    opened++; alive++
    if (mode === 'headers') { s.write('GET / HTTP/1.1\\r\\nHost: ' + host + '\\r\\n'); timer = setInterval(() => s.write('X'), 1000) }
    if (mode === 'ws-silent') s.write(upgrade)
    if (mode === 'ws-stall') { s.write(upgrade); s.write(frame(Buffer.concat([Buffer.from([0x74, 1, 1]), crypto.randomBytes(96)]))) }
    if (mode === 'ws-flood') { s.write(upgrade); const flood = () => { for (let i = 0; i < 50 && !s.destroyed; i++) s.write(frame(crypto.randomBytes(99))); if (!s.destroyed && Date.now() < deadline) setImmediate(flood) }; flood() }
    if (mode === 'pipeline') s.write(('GET /app.js HTTP/1.1\\r\\nHost: ' + host + '\\r\\n\\r\\n').repeat(200))
    if (mode === 'pipeline' || mode === 'ws-stall') s.pause()
  })
  s.on('data', (d) => {
    if (first && d.toString('latin1').startsWith('HTTP/1.1 503')) refused503++
    const close = d.indexOf(Buffer.from([0x88]))
    if (close >= 0 && d.length >= close + 4) { const c = d.readUInt16BE(close + 2); codes[c] = (codes[c] ?? 0) + 1 }
    first = false
  })
  s.on('close', () => {
    clearInterval(timer)
    if (Date.now() < deadline) { closedByHost++; alive--; maxAliveMs = Math.max(maxAliveMs, Date.now() - t0); if (again === '1') setTimeout(() => one(localAddress), 100) }
  })
}
for (const a of addrs.split(',')) for (let i = 0; i < Number(perAddr); i++) one(a)
setTimeout(() => { console.log(JSON.stringify({ opened, closedByHost, refused503, maxAliveMs, aliveAtEnd: alive, codes })); process.exit(0) }, Number(ms))
`

/**
 * Oversized input, once each: 'ws' sends one WebSocket message announcing \`mb\` MB and
 * streams it; 'body' POSTs \`mb\` MB to /; 'headers' sends 1 MiB of headers. Prints { mode,
 * status or close code, written (bytes the host took before it closed), closed }.
 */
const BIG = `
const net = require('net'); const crypto = require('crypto')
const [host, port, mode, mb, ms] = process.argv.slice(1)
const total = Number(mb) * 1024 * 1024
let written = 0, got = Buffer.alloc(0), closed = false
const s = net.connect({ host, port: Number(port) })
const chunk = Buffer.alloc(64 * 1024, 0x61)
const end = () => {
  const text = got.toString('latin1'); const status = /^HTTP\\/1\\.1 (\\d+)/.exec(text)?.[1] ?? null
  const i = got.indexOf(Buffer.from([0x88])); const code = i >= 0 && got.length >= i + 4 && status === '101' ? got.readUInt16BE(i + 2) : null
  console.log(JSON.stringify({ mode, status, code, written, closed })); process.exit(0)
}
setTimeout(end, Number(ms))
s.on('error', () => {}); s.on('data', (d) => { got = Buffer.concat([got, d]).subarray(0, 4096) }); s.on('close', () => { closed = true; setTimeout(end, 200) })
function pump () { while (written < total && !s.destroyed) { written += chunk.length; if (!s.write(chunk)) return s.once('drain', pump) } }
s.on('connect', () => {
  // A header line a millisecond, stopping at the first answer, so the answer is not lost to a reset.
  if (mode === 'headers') {
    s.write('GET / HTTP/1.1\\r\\nHost: ' + host + '\\r\\n'); let i = 0
    const line = () => { if (i >= 1024 || s.destroyed || got.length > 0) return; s.write('X-Pad-' + i++ + ': ' + 'a'.repeat(1000) + '\\r\\n'); written += 1010; setTimeout(line, 1) }
    return line()
  }
  // The host answers on the headers: read that first, then push the body at it.
  if (mode === 'body') { s.write('POST / HTTP/1.1\\r\\nHost: ' + host + '\\r\\nContent-Length: ' + total + '\\r\\n\\r\\n'); return s.once('data', () => pump()) }
  s.write('GET /ws HTTP/1.1\\r\\nHost: ' + host + '\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: ' + crypto.randomBytes(16).toString('base64') + '\\r\\n\\r\\n')
  const head = Buffer.alloc(14); head[0] = 0x82; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(total), 2); crypto.randomBytes(4).copy(head, 10)
  s.write(head); pump()
})
`

/**
 * An outsider's tries at /ws, keeping every byte it receives (hex): 'wrong' runs the
 * handshake with a member key of its own; 'replay' sends captured hello and proof bytes
 * (hex arguments) as they were. Prints { mode, code, reason, received }.
 */
const OUTSIDER = PHONE_LIB + `
const [wsUrl, mode, a, b, ms] = process.argv.slice(1)
const received = []
setTimeout(() => { out({ mode, timeout: true, received: received.join('') }); process.exit(0) }, Number(ms))
const ws = new WebSocket(wsUrl)
ws.on('error', () => {})
ws.on('upgrade', (res) => received.push(hex(Buffer.from(JSON.stringify(res.headers)))))
ws.on('close', (code, reason) => { out({ mode, code, reason: reason.toString(), received: received.join('') }); process.exit(0) })
if (mode === 'wrong') {
  const hs = new PhoneClientHandshake(nacl.randomBytes(32))
  ws.on('open', () => ws.send(hs.hello))
  ws.on('message', (d) => { received.push(hex(d)); const step = hs.receive(new Uint8Array(d)); if (step.send !== undefined) ws.send(step.send) })
} else {
  ws.on('open', () => ws.send(Buffer.from(a, 'hex')))
  ws.on('message', (d) => { received.push(hex(d)); if (received.length === 2) ws.send(Buffer.from(b, 'hex')) })
}
`

const SCRIPTS = { chat: CHAT, fill: FILL, slow: SLOW, big: BIG, outsider: OUTSIDER }
type Name = keyof typeof SCRIPTS
const isModule = (name: Name): boolean => name === 'chat' || name === 'fill' || name === 'outsider'

function command (name: Name, args: Array<string | number>): string[] {
  return [process.execPath, ...(isModule(name) ? ['--input-type=module'] : []), '-e', SCRIPTS[name], ...args.map(String)]
}

/** Run a script to its end on `host`; resolves with its last JSON line. */
export async function runScript (lan: Lan, host: string, name: Name, args: Array<string | number>, timeoutMs: number): Promise<Record<string, any>> {
  const r: ExecResult = await lan.exec(host, command(name, args), { timeout: timeoutMs, env: { ...process.env, TT_MODULES: MODULES } })
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '')
  } catch {
    return { error: `${r.code}: ${r.stdout}${r.stderr}`.slice(0, 800) }
  }
}

/** Start a long-running script on `host`; its JSON lines are collected (stdin open for FILL). */
export function spawnScript (lan: Lan, host: string, name: Name, args: Array<string | number>): EventLog {
  return new EventLog(lan.spawn(host, command(name, args), { env: { ...process.env, TT_MODULES: MODULES }, stdio: ['pipe', 'pipe', 'pipe'] }))
}
