import t from 'tap'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { dms } from '../../src/commands/dm.js'
import { SILENT } from '../../src/commands/types.js'
import { shortFingerprint } from '../../src/identity/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { formatDm } from '../../cli/dm.js'
import { translator } from '../../src/i18n/index.js'
import { eventually, link, peer, contextOf } from '../helpers/peers.js'

/** True when `needle` appears in any file under `dir`. */
function foundIn (dir: string, needle: Buffer): boolean {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (statSync(file).isDirectory() ? foundIn(file, needle) : readFileSync(file).includes(needle)) return true
  }
  return false
}

const id = async (tt: Tamtam): Promise<string> => (await tt.identity()).publicKey.toString('hex')
const room = (tt: Tamtam): ReturnType<Tamtam['rooms']['resolve']> => tt.rooms.resolve('atelier')
/** How many logs of the room this peer holds with a verified binding. */
async function bound (tt: Tamtam): Promise<number> {
  let n = 0
  for (const log of (await tt.logs(room(tt))).list()) if (await log.verifyBinding() !== null) n++
  return n
}

/** How many dm records this peer holds, in every log of the room. */
async function dmRecords (tt: Tamtam): Promise<number> {
  let n = 0
  for (const log of (await tt.logs(room(tt))).list()) {
    for (let seq = 1; seq < log.readable; seq++) if ((await log.read(seq))?.record.type === 'dm') n++
  }
  return n
}

t.test('a line A – C – B: only B reads A\'s private message; C stores and forwards it blind', async (t) => {
  const [a, b, c] = await Promise.all([peer(t, 'Awa'), peer(t, 'Moussa'), peer(t, 'Chidi')])
  const { invite } = await a.createRoom('atelier')
  await b.joinRoom(invite)
  await c.joinRoom(invite)
  await link(t, a, c)
  await link(t, c, b)
  t.ok(await eventually(async () => await bound(a) === 3 && await bound(b) === 3 && await bound(c) === 3), 'every peer holds the three member logs')
  const [ida, idb] = [await id(a), await id(b)]

  const secret = 'le code du portail est 4471-ZULU'
  const started = Date.now()
  const sent = await contextOf(a).dms().send(room(a), 'Moussa', secret)
  t.same(sent.to, { identity: idb, name: 'Moussa' }, 'the send result names the recipient')
  t.ok(await eventually(async () => (await contextOf(b).dms().messages(room(b), ida)).length === 1), 'B can read it')
  const elapsed = Date.now() - started

  const [got] = await contextOf(b).dms().messages(room(b), ida)
  t.match(got, { id: sent.id, from: ida, fromName: 'Awa', to: idb, ts: sent.ts, text: secret, mine: false }, 'B sees it from A, to B, not as its own')
  t.match(await contextOf(b).dms().conversations(room(b)), [{ identity: ida, name: 'Awa', fingerprint: shortFingerprint(Buffer.from(ida, 'hex')), last: sent.ts, count: 1 }], 'B has one conversation, with A')
  const viaCommand = await dms.run(contextOf(b), { room: 'atelier', member: 'Awa' }, SILENT) as { with: { identity: string }, messages: Array<{ text: string }> }
  t.equal(viaCommand.with.identity, ida, 'the dms command resolves the member')
  t.same(viaCommand.messages.map((m) => m.text), [secret], 'the dms command shows the message')
  t.match(formatDm('dms', viaCommand, translator('en')), /Awa: le code du portail/, 'human output')

  t.same((await contextOf(a).dms().messages(room(a), idb)).map((m) => [m.text, m.mine, m.to]), [[secret, true, idb]], 'A reads back its own sent message')
  t.match(await contextOf(a).dms().conversations(room(a)), [{ identity: idb, name: 'Moussa', count: 1 }], 'A has one conversation, with B')

  // C holds the record: the dm block is in its copy of A's log, decrypted with the room key.
  const aLog = (await c.logs(room(c))).list().find((l) => l.author?.identity === ida)!
  const seq = Number(sent.id.split('.')[1])
  t.ok(await eventually(() => aLog.readable > seq), 'C holds A\'s log up to the dm block')
  const held = await dmRecords(c)
  t.equal(held, 1, 'C holds exactly one dm record')
  const block = (await aLog.core.get(seq, { wait: false }))!
  const record = JSON.parse(block.toString())
  t.equal(record.type, 'dm', 'C holds a dm record')
  t.same(Object.keys(record).sort(), ['box', 'nonce', 'ts', 'type', 'v'], 'with no field but the box, its nonce and the time')
  for (const [what, needle] of [['text', 'portail'], ['recipient identity', idb], ['recipient name', 'Moussa'], ['recipient fingerprint', shortFingerprint(Buffer.from(idb, 'hex'))]]) {
    t.notOk(block.includes(needle), `the block does not show the ${what}`)
  }
  t.same(await contextOf(c).dms().messages(room(c), ida), [], 'C reads nothing from A')
  t.same(await contextOf(c).dms().messages(room(c), idb), [], 'C reads nothing to B')
  t.same(await contextOf(c).dms().conversations(room(c)), [], 'C has no conversation')

  // B replies; the answer goes back along the same line.
  await contextOf(b).dms().send(room(b), shortFingerprint(Buffer.from(ida, 'hex')).slice(0, 9), 'reçu, merci')
  t.ok(await eventually(async () => (await contextOf(a).dms().messages(room(a), idb)).length === 2), 'A gets B\'s reply, addressed by fingerprint')
  t.same((await contextOf(a).dms().messages(room(a), idb)).map((m) => [m.fromName, m.mine]), [['Awa', true], ['Moussa', false]], 'oldest first, each from the right author')
  t.same((await contextOf(a).dms().messages(room(a), idb, { limit: 1 })).map((m) => m.text), ['reçu, merci'], 'limit keeps the latest')

  const needle = Buffer.from('code du portail')
  const homes: Array<[string, Tamtam]> = [['C', c], ['B (the recipient)', b], ['A (the sender)', a]]
  let plaintext = 0
  for (const [who, tt] of homes) {
    const found = foundIn(tt.home, needle)
    if (found) plaintext++
    t.notOk(found, `the text appears nowhere in ${who}'s home dir`)
  }
  writeFileSync(path.join(c.home, 'canary'), Buffer.concat([Buffer.from('xx'), needle]))
  t.ok(foundIn(c.home, needle), 'control: the search finds plaintext when it is there')
  t.comment(`dm: A→B via C in ${elapsed} ms; C holds ${held} encrypted record, ${plaintext} plaintext`)
})
