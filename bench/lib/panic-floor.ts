/**
 * The floor for a one-shot `tamtam panic`: a process that does only what the panic command
 * does (tell a running node, then wipe) and loads only the modules that needs: the control
 * client and src/vault/wipe. The lock suite times it beside `tamtam panic` to show what the
 * rest of the CLI's start costs.
 *
 *   node dist/bench/lib/panic-floor.js HOME [--all]
 */
import { performance } from 'node:perf_hooks'
import { callNode } from '../../src/control/client.js'
import { homePaths } from '../../src/home/index.js'
import { wipeHome } from '../../src/vault/wipe.js'

const [home, flag] = process.argv.slice(2)
if (home === undefined) throw new Error('usage: panic-floor HOME [--all]')
const all = flag === '--all'
const started = performance.now()
// As src/commands/lock.ts: the node gets 400 ms to take the order, then this process wipes anyway.
const node = await callNode(homePaths(home).socket, 'panic.node', { all }, { timeoutMs: 400 }).then((r) => r === undefined || typeof r !== 'object' ? 'none' : 'stopped', () => 'no answer')
const wiped = await wipeHome(home, { all })
process.stdout.write(JSON.stringify({ node, shredded: wiped.shredded, removed: wiped.removed, ms: Math.round(performance.now() - started) }) + '\n')
