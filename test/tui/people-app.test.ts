/**
 * People in the app, end to end without a terminal: a real in-process node runs the
 * model (listen-only on the LAN), and Moussa is a real peer linked to it by a Noise
 * stream. Mentions ring and count, /verify and /whoami agree, private conversations
 * appear in the room list and are answered from there, and a namesake is warned about.
 */
import t from 'tap'
import { summarise } from '../../src/identity/index.js'
import { TamtamNode } from '../../src/node/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { DM_POLL_MS } from '../../cli/tui/dm-watch.js'
import { TuiModel } from '../../cli/tui/model.js'
import { membersView, roomsView, timelineView } from '../../cli/tui/views.js'
import { contextOf, eventually, link, nodeOf, peer } from '../helpers/peers.js'

/** Awa's app over a test peer's node (so `link` can wire it), in the room atelier, with Moussa in it too. */
async function app (t: any): Promise<{ model: TuiModel, node: TamtamNode, moussa: Tamtam }> {
  const node = nodeOf(await peer(t, 'Awa'))
  await node.open()
  const model = new TuiModel(node, 'en')
  await model.submit('/create atelier')
  const moussa = await peer(t, 'Moussa')
  await moussa.joinRoom(node.tt.invite(node.tt.rooms.resolve('atelier')))
  await link(t, node.tt, moussa)
  t.ok(await seen(model, () => model.state.members.length === 2), 'Awa\'s app lists Moussa')
  return { model, node, moussa }
}

/** Refresh until `check` holds (the app refreshes on events; tests ask). */
async function seen (model: TuiModel, check: () => boolean, ms = 15_000): Promise<boolean> {
  return await eventually(async () => {
    await model.refresh()
    return check()
  }, ms, 50)
}

/** The notices after typing `line`. */
async function typed (model: TuiModel, line: string): Promise<string> {
  await model.submit(line)
  return model.state.notices.join('\n')
}

t.test('mentions: highlighted, ringing with /bell on, counted in other rooms', async (t) => {
  const { model, moussa } = await app(t)
  let rings = 0
  model.on('bell', () => { rings++ })
  const atelier = moussa.rooms.resolve('atelier')

  await moussa.send(atelier, '@Awa tu es là ?')
  t.ok(await seen(model, () => model.state.timeline.some((i) => i.text === '@Awa tu es là ?')), 'the message arrives')
  t.match(timelineView(model.state, model.t, 80, 20).find((l) => l.includes('tu es là')), /^▶ /, 'and is marked as a mention of me')
  t.equal(rings, 0, 'no bell: off by default')

  t.match(await typed(model, '/bell'), /No bell for mentions in atelier/)
  t.match(await typed(model, '/bell on'), /The bell rings when someone mentions you in atelier/)
  t.equal(model.currentRoom()?.settings.bell, true, 'saved in the room settings')
  t.match(await typed(model, '/bell loud'), /Type \/bell on or \/bell off/)
  await moussa.send(atelier, 'et toi @awa ?')
  t.ok(await seen(model, () => rings === 1), 'a new mention rings')
  await moussa.send(atelier, 'sans mention')
  t.ok(await seen(model, () => model.state.timeline.some((i) => i.text === 'sans mention')))
  t.equal(rings, 1, 'a message without a mention does not')

  // In another room, mentions in atelier are counted in the room list.
  await model.submit('/create bureau')
  t.match(roomsView(model.state, model.t), /> bureau/, 'bureau is on screen')
  await moussa.send(atelier, 'encore @Awa')
  await moussa.send(atelier, 'et puis rien')
  t.ok(await seen(model, () => /atelier \(\d+, @1\)/.test(roomsView(model.state, model.t))), `atelier shows one unread mention: ${roomsView(model.state, model.t)}`)
  t.equal(rings, 2, 'it rang there too: the bell is atelier\'s setting')
  await model.switchRoom(-1)
  t.match(roomsView(model.state, model.t), /^> atelier\n {2}bureau$/, 'back in atelier: read')
  await model.switchRoom(1)
  t.match(roomsView(model.state, model.t), /^ {2}atelier\n> bureau$/, 'and the count is gone')
  t.match(await typed(model, '/bell off'), /No bell for mentions in bureau/)
})

