import t from 'tap'
import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { cli, start } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

t.test('send goes through a running node, and opens the store itself when none runs', async (t) => {
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')

  const node = await start(t, ['--home', home, 'up'], /tamtam is up/)
  t.equal(statSync(path.join(home, 'control.sock')).mode & 0o777, 0o600, 'control socket is mode 0600')

  // While the node holds the store lock, a command that opened the store itself would fail
  // with HOME_LOCKED; success proves it went through the socket.
  const viaNode = await cli(['--home', home, 'send', 'atelier', 'via the node'])
  t.equal(viaNode.code, 0, `send through the node succeeds: ${viaNode.stderr}`)
  const logViaNode = await cli(['--home', home, 'log', 'atelier', '--json'])
  t.match(logViaNode.stdout, /via the node/, 'log through the node sees it')

  const second = await cli(['--home', home, 'up'])
  t.equal(second.code, 1, 'a second node on the same home exits 1')
  t.match(second.stderr, /HOME_LOCKED/, 'with HOME_LOCKED')

  node.child.kill('SIGTERM')
  t.equal(await node.exited, 0, 'SIGTERM closes the node cleanly (exit 0)')
  t.match(node.output(), /stopped cleanly/, 'and it says so')
  t.notOk(existsSync(path.join(home, 'control.sock')), 'and removes its control socket')

  const local = await cli(['--home', home, 'send', 'atelier', 'with no node'])
  t.equal(local.code, 0, `send with no node opens the store itself: ${local.stderr}`)
  const log = await cli(['--home', home, 'log', 'atelier', '--json'])
  const texts = log.stdout.trim().split('\n').map((l) => JSON.parse(l).text)
  t.same(texts.slice(-2), ['via the node', 'with no node'], 'both messages are in the log, in order')
})

t.test('a message acknowledged by send survives SIGKILL of the node', async (t) => {
  const home = path.join(tempDir(t), 'kill')
  await cli(['--home', home, 'init', '--name', 'K'])
  await cli(['--home', home, 'room', 'create', 'r'])
  const node = await start(t, ['--home', home, 'up'], /tamtam is up/)
  const sent = await cli(['--home', home, 'send', 'r', 'durable please'])
  t.equal(sent.code, 0, 'sent')
  node.child.kill('SIGKILL')
  await node.exited
  const log = await cli(['--home', home, 'log', 'r', '--json'])
  t.equal(log.code, 0, `the store opens after SIGKILL (stale socket ignored): ${log.stderr}`)
  t.match(log.stdout, /durable please/, 'the acknowledged message is there')
})
