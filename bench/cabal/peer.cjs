// One cabal-core 16 node for the Cabal side of the benchmarks (bench/lib/cabal.ts), in
// memory, as the issue measured it. It prints JSON lines with Date.now() timestamps (the
// namespaces share one clock): ready, peer (connected), sent {seq}, received {seq}, all.
// Usage: node peer.cjs <cabal node_modules dir> <JSON options>, options:
//   key        the cabal key (hex), the same for every node
//   swarms     [{ bind, bootstrap: [{host, port}] }], one per LAN segment the host is on
//   preload    write this many messages before joining the swarm (late-join author)
//   expect     print 'all' once this many messages of other peers are indexed (joiner)
//   quiet      print no 'received' lines (the joiner of 20,000 messages)
// Stdin: one JSON line {"send": seq} per message to publish.
'use strict'
const path = require('node:path')
const readline = require('node:readline')
const { createRequire } = require('node:module')

const modules = process.argv[2]
const opts = JSON.parse(process.argv[3])
const req = createRequire(path.join(modules, 'cabal-core', 'index.js'))
const Cabal = req('cabal-core')
const ram = req('random-access-memory')
const Hyperswarm = req('hyperswarm')
const DHT = req('hyperdht')
const pump = req('pump')
const crypto = req('hypercore-crypto')

/** Record size the issue compares at: about 200 bytes of JSON per message. */
const RECORD_BYTES = 200
const CHANNEL = 'default'
const out = (event, fields) => process.stdout.write(JSON.stringify({ event, ts: Date.now(), ...fields }) + '\n')

/** A chat/text message whose JSON record (with cabal-core's timestamp) is about 200 bytes. */
function message (seq) {
  const head = `#${seq} `
  const m = { type: 'chat/text', content: { channel: CHANNEL, text: head }, timestamp: Date.now() * 1000 }
  const pad = Math.max(0, RECORD_BYTES - JSON.stringify(m).length)
  m.content.text = head + 'x'.repeat(pad)
  delete m.timestamp // publish() sets it
  return m
}

/**
 * cabal-core's swarm.js, line for line, except for the DHT: there it is built with the
 * public bootstrap_nodes.js, unreachable in a namespace LAN. Here it uses the segment's own
 * bootstrap, is bound to the host's address on that segment, and is not firewalled (the
 * issue's recipe). One swarm per segment lets a host between two segments relay, as tamtam's
 * nodes do in a line.
 */
function joinSwarm (cabal, localKey, { bind, bootstrap }) {
  const dht = new DHT({ bootstrap, host: bind, firewalled: false })
  const swarm = new Hyperswarm({ dht })
  swarm.join(crypto.discoveryKey(Buffer.from(cabal.key, 'hex')), { server: true, client: true })
  swarm.on('connection', (socket, info) => {
    let remoteKey
    const r = cabal.replicate(info.client)
    pump(socket, r, socket, () => { if (remoteKey) cabal._removeConnection(remoteKey) })
    const ext = r.registerExtension('peer-id', {
      encoding: 'json',
      onmessage (msg) {
        if (remoteKey || !msg.id) return
        remoteKey = msg.id
        cabal._addConnection(remoteKey)
      }
    })
    ext.send({ id: localKey })
  })
  return swarm
}

/**
 * Prints 'downloaded' once another peer's feed holds `expect` blocks here, before indexing,
 * to split a late join into replication and cabal-core's views. Polled (20 ms, bounded to
 * 10 minutes): multifeed has no single event for "some feed reached n".
 */
function watchDownload (cabal, localKey, expect) {
  const t0 = Date.now()
  const timer = setInterval(() => {
    const feeds = cabal.kcore._logs.feeds().filter((f) => f.key.toString('hex') !== localKey)
    const done = feeds.find((f) => f.downloaded() >= expect)
    if (done !== undefined) out('downloaded', { blocks: done.downloaded(), bytes: done.byteLength })
    if (done !== undefined || Date.now() - t0 > 600_000) clearInterval(timer)
  }, 20)
}

async function main () {
  const cabal = Cabal(ram, opts.key)
  await new Promise((resolve) => cabal.ready(resolve))
  const feed = await new Promise((resolve) => cabal.feed(resolve))
  const localKey = feed.key.toString('hex')

  if (opts.preload > 0) {
    // Straight appends in batches: the same records publish() writes, without a callback each.
    const t0 = Date.now()
    for (let i = 0; i < opts.preload; i += 1000) {
      const batch = []
      for (let s = i; s < Math.min(opts.preload, i + 1000); s++) batch.push({ ...message(s), timestamp: Date.now() })
      await new Promise((resolve, reject) => feed.append(batch, (err) => err ? reject(err) : resolve()))
    }
    out('preloaded', { messages: opts.preload, ms: Date.now() - t0, length: feed.length, bytes: feed.byteLength })
  }

  const seen = new Set()
  cabal.messages.events.on('message', (msg) => {
    if (msg.key === localKey) return
    const seq = Number(/^#(\d+) /.exec(msg.value.content.text || '')?.[1])
    if (!Number.isInteger(seq) || seen.has(seq)) return
    seen.add(seq)
    if (!opts.quiet) out('received', { seq })
    if (seen.size === opts.expect) out('all', { messages: seen.size })
  })
  cabal.on('peer-added', (key) => out('peer', { key }))
  cabal.on('peer-dropped', (key) => out('peer-dropped', { key }))

  out('ready', { key: localKey })
  if (opts.expect > 0) watchDownload(cabal, localKey, opts.expect)
  const swarms = opts.swarms.map((s) => joinSwarm(cabal, localKey, s))

  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const { send } = JSON.parse(line)
    const ts = Date.now()
    cabal.publish(message(send), (err) => err ? out('error', { seq: send, error: String(err) }) : out('sent', { seq: send, at: ts }))
  })

  const stop = async () => {
    await Promise.race([
      Promise.all(swarms.map((s) => s.destroy().catch(() => {}))),
      new Promise((resolve) => setTimeout(resolve, 3000))
    ])
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + '\n')
  process.exit(1)
})
