/**
 * One resolver for every command that names a member: dm, dms, verify, mute, mod and the
 * TUI's /msg fail with the same code and the same words for a name nobody has and for a
 * name two people share. Real peers linked in process; the commands run through the table.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { runSlash } from '../../cli/tui/slash.js'
import { isTamtamError } from '../../src/errors/index.js'
import { pickMember, resolveMember, roomMembers, type Member } from '../../src/members/index.js'
import { fingerprintOf } from '../../src/names/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, link, peer } from '../helpers/peers.js'

/** The code and message a call fails with, or 'resolved' when it does not fail. */
async function failure (call: () => Promise<unknown>): Promise<string> {
  try {
    await call()
    return 'resolved'
  } catch (err) {
    return isTamtamError(err) ? `${err.code}: ${err.message}` : String(err)
  }
}

/** The part of the app a slash line needs, running commands for real on this peer. */
function slashHost (tt: Tamtam): any {
  const room = tt.rooms.resolve('atelier')
  return {
    lang: 'en',
    t: (key: string) => key,
    room: () => ({ id: room.id, name: room.name }),
    run: async (name: string, args: Record<string, unknown>) => await COMMANDS.get(name)!.run(contextOf(tt), { lang: 'en', ...args }, SILENT),
    notice: () => {},
    dmSent: () => {},
    refresh: async () => {}
  }
}

/** Every way a member is named: the commands through the table, and the TUI's /msg resolver. */
function callers (tt: Tamtam, who: string): Array<[string, () => Promise<unknown>]> {
  const run = (name: string, args: Record<string, unknown>) => async () => await COMMANDS.get(name)!.run(contextOf(tt), { room: 'atelier', ...args }, SILENT)
  const room = tt.rooms.resolve('atelier')
  return [
    ['dm', run('dm', { member: who, text: 'salut' })],
    ['dms', run('dms', { member: who })],
    ['verify', run('verify', { member: who })],
    ['verify --undo', run('verify.undo', { member: who })],
    ['mute', run('mute', { member: who })],
    ['unmute', run('unmute', { member: who })],
    ['mod remove', run('mod', { action: 'remove', target: who })],
    ['mod add', run('mod', { action: 'add', target: who })],
    // The app's /msg line, through its slash table, against a host that runs the real commands.
    ['/msg', async () => await runSlash(slashHost(tt), `/msg ${who} salut`)],
    // The members view itself.
    ['members view', async () => await resolveMember(tt, room, who, { notYou: 'not to yourself' })]
  ]
}

