/**
 * `tamtam room leave ROOM --wipe` from the command line (issue 21): through a running node
 * (the control socket; the node holds the store lock, so success proves it went through it)
 * and with no node. The room id, which the names of the home's own cores carry, is found in
 * the store's files before and in none after; the other room keeps working; --help says
 * what --wipe does in both languages.
 */
import t from 'tap'
import path from 'node:path'
import { cli, start } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'
import { randomFile } from '../documents/helpers.js'
import { findInFiles, text } from '../helpers/store-search.js'

/** A home with rooms `vide` (messages and a document) and `garde`; returns the id of `vide`. */
async function home (t: any, name: string): Promise<{ home: string, id: string }> {
  const dir = tempDir(t)
  const home = path.join(dir, name)
  t.equal((await cli(['--home', home, 'init', '--name', 'Awa'])).code, 0, 'init')
  for (const room of ['vide', 'garde']) t.equal((await cli(['--home', home, 'room', 'create', room])).code, 0, `room create ${room}`)
  for (let i = 0; i < 3; i++) await cli(['--home', home, 'send', 'vide', `message ${i}`])
  const shared = await cli(['--home', home, 'share', 'vide', (await randomFile(dir, 'doc.bin', 150_000)).file])
  t.equal(shared.code, 0, `share: ${shared.stderr}`)
  const rooms = JSON.parse((await cli(['--home', home, 'room', 'list', '--json'])).stdout) as Array<{ room: string, id: string }>
  return { home, id: rooms.find((r) => r.room === 'vide')!.id }
}

t.test('through a running node: the room leaves the store, the other room keeps working', async (t) => {
  const { home: h, id } = await home(t, 'noeud')
  const store = path.join(h, 'store')
  // Our cores are opened by key pair, so no name (which carried the room id) is stored at all.
  t.same(findInFiles(store, { id: text(id) }), [], 'the room id is in no store file, even before the wipe')
  const node = await start(t, ['--home', h, 'up'], /tamtam is up/)
  const wiped = await cli(['--home', h, 'room', 'leave', 'vide', '--wipe', '--json'], { timeout: 60_000 })
  t.equal(wiped.code, 0, `leave --wipe through the node: ${wiped.stderr}`)
  const result = JSON.parse(wiped.stdout)
  t.match(result, { room: 'vide', left: true, wiped: true }, 'JSON result')
  t.ok(result.cores >= 2 && typeof result.bytesBefore === 'number' && typeof result.bytesAfter === 'number', `${String(result.cores)} cores purged, ${String(result.bytesBefore)} → ${String(result.bytesAfter)} bytes`)
  t.equal((await cli(['--home', h, 'send', 'garde', 'encore là'])).code, 0, 'the other room takes a message')
  t.match((await cli(['--home', h, 'log', 'garde', '--json'])).stdout, /encore là/, 'and shows it')
  t.equal((await cli(['--home', h, 'log', 'vide'])).code, 1, 'the wiped room is gone')
  node.child.kill('SIGTERM')
  t.equal(await node.exited, 0, 'the node stops cleanly')
  t.same(findInFiles(store, { id: text(id) }), [], 'no file of the store holds the room id')
})

t.test('with no node, in French', async (t) => {
  const { home: h, id } = await home(t, 'local')
  const wiped = await cli(['--home', h, '--lang', 'fr', 'room', 'leave', 'vide', '--wipe'], { timeout: 60_000 })
  t.equal(wiped.code, 0, `leave --wipe: ${wiped.stderr}`)
  t.match(wiped.stdout, /retiré de cet ordinateur : \d+ cœur\(s\) purgé\(s\)/, 'says what it removed')
  t.same(findInFiles(path.join(h, 'store'), { id: text(id) }), [], 'no file of the store holds the room id')
  t.match((await cli(['--home', h, 'room', 'list'])).stdout, /garde/, 'the other room stays')
  t.match((await cli(['--lang', 'en', 'room', 'leave', '--help'])).stdout, /--wipe\s+also remove the room from this computer/, '--help in English')
  t.match((await cli(['--lang', 'fr', 'room', 'leave', '--help'])).stdout, /--wipe\s+retirer aussi le salon de cet ordinateur/, '--help in French')
})
