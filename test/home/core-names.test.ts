/**
 * Our own cores are opened by key pair, with no name in the store (src/home/core-names.ts).
 * A core an older tamtam made under a name keeps its key and blocks, and its name leaves
 * the store's files.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { ownCore } from '../../src/home/core-names.js'
import { newCorestore } from '../../src/home/store.js'
import { scrubStore } from '../../src/home/scrub.js'
import { Tamtam } from '../../src/tamtam.js'
import { tempDir } from '../helpers/peers.js'

/** Files of `dir` whose bytes contain `text`. */
function filesWith (dir: string, text: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).filter((f) => readFileSync(f).includes(Buffer.from(text)))
}

t.test('a core made under a name by an older tamtam: same key and blocks, writable, and its name leaves the files', async (t) => {
  const dir = path.join(tempDir(t), 'store')
  const name = 'tamtam/room/legacy-room-id-4f1c'
  const store = newCorestore(dir)
  const legacy = store.get({ name })
  await legacy.ready()
  await legacy.append(Buffer.from('avant'))
  const key = legacy.key.toString('hex')
  await legacy.close()
  await scrubStore(store)
  t.ok(filesWith(dir, name).length > 0, 'control: the old name is in the store\'s files')

  const core = await ownCore(store, name, {})
  await core.ready()
  t.equal(core.key.toString('hex'), key, 'the same core')
  t.equal((await core.get(0))?.toString(), 'avant', 'with its blocks')
  t.ok(core.writable)
  await core.append(Buffer.from('après'))
  await core.close()
  await scrubStore(store)
  t.same(filesWith(dir, name), [], 'the name is in no file now')
  const again = await ownCore(store, name, {})
  await again.ready()
  t.equal(again.length, 2, 'opened again by key pair, it is still the same core')
  await again.close()
  await store.close()
})

t.test('a home\'s cores store no name: the room id is in no file of the store', async (t) => {
  const home = path.join(tempDir(t), 'home')
  const tt = new Tamtam({ home })
  await tt.init('Awa')
  const { room } = await tt.createRoom('atelier')
  await tt.send(room, 'bonjour')
  await tt.close()
  t.ok(filesWith(path.join(home, 'store'), 'bonjour').length === 0, 'blocks are encrypted')
  t.same(filesWith(path.join(home, 'store'), room.id), [], 'no file holds the room id')
})