t.test('an unknown name and a shared name fail alike everywhere', async (t) => {
  const [moussa, awa1, awa2] = await Promise.all([peer(t, 'Moussa'), peer(t, 'Awa'), peer(t, 'Awa')])
  const { invite } = await moussa.createRoom('atelier')
  await Promise.all([awa1.joinRoom(invite), awa2.joinRoom(invite)])
  await link(t, moussa, awa1)
  await link(t, moussa, awa2)
  const bound = async (): Promise<number> => (await Promise.all((await moussa.logs(moussa.rooms.resolve('atelier'))).list().map(async (l) => await l.verifyBinding()))).filter((a) => a !== null).length
  t.ok(await eventually(async () => await bound() === 3), 'Moussa holds the three member logs')

  const cases: Array<[string, string, RegExp]> = [
    // [what, typed, the one wording]
    ['a name nobody has', 'Zoé', /^USAGE: no member "Zoé" in atelier: check the nickname, or use their fingerprint: /],
    ['a name two members share', 'awa', /^USAGE: "awa" names 2 members of atelier \([0-9a-f]{4}-[0-9a-f]{4}, [0-9a-f]{4}-[0-9a-f]{4}\): add the fingerprint, as NAME#[0-9a-f]{4}: /]
  ]
  for (const [what, typed, wording] of cases) {
    const results = []
    for (const [caller, call] of callers(moussa, typed)) results.push([caller, await failure(call)])
    t.match(results[0][1], wording, `${what}: the wording`)
    t.same(results.filter(([, r]) => r !== results[0][1]), [], `${what}: ${results.map(([c]) => c).join(', ')} all fail with "${results[0][1]}"`)
  }
  const room = moussa.rooms.resolve('atelier')
  t.same(room.settings.muted ?? [], [], 'nothing was muted')
  t.equal((await moussa.moderation(room)).applied.length, 0, 'no moderation record was written')

  // A nickname with escape sequences reaches every reader of the view cleaned.
  const print = fingerprintOf((await awa2.identity()).publicKey.toString('hex')).slice(0, 9)
  await (await awa2.logs(awa2.rooms.resolve('atelier'))).own.append([{ type: 'nick', name: 'Mal\x1b[2Jlory\x9b31m' }])
  t.ok(await eventually(async () => (await resolveMember(moussa, room, print)).name !== 'Awa'), 'Moussa sees the new nickname')
  const shown = [
    (await resolveMember(moussa, room, print)).name,
    ...(await roomMembers(moussa, room)).map((m) => m.name),
    (await COMMANDS.get('mute')!.run(contextOf(moussa), { room: 'atelier', member: print }, SILENT) as { member: string }).member,
    ...(await COMMANDS.get('mod')!.run(contextOf(moussa), { room: 'atelier', action: 'list' }, SILENT) as { moderators: Array<{ name: string }> }).moderators.map((m) => m.name)
  ]
  t.notMatch(shown.join('\n'), /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, `no control or escape character in a member's name: ${JSON.stringify(shown)}`)
  t.ok(shown.includes('Mallory'), 'the name stays readable')
})

/** A member for the pure table below. */
function member (name: string, seed: string, over: Partial<Member> = {}): Member {
  const identity = seed.repeat(64)
  return { identity, name, fingerprint: fingerprintOf(identity), log: `${seed}log`, you: false, ...over }
}

t.test('the resolver\'s rules', async (t) => {
  const me = member('Awa', 'a', { you: true })
  const awa = member('Awa', 'b')
  const moussa = member('Moussa', 'c')
  const moussaOtherHome = member('Moussa Diop', 'c', { log: 'c2log' })
  const room = { name: 'atelier' }
  const members = [me, awa, moussa, moussaOtherHome]
  const cases: Array<[string, Member[], string, { notYou?: string }, string]> = [
    // [what, members, typed, options, identity found or error code]
    ['the others first: "Awa" is the other Awa', members, 'Awa', {}, awa.identity],
    ['and with notYou too', members, 'awa', { notYou: 'no' }, awa.identity],
    ['ourselves when nobody else matches', [me, moussa], 'Awa', {}, me.identity],
    ['unless the caller refuses it', [me, moussa], 'Awa', { notYou: 'no' }, 'USAGE'],
    ['one person with two logs is one match', members, 'Moussa', {}, moussa.identity],
    ['by the name of their other home', members, 'moussa_diop', {}, moussa.identity],
    ['by fingerprint prefix', members, moussa.fingerprint.slice(0, 4), {}, moussa.identity],
    ['by NAME#fingerprint', members, `Awa#${awa.fingerprint.slice(0, 4)}`, {}, awa.identity],
    ['by whole identity', members, moussa.identity.toUpperCase(), {}, moussa.identity],
    ['a prefix of a name is nobody', members, 'Mou', {}, 'USAGE'],
    ['nothing typed', members, '  ', {}, 'USAGE']
  ]
  for (const [what, list, typed, opts, expected] of cases) {
    let got: string
    try {
      got = pickMember(list, typed, room, opts).identity
    } catch (err) {
      got = isTamtamError(err) ? err.code : String(err)
    }
    t.equal(got, expected, what)
  }
  t.throws(() => pickMember([awa, member('AWA', 'd')], 'Awa', room), { message: /^"Awa" names 2 members of atelier/ }, 'two others named alike are ambiguous')
  t.throws(() => pickMember(members, 'Zo\x1b[2Jé', { name: 'at\x1b]0;x\x07elier' }), { message: /^no member "Zoé" in atelier:/ }, 'what was typed and the room name are sanitised in the message')
})
