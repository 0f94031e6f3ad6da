/** A room's local settings: typed accessors over what rooms.json keeps, saved by the registry. */
import t from 'tap'
import path from 'node:path'
import {
  documentLimitsIn, drillAckOn, mentionBellOn, mutedIn, newRoomSecret, RoomRegistry, setDocumentLimits,
  setDrillAck, setMentionBell, setMuted, verifiedIn
} from '../../src/room/index.js'
import { tempDir } from '../helpers/peers.js'

const AWA = 'a'.repeat(64)
const MOUSSA = 'b'.repeat(64)

t.test('defaults, and what a hand-edited rooms.json holds, read back safely', async (t) => {
  const cases: Array<[string, Record<string, unknown>, { ack: boolean, bell: boolean, muted: string[], verified: string[], limits: object }]> = [
    // [what, stored settings, what the accessors say]
    ['nothing stored: the defaults', {}, { ack: true, bell: false, muted: [], verified: [], limits: {} }],
    ['turned off and on', { drillAck: false, bell: true }, { ack: false, bell: true, muted: [], verified: [], limits: {} }],
    ['not booleans: the defaults', { drillAck: 'no', bell: 'yes' }, { ack: true, bell: false, muted: [], verified: [], limits: {} }],
    ['junk in the lists is dropped', { muted: ['junk', 42, AWA], verified: 'all' }, { ack: true, bell: false, muted: [AWA], verified: [], limits: {} }],
    ['bad sizes are dropped', { documents: { maxFileBytes: 5, quotaBytes: 'lots', autoFetchBytes: -1 } }, { ack: true, bell: false, muted: [], verified: [], limits: { maxFileBytes: 5 } }]
  ]
  for (const [what, settings, want] of cases) {
    const room = { settings }
    t.same({ ack: drillAckOn(room), bell: mentionBellOn(room), muted: mutedIn(room), verified: verifiedIn(room), limits: documentLimitsIn(room) }, want, what)
  }
})

t.test('setters say whether anything changed, and the registry saves it', async (t) => {
  const file = path.join(tempDir(t), 'rooms.json')
  const registry = new RoomRegistry(file)
  await registry.load()
  const room = await registry.add('atelier', newRoomSecret())
  t.ok(setMuted(room, AWA, true), 'muting changes the settings')
  t.notOk(setMuted(room, AWA, true), 'muting twice does not')
  t.notOk(setMuted(room, 'not an identity', true), 'only identities are muted')
  t.ok(setMuted(room, MOUSSA, true))
  t.ok(setMuted(room, AWA, false), 'unmuting does')
  t.ok(setDrillAck(room, false))
  t.notOk(setDrillAck(room, false))
  t.ok(setMentionBell(room, true))
  setDocumentLimits(room, { maxFileBytes: 1, quotaBytes: 2, autoFetchBytes: 0 })
  await registry.save()

  const again = new RoomRegistry(file)
  await again.load()
  const back = again.resolve('atelier')
  t.same([mutedIn(back), drillAckOn(back), mentionBellOn(back), documentLimitsIn(back)], [[MOUSSA], false, true, { maxFileBytes: 1, quotaBytes: 2, autoFetchBytes: 0 }], 'read back from rooms.json')
})
