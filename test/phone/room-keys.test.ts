/**
 * The phone's pure-JS room keys (src/phone/room-keys.ts) must be byte for byte those of
 * src/room/keys.ts (node:crypto), or a phone would prove a different room than the host.
 */
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { deriveRoomKeys, ROOM_LABELS } from '../../src/room/keys.js'
import { derivePhoneRoomKeys, PHONE_ROOM_LABELS } from '../../src/phone/index.js'

t.test('same labels as src/room/keys.ts', async (t) => {
  t.same(PHONE_ROOM_LABELS, ROOM_LABELS)
})

t.test('byte-identical keys to src/room/keys.ts for random secrets', async (t) => {
  for (let i = 0; i < 64; i++) {
    const secret = randomBytes(32)
    const node = deriveRoomKeys(secret)
    const phone = derivePhoneRoomKeys(new Uint8Array(secret))
    t.same(Object.keys(phone), Object.keys(node), 'the same set of keys')
    for (const name of Object.keys(node) as Array<keyof typeof node>) {
      if (Buffer.from(phone[name]).toString('hex') !== node[name].toString('hex')) t.fail(`${name} differs for secret ${secret.toString('hex')}`)
    }
  }
  t.pass('64 secrets, every key equal')
})

t.test('a secret that is not 32 bytes is refused', async (t) => {
  for (const length of [0, 31, 33]) t.throws(() => derivePhoneRoomKeys(new Uint8Array(length)), /32 bytes/)
})

t.test('src/phone imports nothing from node (it is bundled for the browser)', async (t) => {
  const dir = fileURLToPath(new URL('../../src/phone/', import.meta.url))
  const allowed = /^(\.\/[\w-]+\.js|\.\.\/errors\/index\.js|\.\.\/room\/labels\.js|tweetnacl|@noble\/hashes\/(hmac|sha2|hkdf|utils)\.js)$/
  for (const file of readdirSync(dir)) {
    const source = readFileSync(dir + file, 'utf8')
    for (const [, from] of source.matchAll(/^(?:import|export)\s[^'"]*?from\s*'([^']+)'/gm)) t.match(from, allowed, `${file} imports ${from}`)
  }
  t.notMatch(readFileSync(fileURLToPath(new URL('../../src/errors/index.ts', import.meta.url)), 'utf8'), /^import /m, 'the errors module it uses imports nothing')
})