t.test('/verify and /whoami through the app; the member list shows ✓', async (t) => {
  const { model, moussa } = await app(t)
  const words = summarise(await moussa.identity(), 'en').words.join(' ')
  const shown = await typed(model, '/verify moussa')
  t.match(shown, `words:       ${words}`, 'the words are Moussa\'s own (his whoami)')
  t.match(shown, /type \/verify Moussa#[0-9a-f]{4}-[0-9a-f]{4} --yes/, 'with how to confirm in the app')
  t.match(await typed(model, '/verify Moussa --yes'), /✓ Moussa is now verified in atelier/)
  t.match(membersView(model.state, model.t), /[●○] Moussa ✓ [0-9a-f-]{9}\n {2}(online|offline), verified/, 'the member list marks him')
  t.match(await typed(model, '/verify'), /✓ Moussa {2}[0-9a-f-]{19}/, '/verify alone lists the verified')
  t.match(await typed(model, '/verify Moussa --undo'), /Moussa is no longer verified in atelier/)
  t.notMatch(membersView(model.state, model.t), /✓/, 'unmarked')
  t.match(await typed(model, '/verify Zoé'), /Error USAGE: no member "Zoé" in atelier/, 'an unknown member is a notice')
  await model.setLang('fr')
  t.match(await typed(model, '/whoami'), new RegExp(`Vous êtes Awa, empreinte [0-9a-f-]{19}\\. Vos six mots : ${summarise(await model.node.tt.identity(), 'fr').words.join(' ')}`), '/whoami, in French with French words')
  t.match(await typed(model, '/help'), /\/msg NOM TEXTE/, '/help tells about the new commands')
})

t.test('private messages: in the room list, read and answered from there, /msg from anywhere', async (t) => {
  const { model, node, moussa } = await app(t)
  const atelier = moussa.rooms.resolve('atelier')
  const awaId = (await node.tt.identity()).publicKey.toString('hex')
  await contextOf(moussa).dms().send(atelier, 'Awa', 'psst, Awa')
  t.ok(await seen(model, () => /^ {4}@Moussa \(1\)$/m.test(roomsView(model.state, model.t))), `the conversation shows under atelier, unread: ${roomsView(model.state, model.t)}`)
  const entry = model.state.rooms.find((r) => r.dm !== undefined)!
  model.state.current = entry.id
  await model.refresh()
  t.match(model.state.timeline.map((i) => i.text), ['psst, Awa'], 'selecting it shows the private messages')
  t.match(timelineView(model.state, model.t, 80, 10)[0], /Private messages with Moussa, in atelier/)
  t.match(roomsView(model.state, model.t), /^> {3}@Moussa$/m, 'read now')
  await model.submit('oui ?')
  t.ok(await eventually(async () => (await contextOf(moussa).dms().messages(atelier, awaId)).some((m) => m.text === 'oui ?' && !m.mine)), 'typing there answers Moussa privately')
  t.notOk((await (await node.tt.timeline(node.tt.rooms.resolve('atelier'))).page()).some((i) => i.text === 'oui ?'), 'and not in the room')

  model.state.current = node.tt.rooms.resolve('atelier').id
  t.match(await typed(model, '/msg moussa on se voit à 14 h'), /Private message sent to Moussa/, '/msg from the room')
  t.ok(await eventually(async () => (await contextOf(moussa).dms().messages(atelier, awaId)).some((m) => m.text === 'on se voit à 14 h')), 'Moussa gets it')
  // Past the conversations' once-a-second cache, the list holds the message sent: still read.
  await new Promise((resolve) => setTimeout(resolve, DM_POLL_MS + 100))
  await model.refresh()
  t.match(roomsView(model.state, model.t), /^ {4}@Moussa$/m, 'my own message is not unread')
  t.match(await typed(model, '/msg'), /Type \/msg NAME TEXT/)
  t.match(await typed(model, '/msg Awa moi-même'), /Error USAGE/, 'not to myself')
})

t.test('a second "Moussa" with another key: warned once, and told apart', async (t) => {
  const { model, node } = await app(t)
  const other = await peer(t, 'Moussa')
  await other.joinRoom(node.tt.invite(node.tt.rooms.resolve('atelier')))
  await link(t, node.tt, other)
  t.ok(await seen(model, () => model.state.members.length === 3), 'the namesake arrives')
  const warnings = model.state.notices.filter((n) => /^Warning: Moussa in atelier now uses another key/.test(n))
  t.equal(warnings.length, 1, 'one warning')
  await model.refresh()
  t.equal(model.state.notices.filter((n) => /now uses another key/.test(n)).length, 1, 'not again on the next refresh')
  t.match(membersView(model.state, model.t), /new key!/, 'the member list tags the newcomer')
  await other.send(other.rooms.resolve('atelier'), 'c\'est moi, Moussa')
  t.ok(await seen(model, () => model.state.timeline.some((i) => i.text === 'c\'est moi, Moussa')))
  t.match(timelineView(model.state, model.t, 100, 20).join('\n'), /Moussa \([0-9a-f]{4}\): c'est moi, Moussa/, 'the timeline tells the two Moussas apart')
  t.match(await typed(model, '/verify Moussa'), /Error USAGE: "Moussa" names 2 members/, 'a plain name is ambiguous')
})
