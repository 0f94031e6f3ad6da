/**
 * A home's passphrase (src/vault), through the library: what each wrong input gives, that
 * nothing is damaged by it, and the duress passphrase. Real stores in temp dirs. The key
 * derivation is made cheap here (N = 2^14); the CLI tests and the bench use the real cost.
 */
import t from 'tap'
import { promises as fs, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Tamtam } from '../../src/tamtam.js'
import { kdfDefaults, setPassphraseSource, setLock, changeLock, removeLock, unlockHome, wipeHome } from '../../src/vault/index.js'
import { writeJsonPrivate } from '../../src/home/index.js'
import { forgetHomeKey } from '../../src/vault/keyring.js'
import { tempDir } from '../helpers/peers.js'

kdfDefaults.N = 2 ** 14

/** Answers given to the passphrase prompt, in order; what was asked is recorded. */
function answers (...list: string[]): { asked: number } {
  const state = { asked: 0 }
  setPassphraseSource(async () => {
    state.asked++
    const next = list.shift()
    if (next === undefined) throw Object.assign(new Error('no more answers'), { code: 'TEST_NO_ANSWER' })
    return next
  })
  return state
}

/** Every file of the home with its bytes, to prove a failure changed nothing. */
function snapshot (home: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const name of readdirSync(home)) {
    const full = path.join(home, name)
    try { files.set(name, readFileSync(full).toString('base64')) } catch {}
  }
  return files
}

/** A locked home with an identity, a room and a message, closed. Returns its home dir. */
async function lockedHome (t: any, passphrase = 'mot de passe', duress?: string): Promise<string> {
  const home = path.join(tempDir(t), 'home')
  const tt = new Tamtam({ home })
  await tt.init('Awa')
  const { room } = await tt.createRoom('atelier')
  await tt.send(room, 'bonjour à tous')
  await setLock(home, passphrase, duress)
  await tt.close()
  forgetHomeKey(home)
  return home
}

/** Open the home in a new Tamtam, as a new process would, and read the room's last message. */
async function lastMessage (home: string): Promise<string | undefined> {
  const tt = new Tamtam({ home })
  try {
    await tt.open()
    const room = tt.rooms.list()[0]
    if (room === undefined) return undefined
    return (await (await tt.timeline(room)).page({ limit: 1 }))[0]?.text
  } finally {
    await tt.close()
    forgetHomeKey(home)
  }
}

t.test('a locked home opens with its passphrase, and its files hold no name, room or key in clear', async (t) => {
  const home = await lockedHome(t)
  for (const file of ['identity.json', 'rooms.json']) {
    const text = readFileSync(path.join(home, file), 'utf8')
    t.notMatch(text, /Awa|atelier|secret|publicKey/, `${file} is sealed`)
    t.match(text, /tamtam\/sealed\/v1/)
  }
  answers('mot de passe')
  t.equal(await lastMessage(home), 'bonjour à tous')
})

t.test('wrong, empty and missing passphrases give coded errors and change nothing', async (t) => {
  const home = await lockedHome(t)
  const before = snapshot(home)
  const state = answers('faux', 'encore faux', 'toujours faux')
  await t.rejects(lastMessage(home), { code: 'PASSPHRASE_WRONG' })
  t.equal(state.asked, 3, 'asked three times, then gave up')
  answers('')
  await t.rejects(lastMessage(home), { code: 'PASSPHRASE_EMPTY' })
  setPassphraseSource(async () => { throw Object.assign(new Error('x'), { code: 'PASSPHRASE_NEEDED' }) })
  await t.rejects(new Tamtam({ home }).identity(), { code: 'PASSPHRASE_NEEDED' })
  t.same(snapshot(home), before, 'no file changed')
  // No self-inflicted lockout: the right passphrase still opens it after all those tries.
  answers('mot de passe')
  t.equal(await lastMessage(home), 'bonjour à tous')
})

t.test('a truncated lock.json, and a lock.json from another home, give coded errors and no damage', async (t) => {
  const home = await lockedHome(t)
  const other = await lockedHome(t)
  const lockFile = path.join(home, 'lock.json')
  const good = readFileSync(lockFile, 'utf8')
  await fs.writeFile(lockFile, good.slice(0, 100))
  const before = snapshot(home)
  answers('mot de passe')
  await t.rejects(lastMessage(home), { code: 'LOCK_FILE_INVALID' })
  t.same(snapshot(home), before, 'nothing changed by the truncated lock')

  await fs.copyFile(path.join(other, 'lock.json'), lockFile)
  const foreign = snapshot(home)
  answers('mot de passe')
  await t.rejects(lastMessage(home), { code: 'HOME_KEY_MISMATCH' })
  t.same(snapshot(home), foreign, 'nothing changed by the foreign lock')

  await fs.writeFile(lockFile, good)
  answers('mot de passe')
  t.equal(await lastMessage(home), 'bonjour à tous', 'the restored lock opens it again')
})

t.test('nothing is written in clear into a locked home whose key is not in memory', async (t) => {
  const home = await lockedHome(t)
  await t.rejects(writeJsonPrivate(path.join(home, 'peers.json'), { version: 1, peers: [] }), { code: 'PASSPHRASE_NEEDED' })
  t.notOk(readdirSync(home).includes('peers.json'))
})

