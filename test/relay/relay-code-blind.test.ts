/**
 * A relay code carries the room id, the topic and the handshake capability (protocol.md
 * §11), and must not let its holder read the room (issue 16, key separation). A hub that
 * relays a real member log over loopback tries every value in its relay code as the
 * block-encryption key: none may give back a record. The same attempt with the room's real
 * key must succeed, or the failures would prove nothing.
 */
import t from 'tap'
import { bech32m } from 'bech32'
import type Corestore from 'corestore'
import { decodeRecord } from '../../src/log/records.js'
import { decodeRelayCode, encodeRelayCode } from '../../src/relay/relay-code.js'
import { eventually } from '../helpers/peers.js'
import { loopbackMember } from '../security/loopback-member.js'

const SECRET_TEXT = 'rendez-vous au marché à 17h, code 4471-ZULU'

t.test('no value of a relay code decrypts a member-log block', async (t) => {
  const awa = await loopbackMember(t, 'Awa')
  const hub = await loopbackMember(t, 'Hub')
  const { room } = await awa.tt.createRoom('atelier')
  await awa.tt.send(room, SECRET_TEXT)
  const own = (await awa.tt.logs(room)).own

  const code = encodeRelayCode(room)
  const payload = Buffer.from(bech32m.fromWords(bech32m.decode(code, 1000).words))
  t.notOk(payload.includes(room.secret), 'the code does not carry the room secret')
  // What a hub needs is the id, the topic and the capability; any other room key is a member's.
  for (const [field, value] of Object.entries(room.keys)) {
    if (!['id', 'topic', 'capability'].includes(field)) t.notOk(payload.includes(value as Buffer), `nor the room's ${field}`)
  }

  await hub.tt.addRelay(code)
  awa.manager.addManual('127.0.0.1', hub.manager.port)
  const store = await hub.tt.store()
  const relayed = store.get({ key: own.core.key })
  t.teardown(() => relayed.close())
  await relayed.ready()
  t.ok(await eventually(() => relayed.contiguousLength === own.core.length, 15_000), 'the hub holds every block of Awa\'s log')

  const relay = decodeRelayCode(code)
  const attempts: Array<[string, Buffer]> = [['room id', relay.id], ['topic', relay.topic], ['capability', relay.capability]]
  for (const [what, key] of attempts) {
    const block = await readWith(store, own.core.key, key)
    t.notOk(block.includes(Buffer.from('rendez-vous')), `the ${what} does not decrypt the message`)
    t.notOk(decodeRecord(block).ok, `with the ${what} as key, block 1 is no record`)
  }
  const control = decodeRecord(await readWith(store, own.core.key, room.keys.encryptionKey))
  t.ok(control.ok && (control.record as { text?: string }).text === SECRET_TEXT, 'control: the block-encryption key, used the same way, reads the message')
})

/** Block 1 of the core, through a session opened with `key` as its encryption key. */
async function readWith (store: Corestore, coreKey: Buffer, key: Buffer): Promise<Buffer> {
  const session = store.get({ key: coreKey, encryption: { key } })
  await session.ready()
  try {
    return await session.get(1, { wait: false }) as Buffer
  } finally {
    await session.close()
  }
}
