import t from 'tap'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Corestore from 'corestore'
import { eventually, peer, tempDir } from '../helpers/peers.js'

/** True when `needle` appears in any file under `dir`. */
function foundIn (dir: string, needle: Buffer): boolean {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (statSync(file).isDirectory() ? foundIn(file, needle) : readFileSync(file).includes(needle)) return true
  }
  return false
}

t.test('a replica of the cores without the room secret holds ciphertext only', async (t) => {
  const awa = await peer(t, 'Awa')
  const { room } = await awa.createRoom('atelier')
  const secretText = 'rendez-vous au marché à 17h, code 4471-ZULU'
  for (let i = 0; i < 20; i++) await awa.send(room, `${secretText} #${i}`)
  const own = (await awa.logs(room)).own

  const relayDir = tempDir(t, 'tamtam-relay-')
  const relay = new Corestore(relayDir)
  t.teardown(() => relay.close())
  const a = (await awa.store()).replicate(true)
  const b = relay.replicate(false)
  a.pipe(b).pipe(a)
  t.teardown(() => { a.destroy(); b.destroy() })
  // The relay knows the core key (as a relay would) but not the encryption key.
  const copy = relay.get({ key: own.core.key })
  await copy.ready()
  copy.download({ start: 0, end: -1 })
  t.ok(await eventually(() => copy.contiguousLength === own.core.length), 'relay stored every block')
  const block = await copy.get(1)
  t.notOk(block?.includes(Buffer.from('rendez-vous')), 'a block read without the key is not plaintext')
  await relay.close()

  const needle = Buffer.from('rendez-vous au marché')
  t.notOk(foundIn(relayDir, needle), 'the plaintext appears nowhere in the relay storage dir')
  t.notOk(foundIn(path.join(awa.home, 'store'), needle), 'nor in the author\'s own store (blocks are encrypted at rest)')
  // The search itself must be able to find plaintext, or the two checks above prove nothing.
  writeFileSync(path.join(relayDir, 'canary'), Buffer.concat([Buffer.from('xx'), needle]))
  t.ok(foundIn(relayDir, needle), 'control: the search finds plaintext when it is there')
})
