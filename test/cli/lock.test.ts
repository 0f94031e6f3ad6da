/**
 * `tamtam init --passphrase`, `lock`, `panic` as a person or a script runs them: real CLI
 * processes, passphrases on TAMTAM_PASSPHRASE_FD, a real `tamtam up` on loopback.
 */
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { cli, passphrases, start } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

const PASS = 'la clé du puits'

/** Run with the home and `--json`; parse stdout (or the error object) as JSON. */
async function json (home: string, args: string[], lines?: string[]): Promise<{ code: number, out: any }> {
  const r = await cli(['--home', home, '--json', ...args], lines === undefined ? {} : passphrases(...lines))
  let out: any
  // A --json error is printed on stderr.
  const text = r.code === 0 ? r.stdout : r.stderr
  try { out = JSON.parse(text.trim().split('\n').at(-1) ?? '') } catch { out = { raw: r.stdout, stderr: r.stderr } }
  return { code: r.code, out }
}

t.test('a locked home: commands need the passphrase, a wrong or missing one is a coded error', async (t) => {
  const home = path.join(tempDir(t), 'home')
  t.equal((await json(home, ['init', '--name', 'Awa', '--passphrase'], [PASS])).code, 0)
  t.equal((await json(home, ['room', 'create', 'atelier'], [PASS])).code, 0)
  t.equal((await json(home, ['send', 'atelier', 'bonjour'], [PASS])).code, 0)
  const log = await cli(['--home', home, 'log', 'atelier'], passphrases(PASS))
  t.match(log.stdout, /bonjour/)
  t.same((await json(home, ['lock'])).out, { locked: true, kdf: { name: 'scrypt', N: 131072, r: 8, p: 1 } }, 'lock status needs no passphrase')

  const wrong = await json(home, ['log', 'atelier'], ['pas la bonne'])
  t.not(wrong.code, 0)
  t.equal(wrong.out.error?.code, 'PASSPHRASE_WRONG')
  const empty = await json(home, ['log', 'atelier'], [''])
  t.equal(empty.out.error?.code, 'PASSPHRASE_EMPTY')
  const none = await json(home, ['log', 'atelier'])
  t.equal(none.out.error?.code, 'PASSPHRASE_NEEDED', 'no terminal and no descriptor: told how to give it')
  t.match(none.out.error?.message, /TAMTAM_PASSPHRASE_FD/)
  t.match((await cli(['--home', home, 'log', 'atelier'], passphrases(PASS))).stdout, /bonjour/, 'still opens after the failures')

  t.equal((await json(home, ['lock', 'set'], [PASS])).out.error?.code, 'LOCK_ALREADY_SET')
  const changed = await json(home, ['lock', 'change'], [PASS, 'une autre'])
  t.same(changed.out, { locked: true, duress: false })
  t.equal((await json(home, ['log', 'atelier'], [PASS])).out.error?.code, 'PASSPHRASE_WRONG', 'the old passphrase no longer opens it')
  const again = await cli(['--home', home, 'lock', 'change'], passphrases('une autre', 'la troisième'))
  t.match(again.stdout, /^Passphrase changed: the old one no longer opens this home\.\nNo duress passphrase/, 'in words: changed, not "set"', { stderr: again.stderr })
  t.equal((await json(home, ['lock', 'remove'], ['la troisième'])).code, 0)
  t.match((await cli(['--home', home, 'log', 'atelier'])).stdout, /bonjour/, 'no passphrase asked once removed')
})

t.test('a node unlocked once serves one-shot commands without the passphrase; panic stops it and leaves nothing readable', async (t) => {
  const home = path.join(tempDir(t), 'home')
  await json(home, ['init', '--name', 'Awa', '--passphrase'], [PASS])
  await json(home, ['room', 'create', 'atelier'], [PASS])
  const node = await start(t, ['--home', home, 'up', '--lan-only', '--port', '0'], /up|prêt|ready/i, 20_000, passphrases(PASS))
  const sent = await json(home, ['send', 'atelier', 'par le nœud'])
  t.equal(sent.code, 0, 'send through the running node asks nothing')
  t.match((await cli(['--home', home, 'log', 'atelier'])).stdout, /par le nœud/)

  const panic = await json(home, ['panic'])
  t.equal(panic.code, 0)
  t.equal(panic.out.node, 'stopped', 'the node took the order')
  t.ok(panic.out.ms < 1000, `panic took ${String(panic.out.ms)} ms`)
  const code = await Promise.race([node.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))])
  t.not(code, 'still running', 'the node stopped (killed at once: its keys leave memory with it)')
  for (const file of ['lock.json', 'identity.json', 'rooms.json']) t.notOk(existsSync(path.join(home, file)), `${file} is gone`)
  t.ok(readdirSync(home).includes('store'), 'the store stays, as noise')
  t.equal((await json(home, ['log', 'atelier'], [PASS])).out.error?.code, 'ROOM_NOT_FOUND', 'even the old passphrase reads nothing')
  t.equal((await json(home, ['whoami'], [PASS])).out.error?.code, 'NOT_INITIALISED')
  t.same((await json(home, ['lock'])).out, { locked: false })

  const all = await json(home, ['panic', '--all'])
  t.same(all.out.removed, ['store'], '--all deletes the store')
  t.notOk(existsSync(path.join(home, 'store')))
})

t.test('the duress passphrase at the command line opens an empty home under the same name', async (t) => {
  const home = path.join(tempDir(t), 'home')
  await json(home, ['init', '--name', 'Awa', '--passphrase', '--duress'], [PASS, 'sous la contrainte'])
  await json(home, ['room', 'create', 'atelier'], [PASS])
  await json(home, ['send', 'atelier', 'le plan'], [PASS])
  const who = await json(home, ['whoami'], ['sous la contrainte'])
  t.equal(who.out.name, 'Awa', 'the same name shows')
  t.notOk(existsSync(path.join(home, 'store')), 'the store is gone')
  t.same((await json(home, ['room', 'list'], ['sous la contrainte'])).out, [], 'and no room')
  t.equal((await json(home, ['log', 'atelier'], [PASS])).out.error?.code, 'PASSPHRASE_WRONG', 'the real passphrase opens nothing now')
})

t.test('lock set through a running node: what the node writes afterwards is sealed', async (t) => {
  const home = path.join(tempDir(t), 'home')
  await json(home, ['init', '--name', 'Awa'])
  const node = await start(t, ['--home', home, 'up', '--lan-only', '--port', '0'], /up|prêt|ready/i)
  t.same((await json(home, ['lock', 'set'], [PASS])).out, { locked: true, duress: false })
  t.equal((await json(home, ['room', 'create', 'après-verrou'])).code, 0, 'the node, unlocked, creates a room')
  const rooms = readFileSync(path.join(home, 'rooms.json'), 'utf8')
  t.match(rooms, /tamtam\/sealed\/v1/, 'rooms.json, written by the node after the lock, is sealed')
  t.notMatch(rooms, /après-verrou/)
  node.child.kill('SIGKILL')
  await node.exited
  t.match((await cli(['--home', home, 'log', 'après-verrou'], passphrases(PASS))).stdout, /Awa/, 'opens with the passphrase after the node is gone')
})
