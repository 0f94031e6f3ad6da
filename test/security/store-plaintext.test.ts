/**
 * The store holds nothing readable about who is in a room (issue 21). Two real homes
 * replicate a room in process (messages, a nick change, a moderation action); once both are
 * closed, no file of either store (tables, write-ahead log, manifests, info logs) holds a
 * nickname, an identity key (hex or raw) or the room name. Control: a marker written in
 * clear with core.setUserData is found by the same search. Then the sealed values
 * themselves: a value from an older version in clear is read once and rewritten sealed, and
 * a value that does not open (another secret) reads as absent and does not stop a room
 * from opening.
 */
import t from 'tap'
import path from 'node:path'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { MemberLog } from '../../src/log/member-log.js'
import { isSealed, openUserData, readUserData, sealUserData, writeUserData } from '../../src/log/user-data.js'
import { legacyScrub, Tamtam } from '../../src/tamtam.js'
import { scrubStore } from '../../src/home/scrub.js'
import { contextOf, eventually, link, nodeOf, peer, tempDir } from '../helpers/peers.js'
import { findInFiles, text } from '../helpers/store-search.js'
import { documentedVectors } from '../helpers/protocol-doc.js'
import { createHmac } from 'node:crypto'
import { deriveKey, deriveRoomKeys, type Room } from '../../src/room/index.js'
import { USER_DATA_LABEL } from '../../src/log/user-data.js'

const ROOM_NAME = 'Salle-Orchidee-7351'
const NICK_A = 'Zephyrine-Ouest'
const NICK_B = 'Quetzalcoatl-Nord'
const NICK_B2 = 'Tlaloc-Renomme'
const MARKER = 'MARQUEUR-EN-CLAIR-8812'

const texts = async (tt: Tamtam): Promise<string[]> =>
  (await (await tt.timeline(tt.rooms.resolve(ROOM_NAME))).page({ limit: 100 })).map((i) => `${i.name}: ${i.text ?? ''}`)

t.test('no nickname, identity key or room name in clear in either store', async (t) => {
  const a = await peer(t, 'homea')
  const b = await peer(t, 'homeb')
  await a.setNick(NICK_A)
  await b.setNick(NICK_B)
  const { invite } = await a.createRoom(ROOM_NAME)
  await b.joinRoom(invite)
  await link(t, a, b)
  const ra = a.rooms.resolve(ROOM_NAME)
  const rb = b.rooms.resolve(ROOM_NAME)
  await a.send(ra, 'bonjour depuis A')
  const spam = await b.send(rb, 'message à cacher')
  await b.setNick(NICK_B2)
  await COMMANDS.get('mod')!.run(contextOf(a), { room: ROOM_NAME, action: 'hide', target: spam.id }, SILENT)
  await b.send(rb, 'après le changement de nom')
  t.ok(await eventually(async () => (await texts(a)).includes(`${NICK_B2}: après le changement de nom`) && !(await texts(b)).some((l) => l.includes('message à cacher')), 15_000, 50),
    'A shows B under the new nick, and B applies A\'s hide: indexes, bindings and moderation were all built')

  const ownA = (await a.logs(ra)).own
  await ownA.core.setUserData('tamtam/test-control', Buffer.from(MARKER))
  const ids = await Promise.all([a, b].map(async (p) => (await p.identity()).publicKey))
  const stores = [a.paths.store, b.paths.store]
  await nodeOf(a).close()
  await nodeOf(b).close()

  const needles: Record<string, Buffer> = {
    'room name': text(ROOM_NAME),
    [`nick ${NICK_A}`]: text(NICK_A),
    [`nick ${NICK_B}`]: text(NICK_B),
    [`nick ${NICK_B2}`]: text(NICK_B2),
    ...Object.fromEntries(ids.flatMap((id, i) => [[`identity ${i} hex`, text(id.toString('hex'))], [`identity ${i} raw`, id]]))
  }
  t.equal(findInFiles(stores[0], { marker: text(MARKER) }).length, 1, 'control: the same search finds a marker written in clear with setUserData')
  for (const store of stores) t.same(findInFiles(store, needles), [], `nothing readable in ${path.basename(path.dirname(store))}'s store`)
})