t.test('change and remove keep the home readable; the old passphrase stops working', async (t) => {
  const home = await lockedHome(t)
  await changeLock(home, 'mot de passe', 'nouvelle phrase')
  forgetHomeKey(home)
  answers('mot de passe', 'mot de passe', 'mot de passe')
  await t.rejects(lastMessage(home), { code: 'PASSPHRASE_WRONG' })
  answers('nouvelle phrase')
  t.equal(await lastMessage(home), 'bonjour à tous')
  await t.rejects(removeLock(home, 'mot de passe'), { code: 'PASSPHRASE_WRONG' })
  await removeLock(home, 'nouvelle phrase')
  t.notOk(readdirSync(home).includes('lock.json'))
  t.match(readFileSync(path.join(home, 'rooms.json'), 'utf8'), /atelier/, 'rooms.json is in clear again')
  answers()
  t.equal(await lastMessage(home), 'bonjour à tous', 'opens with no passphrase asked')
})

t.test('a crash after lock.json was written but before the files were sealed: the next unlock seals them', async (t) => {
  const home = await lockedHome(t)
  answers('mot de passe')
  const tt = new Tamtam({ home })
  await tt.open()
  const rooms = tt.rooms.list()
  await tt.close()
  // Put rooms.json back in clear, as a crash in the middle of `lock set` leaves it.
  const room = rooms[0]
  await fs.writeFile(path.join(home, 'rooms.json'), JSON.stringify({ version: 1, rooms: [{ name: room.name, secret: room.secret.toString('hex'), createdAt: room.createdAt, members: room.members, settings: {} }] }))
  forgetHomeKey(home)
  answers('mot de passe')
  t.equal(await lastMessage(home), 'bonjour à tous')
  t.notMatch(readFileSync(path.join(home, 'rooms.json'), 'utf8'), /atelier/, 'sealed again on unlock')
})

t.test('unlocking a sound locked home writes no file (it only seals what a crash left in clear)', async (t) => {
  const home = await lockedHome(t)
  const before = snapshot(home)
  answers('mot de passe')
  t.equal(await unlockHome(home), 'unlocked')
  // A rewrite seals under a fresh random nonce, so any rewritten file would differ.
  for (const name of ['identity.json', 'rooms.json', 'lock.json']) t.equal(snapshot(home).get(name), before.get(name), `${name} untouched`)
  forgetHomeKey(home)
})

t.test('the duress passphrase wipes the home and opens an empty one; the real passphrase opens nothing after', async (t) => {
  const home = await lockedHome(t, 'mot de passe', 'sous contrainte')
  const lock = JSON.parse(readFileSync(path.join(home, 'lock.json'), 'utf8'))
  t.equal(lock.slots.length, 2, 'two slots of the same size, whether or not duress is set')
  t.equal(lock.slots[0].box.length, lock.slots[1].box.length)

  answers('sous contrainte')
  const tt = new Tamtam({ home })
  t.equal(await tt.unlock(), 'duress')
  await tt.open()
  t.equal((await tt.identity()).name, 'Awa', 'the empty home shows the same name')
  t.same(tt.rooms.list(), [], 'and no room')
  await tt.close()
  forgetHomeKey(home)
  t.notOk(readdirSync(home).includes('store'), 'the store is gone')

  answers('mot de passe', 'mot de passe', 'mot de passe')
  await t.rejects(lastMessage(home), { code: 'PASSPHRASE_WRONG' }, 'the real passphrase opens nothing')
  answers('sous contrainte')
  t.equal(await lastMessage(home), undefined, 'the duress passphrase now opens the empty home like a normal one')
})

t.test('panic shreds the key files; afterwards nothing opens, even with the old passphrase', async (t) => {
  const home = await lockedHome(t)
  const result = await wipeHome(home)
  t.same(result.shredded.sort(), ['identity.json', 'lock.json', 'rooms.json'])
  t.ok(readdirSync(home).includes('store'), 'without --all the store stays, as noise')
  answers('mot de passe')
  const tt = new Tamtam({ home })
  await t.rejects(tt.identity(), { code: 'NOT_INITIALISED' })
  await t.rejects(writeJsonPrivate(path.join(home, 'rooms.json'), {}), { code: 'HOME_WIPED' }, 'this process writes nothing there again')
})

t.test('a lock.json asking for huge scrypt parameters is refused before any derivation', async (t) => {
  const home = await lockedHome(t)
  const file = path.join(home, 'lock.json')
  const lock = JSON.parse(readFileSync(file, 'utf8'))
  for (const kdf of [{ ...lock.kdf, N: 2 ** 30 }, { ...lock.kdf, r: 1000 }, { ...lock.kdf, N: 3000 }, { ...lock.kdf, name: 'md5' }]) {
    await fs.writeFile(file, JSON.stringify({ ...lock, kdf }))
    const state = answers('mot de passe')
    await t.rejects(lastMessage(home), { code: 'LOCK_FILE_INVALID' }, JSON.stringify({ N: kdf.N, r: kdf.r, name: kdf.name }))
    t.equal(state.asked, 0, 'refused before asking the passphrase')
  }
})
