/**
 * `tamtam web ROOM [--qr]`: the link a facilitator shows phones. Through a real `tamtam up
 * --web` on the home (control socket), it gives the served address with the room's invite
 * after `#`; a home with no node serving phones gets WEB_NOT_RUNNING with what to do.
 */
import path from 'node:path'
import t from 'tap'
import { cli, start } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

t.test('web ROOM prints the phone link of the running node, with the invite after #', async (t) => {
  const home = path.join(tempDir(t), 'awa')
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal((await cli(['--home', home, 'room', 'create', 'atelier'])).code, 0, 'room create')
  const invite = JSON.parse((await cli(['--home', home, '--json', 'room', 'invite', 'atelier'])).stdout).invite as string

  const alone = await cli(['--home', home, 'web', 'atelier'])
  t.not(alone.code, 0, 'with no node running, web fails')
  t.match(alone.stderr, /WEB_NOT_RUNNING/, 'with a stable code')
  t.match(alone.stderr, /tamtam up --web/, 'and says what to do')

  const plain = await start(t, ['--home', home, 'up', '--lan-only'], /tamtam is up/)
  const noWeb = await cli(['--home', home, 'web', 'atelier'])
  t.match(noWeb.stderr, /WEB_NOT_RUNNING/, 'a node without --web does not serve phones either')
  plain.child.kill('SIGTERM')
  t.equal(await plain.exited, 0, 'that node stops')

  const node = await start(t, ['--home', home, 'up', '--lan-only', '--web', '--web-port', '0'], /phones can join from a browser at http/)
  const served = /(http:\/\/[\d.]+:\d+\/)/.exec(node.output())?.[1]
  t.ok(served !== undefined, `up --web prints where phones connect (${String(served)})`, { output: node.output() })
  const text = await cli(['--home', home, 'web', 'atelier'])
  t.equal(text.code, 0, `web atelier answers through the node: ${text.stderr}`)
  t.ok(text.stdout.includes(`${String(served)}#${invite}`), 'the link is the served address, #, and the room\'s invite', { stdout: text.stdout })
  const json = JSON.parse((await cli(['--home', home, '--json', 'web', 'atelier'])).stdout)
  t.equal(json.room, 'atelier', '--json names the room')
  t.ok(Array.isArray(json.links) && json.links.every((l: string) => l.endsWith(`#${invite}`)), 'and lists every link')
  const qr = await cli(['--home', home, 'web', 'atelier', '--qr'])
  t.match(qr.stdout, /[█▀▄]{10}/, '--qr draws a QR code under the links')
  const none = await cli(['--home', home, 'web', 'nowhere'])
  t.not(none.code, 0, 'an unknown room fails')
  node.child.kill('SIGTERM')
  t.equal(await node.exited, 0, 'the node stops cleanly')
})

t.test('web --help says what the link carries', async (t) => {
  const help = await cli(['web', '--help'])
  t.equal(help.code, 0, 'web --help exits 0')
  t.match(help.stdout, /--qr/, 'lists --qr')
  t.match(help.stdout, /never sends it to the server/, 'and says the invite stays in the browser')
  const fr = await cli(['--lang', 'fr', 'web', '--help'])
  t.match(fr.stdout, /ne l'envoie jamais au serveur/, 'in French too')
})
