/**
 * `tamtam panic` while a locked node runs on a namespace host with two peers (issue 21):
 * the node stops, its home reads nothing even with the old passphrase, and the other
 * peers go on talking.
 */
import t from 'tap'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { cli, passphrases } from '../helpers/cli.js'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, peersOf, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

const PASS = 'le baobab au bord du fleuve'

t.test('panic on a running, locked node: it stops in under a second, nothing reads the home, the others carry on', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, c } } = await lanWithRoom(t, { wifi: ['a', 'b', 'c'] }, ['a', 'b', 'c'])
  const set = await cli(['--home', a, 'lock', 'set'], passphrases(PASS))
  t.equal(set.code, 0, `lock set: ${set.stderr}`)
  const nodes = await Promise.all([startNode(lan, 'a', a, undefined, passphrases(PASS)), startNode(lan, 'b', b), startNode(lan, 'c', c)])
  const [nodeA, nodeB, nodeC] = nodes
  t.ok(await eventually(async () => (await peersOf(nodeB)).length === 2, 15_000, 100), 'b sees a and c')

  await tamtam(a, 'send', 'atelier', 'avant la descente')
  t.ok(await eventually(async () => (await texts(c, 'atelier')).includes('avant la descente'), 15_000, 100), 'a\'s message reached c')

  const started = Date.now()
  const panic = await cli(['--home', a, '--json', 'panic'])
  t.equal(panic.code, 0, panic.stderr)
  const result = JSON.parse(panic.stdout)
  t.equal(result.node, 'stopped', 'the running node took the order')
  t.ok(result.ms < 1000, `the wipe took ${String(result.ms)} ms`)
  const exit = await Promise.race([nodeA.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))])
  t.not(exit, 'still running', 'the node on a stopped (killed at once: its keys leave memory with it)')
  const stopping = nodeA.events.find((e) => e.event === 'stopping' && e.reason === 'panic')
  t.ok(stopping, 'it said why')
  t.comment(`panic command started → node stopping: ${Number(stopping?.ts) - started} ms, with the CLI's own start (not a measurement: see bench lock)`)

  for (const file of ['lock.json', 'identity.json', 'rooms.json', 'peers.json']) t.notOk(existsSync(path.join(a, file)), `${file} is gone`)
  const after = await cli(['--home', a, '--json', 'log', 'atelier'], passphrases(PASS))
  t.not(after.code, 0, 'log on the wiped home fails, even with the old passphrase')
  t.match(JSON.parse(after.stderr.trim()).error.code, /^(ROOM_NOT_FOUND|NOT_INITIALISED)$/)

  // The others are unaffected: a marker from b reaches c after the panic.
  await tamtam(b, 'send', 'atelier', 'après la descente')
  t.ok(await eventually(async () => (await texts(c, 'atelier')).includes('après la descente'), 15_000, 100), 'b\'s message after the panic reached c')
  for (const node of [nodeB, nodeC]) t.equal(await node.stop(), 0, `${node.host} stops cleanly`)
})
