/**
 * `peers` and the app's `/peers` name who is connected, with real peers: Awa's node is
 * linked by real Noise streams to Moussa (a member of two rooms), a relay hub (it holds a
 * room's relay code, not its secret) and a stranger (no room in common). The room protocol
 * tells Awa which log each peer owns; the members view names it.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import type { NamedPeer } from '../../src/commands/peers.js'
import { loadLang, translator } from '../../src/i18n/index.js'
import { encodeRelayCode } from '../../src/relay/relay-code.js'
import type { Tamtam } from '../../src/tamtam.js'
import { formatResult } from '../../cli/format.js'
import { TuiModel } from '../../cli/tui/model.js'
import { contextOf, eventually, link, nodeOf, peer } from '../helpers/peers.js'

/** The `peers` command on a peer's node; a failed command throws (never an empty list). */
async function peersOf (tt: Tamtam): Promise<NamedPeer[]> {
  return await COMMANDS.get('peers')!.run(contextOf(tt), {}, SILENT) as NamedPeer[]
}

/** Awa linked to Moussa (member of atelier and classe), a relay of atelier, and a stranger. */
async function room (t: any): Promise<{ awa: Tamtam, moussa: Tamtam, hub: Tamtam, stranger: Tamtam }> {
  const awa = await peer(t, 'Awa')
  const { room: atelier } = await awa.createRoom('atelier')
  const { room: classe } = await awa.createRoom('classe')
  const moussa = await peer(t, 'Moussa')
  await moussa.joinRoom(awa.invite(atelier))
  await moussa.joinRoom(awa.invite(classe))
  const hub = await peer(t, 'Hub')
  await hub.addRelay(encodeRelayCode(atelier))
  const stranger = await peer(t, 'Inconnu')
  await stranger.createRoom('ailleurs')
  for (const other of [moussa, hub, stranger]) await link(t, awa, other)
  return { awa, moussa, hub, stranger }
}

t.test('peers names members with their rooms, and labels a relay and a stranger', async (t) => {
  const { awa, moussa, hub } = await room(t)
  let list: NamedPeer[] = []
  const settled = await eventually(async () => {
    list = await peersOf(awa)
    return list.length === 3 && list[0].members.length === 2 && list[1].rooms.length === 1
  })
  t.ok(settled, `every peer is connected and Moussa proved both rooms: ${JSON.stringify(list.map((p) => [p.kind, p.rooms, p.members.map((m) => m.name)]))}`)
  t.same(list.map((p) => p.kind), ['member', 'relay', 'stranger'], 'members first, then the relay, then the stranger')

  const [m, relay, other] = list
  t.same(m.members.map((x) => [x.room, x.name]).sort(), [['atelier', 'Moussa'], ['classe', 'Moussa']], 'Moussa, in both rooms')
  const moussaLog = (await moussa.logs(moussa.rooms.resolve('atelier'))).own.key
  t.equal(m.members.find((x) => x.room === 'atelier')?.log, moussaLog, 'his own log in atelier')
  t.equal(m.members[0].identity, (await moussa.identity()).publicKey.toString('hex'), 'and his identity')
  t.same(relay.rooms, ['atelier'], 'the relay holds atelier')
  t.same(relay.members, [], 'but proved no membership')
  t.same(other.rooms, [], 'the stranger shares no room')
  for (const p of list) t.match(p.publicKey, /^[0-9a-f]{64}$/, 'the whole key stays in the result (--json)')

  // The relay's own view: it relays atelier, so it cannot tell members from relays.
  const fromHub = await peersOf(hub)
  t.same(fromHub.map((p) => [p.kind, p.members]), [['unknown', []]], 'a relay cannot check membership: unknown')

  await loadLang('fr')
  const fr = formatResult('peers', list, { t: translator('fr'), lang: 'fr' }).split('\n')
  t.match(fr[0], /^Moussa \(atelier, classe\) +\S+:\d+ +\S+ +clé [0-9a-f]{8} /, `Moussa by name, then address and short key: ${fr[0]}`)
  t.notMatch(fr.join('\n'), m.publicKey, 'the text shows the key shortened')
  t.match(fr[1], /^pas membre : relais de atelier /, 'the relay is labelled')
  t.match(fr[2], /^pas membre : aucun salon en commun /, 'the stranger is labelled')
  const en = formatResult('peers', list, { t: translator('en'), lang: 'en' })
  t.match(en, /^Moussa \(atelier, classe\) .*\nnot a member: relay for atelier .*\nnot a member: no room in common /, `in English: ${en}`)
})

t.test('a member shows under the name they go by now', async (t) => {
  const { awa, moussa } = await room(t)
  t.ok(await eventually(async () => (await peersOf(awa))[0]?.members.length === 2), 'Moussa is named')
  await moussa.setNick('Moussa K')
  const renamed = await eventually(async () => (await peersOf(awa))[0].members.every((m) => m.name === 'Moussa K'))
  t.ok(renamed, `his new name shows in both rooms: ${JSON.stringify((await peersOf(awa))[0].members)}`)
})

t.test('the app\'s /peers shows the same names', async (t) => {
  const { awa } = await room(t)
  t.ok(await eventually(async () => (await peersOf(awa)).length === 3 && (await peersOf(awa))[0].members.length === 2), 'every peer is connected')
  const model = new TuiModel(nodeOf(awa), 'en')
  await model.setLang('fr')
  await model.submit('/peers')
  const notices = model.state.notices.join('\n')
  t.match(notices, /Moussa \(atelier, classe\), \S+:\d+ \(\S+, clé [0-9a-f]{8}\)/, `Moussa by name: ${notices}`)
  t.match(notices, /pas membre : relais de atelier/, 'the relay is labelled')
  t.match(notices, /pas membre : aucun salon en commun/, 'the stranger is labelled')
})
