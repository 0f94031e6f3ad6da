import t from 'tap'
import { statSync } from 'node:fs'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

const EVERY_COMMAND = [[], ['init'], ['whoami'], ['nick'], ['room'], ['room', 'create'], ['room', 'join'], ['room', 'list'], ['room', 'invite'], ['room', 'leave'], ['send'], ['log'], ['up']]

t.test('--help works on every command and exits 0', async (t) => {
  for (const words of EVERY_COMMAND) {
    const r = await cli([...words, '--help'])
    t.equal(r.code, 0, `tamtam ${words.join(' ')} --help exits 0`)
    t.match(r.stdout, /Usage: tamtam/, `tamtam ${words.join(' ')} --help prints usage`)
  }
})

t.test('the user story from a fresh home, with exit codes', async (t) => {
  const dir = tempDir(t)
  const awa = ['--home', path.join(dir, 'awa')]
  const moussa = ['--home', path.join(dir, 'moussa')]

  const notInit = await cli([...awa, 'whoami'])
  t.equal(notInit.code, 1, 'whoami before init: exit 1')
  t.match(notInit.stderr, /NOT_INITIALISED.*tamtam init/, 'with a code and what to do')

  t.equal((await cli([...awa, 'init', '--name', 'Awa'])).code, 0, 'init')
  t.equal(statSync(path.join(dir, 'awa', 'identity.json')).mode & 0o777, 0o600, 'identity file is 0600')
  const again = await cli([...awa, 'init', '--name', 'Other'])
  t.equal(again.code, 1, 'init again without --force: exit 1')
  t.match(again.stderr, /IDENTITY_EXISTS/, 'IDENTITY_EXISTS')
  const who = JSON.parse((await cli([...awa, 'whoami', '--json'])).stdout)
  t.equal(who.name, 'Awa', 'the identity was not overwritten')
  t.match(who.fingerprint, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/, 'short fingerprint')
  t.equal(who.words.length, 6, 'six words to read aloud')
  t.notOk('secretKey' in who, 'whoami never prints the secret key')

  const created = JSON.parse((await cli([...awa, 'room', 'create', 'atelier', '--json'])).stdout)
  t.same(Object.keys(created).filter((k) => created[k] !== undefined).sort(), ['id', 'invite', 'room'], 'room create --json gives room, id, invite')
  t.equal(statSync(path.join(dir, 'awa', 'rooms.json')).mode & 0o777, 0o600, 'rooms.json (it holds secrets) is 0600')
  t.equal((await cli([...awa, 'send', 'atelier', 'Bonjour', 'à', 'tous'])).code, 0, 'send')
  const log = (await cli([...awa, 'log', 'atelier', '--json'])).stdout.trim().split('\n').map((l) => JSON.parse(l))
  const last = log[log.length - 1]
  for (const key of ['id', 'author', 'name', 'ts', 'type', 'text']) t.ok(key in last, `log --json has ${key}`)
  t.equal(last.text, 'Bonjour à tous', 'the words were joined into one message')
  t.equal(last.name, 'Awa')

  t.equal((await cli([...moussa, 'init', '--name', 'Moussa'])).code, 0, 'second person')
  const bad = await cli([...moussa, 'room', 'join', created.invite.slice(0, -3)])
  t.equal(bad.code, 1, 'a truncated invite: exit 1')
  t.match(bad.stderr, /INVITE_INVALID/, 'INVITE_INVALID')
  const joined = JSON.parse((await cli([...moussa, 'room', 'join', created.invite, '--json'])).stdout)
  t.equal(joined.id, created.id, 'the invite leads to the same room id')
  t.equal(joined.room, 'atelier', 'and suggests the same name')
  const qr = await cli([...moussa, 'room', 'invite', 'atelier', '--qr'])
  t.ok(qr.stdout.split('\n').length > 10, 'room invite --qr draws a QR code')
  t.equal((await cli([...moussa, 'room', 'leave', created.id.slice(0, 10)])).code, 0, 'leave by id prefix')
  t.same(JSON.parse((await cli([...moussa, 'room', 'list', '--json'])).stdout), [], 'the room is gone from the list')

  const misuse = await cli([...awa, 'send'])
  t.equal(misuse.code, 2, 'a missing argument is misuse: exit 2')
  const unknown = await cli([...awa, 'frobnicate'])
  t.equal(unknown.code, 2, 'an unknown command: exit 2')
})

t.test('TAMTAM_HOME picks the home when --home is absent', async (t) => {
  const home = path.join(tempDir(t), 'env-home')
  const r = await cli(['init', '--name', 'Env'], { env: { TAMTAM_HOME: home } })
  t.equal(r.code, 0)
  t.ok(statSync(path.join(home, 'identity.json')).isFile(), 'identity written under TAMTAM_HOME')
})

t.test('French: LANG or --lang switches help, output and error hints', async (t) => {
  const home = path.join(tempDir(t), 'fr')
  const help = await cli(['--help'], { env: { LANG: 'fr_FR.UTF-8' } })
  t.match(help.stdout, /Utilisation : tamtam/, 'help titles in French from LANG')
  t.match(help.stdout, /créer votre identité/, 'command descriptions in French')
  const err = await cli(['--home', home, '--lang', 'fr', 'whoami'])
  t.match(err.stderr, /NOT_INITIALISED : pas encore d'identité ici/, 'error hint in French, code unchanged')
  await cli(['--home', home, 'init', '--name', 'Aïcha'])
  await cli(['--home', home, 'room', 'create', 'atelier'])
  await cli(['--home', home, 'send', 'atelier', 'Salut'])
  const log = await cli(['--home', home, '--lang', 'fr', 'log', 'atelier'])
  t.match(log.stdout, /a rejoint le salon/, 'timeline sentences in French')
  t.match(log.stdout, /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, 'dates in the French format (dd/mm/yyyy hh:mm)')
  const en = await cli(['--home', home, '--lang', 'en', 'log', 'atelier'])
  t.match(en.stdout, /joined/, '--lang en overrides')
})

t.test('a long output through a pipe arrives whole (the process waits for stdout to drain)', async (t) => {
  const { Tamtam } = await import('../../src/tamtam.js')
  const home = path.join(tempDir(t), 'long')
  const tt = new Tamtam({ home })
  await tt.init('Long')
  const { room } = await tt.createRoom('r')
  const own = (await tt.logs(room)).own
  for (let i = 0; i < 3; i++) await own.append(Array.from({ length: 1000 }, (_, j) => ({ type: 'msg' as const, text: `ligne ${i * 1000 + j} ${'x'.repeat(100)}` })))
  await tt.close()
  const r = await cli(['--home', home, 'log', 'r', '--json', '--all'])
  const lines = r.stdout.trim().split('\n')
  t.equal(r.code, 0)
  t.equal(lines.length, 3001, `all 3001 lines arrived (${r.stdout.length} bytes through a pipe)`)
  t.doesNotThrow(() => JSON.parse(lines[lines.length - 1]), 'the last line is whole JSON')
})
