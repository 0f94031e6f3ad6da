// A hyperdht bootstrap for one LAN segment, run inside a namespace host: the same as
// hyperdht's testnet.js (persistent, non-firewalled nodes, the first one the entry point),
// but every node bound to the host's address on that segment, so the DHT stays on it.
// Usage: node bootstrap.cjs <cabal node_modules dir> <ip> <nodes>
// Prints {"event":"ready","bootstrap":[{host,port}]} and runs until SIGTERM.
'use strict'
const path = require('node:path')
const { createRequire } = require('node:module')

const [modules, ip, count] = process.argv.slice(2)
const DHT = createRequire(path.join(modules, 'cabal-core', 'index.js'))('hyperdht')

async function main () {
  const nodes = []
  const first = new DHT({ ephemeral: false, firewalled: false, bootstrap: [], host: ip })
  await first.fullyBootstrapped()
  nodes.push(first)
  const bootstrap = [{ host: ip, port: first.address().port }]
  // Bounded: at most 16 nodes, whatever the argument says.
  for (let i = 1; i < Math.min(Number(count) || 3, 16); i++) {
    const node = new DHT({ ephemeral: false, firewalled: false, bootstrap, host: ip })
    await node.fullyBootstrapped()
    nodes.push(node)
  }
  process.stdout.write(JSON.stringify({ event: 'ready', ts: Date.now(), bootstrap }) + '\n')
  const stop = async () => {
    for (const n of nodes.reverse()) await n.destroy().catch(() => {})
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack || err) + '\n')
  process.exit(1)
})