t.test('a value in clear from an older version is read once and rewritten sealed; one that does not open reads as absent', async (t) => {
  const home = path.join(tempDir(t), 'home')
  const tt = new Tamtam({ home })
  t.teardown(() => tt.close())
  await tt.init(NICK_A)
  const { room } = await tt.createRoom(ROOM_NAME)
  const core = (await tt.logs(room)).own.core

  // An older version's binding cache, in clear: adopted as it is, then sealed.
  const identity = (await tt.identity()).publicKey.toString('hex')
  await core.setUserData('tamtam/binding/v1', Buffer.from(JSON.stringify({ ok: true, identity, name: 'Ancien-Nom' })))
  const log = await MemberLog.remote(await tt.store(), room, core.key)
  t.equal(log.author?.name, 'Ancien-Nom', 'the legacy verdict is used (no cache is lost)')
  const raw = await core.getUserData('tamtam/binding/v1')
  t.ok(raw !== null && isSealed(raw) && !raw.includes(Buffer.from('Ancien-Nom')), 'and written back sealed')
  await log.close()

  // Sealed under another room's secret (the secret destroyed or replaced): noise, not an error.
  const other = { ...room, secret: Buffer.alloc(32, 7) }
  await core.setUserData('tamtam/binding/v1', sealUserData(other, core, 'tamtam/binding/v1', Buffer.from('{"ok":false}')))
  t.equal(await readUserData(core, room, 'tamtam/binding/v1'), null, 'a value that does not open reads as absent')
  const again = await MemberLog.remote(await tt.store(), room, core.key)
  t.equal(again.author?.name, NICK_A, 'the room still opens: block 0 is checked again')
  await again.close()

  // Bound to its core and its key name: moved elsewhere, it does not open.
  await writeUserData(core, room, 'tamtam/seen/v1', '{"length":1,"at":2}')
  const sealed = await core.getUserData('tamtam/seen/v1')
  t.ok(sealed !== null && openUserData(room, core, 'tamtam/seen/v1', sealed)?.toString() === '{"length":1,"at":2}', 'a sealed value opens where it was written')
  t.equal(sealed !== null ? openUserData(room, core, 'tamtam/limit/v1', sealed) : 'none', null, 'not under another key name')
  const second = await writeUserData(core, room, 'tamtam/seen/v1', '{"length":1,"at":2}').then(async () => await core.getUserData('tamtam/seen/v1'))
  t.not(second?.toString('hex'), sealed?.toString('hex'), 'the same value sealed twice differs (random nonce)')
})

t.test('the sealed format matches the vector in docs/protocol.md §3b', async (t) => {
  const documented = documentedVectors(/^## 3b\. Local user data/m, '§3b')
  const secret = Buffer.alloc(32, 1)
  const room = { secret, keys: deriveRoomKeys(secret), id: 'vector' } as unknown as Room
  const core = { key: Buffer.alloc(32, 2) } as any
  const key = deriveKey(secret, USER_DATA_LABEL)
  const box = createHmac('sha256', key).update(core.key).update(Buffer.from([0])).update('tamtam/seen/v1').digest()
  const value = Buffer.from('{"length":1,"at":2}')
  const sealed = sealUserData(room, core, 'tamtam/seen/v1', value, Buffer.alloc(24, 3))
  t.same({ key: key.toString('hex'), box: box.toString('hex'), sealed: sealed.toString('hex') },
    { key: documented.get('user-data key'), box: documented.get('box key'), sealed: documented.get('sealed') }, 'derivation and format as documented')
  t.equal(openUserData(room, core, 'tamtam/seen/v1', sealed)?.toString(), value.toString(), 'and it opens')
})

t.test('a value in clear rewritten sealed leaves the store\'s files: the store is scrubbed soon after', async (t) => {
  const delay = legacyScrub.delayMs
  legacyScrub.delayMs = 50
  t.teardown(() => { legacyScrub.delayMs = delay })
  const home = path.join(tempDir(t), 'home')
  const tt = new Tamtam({ home })
  await tt.init(NICK_A)
  const { room } = await tt.createRoom(ROOM_NAME)
  const core = (await tt.logs(room)).own.core
  const identity = (await tt.identity()).publicKey.toString('hex')
  await core.setUserData('tamtam/binding/v1', Buffer.from(JSON.stringify({ ok: true, identity, name: 'Nom-Ancien-Clair' })))
  await scrubStore(await tt.store()) // in a table file, as an older version leaves it
  t.equal(findInFiles(tt.paths.store, { old: text('Nom-Ancien-Clair') }).length, 1, 'control: the value in clear is in the files')
  const log = await MemberLog.remote(await tt.store(), room, core.key)
  t.equal(log.author?.name, 'Nom-Ancien-Clair', 'read once')
  await log.close()
  await new Promise((resolve) => setTimeout(resolve, 1000))
  await tt.close()
  t.same(findInFiles(tt.paths.store, { old: text('Nom-Ancien-Clair') }), [], 'then gone from every file of the store')
})
