/**
 * `verify` through the command table, with real in-process peers linked by a Noise
 * stream: the words shown on one side are the words the other side's whoami shows.
 */
import t from 'tap'
import { VERIFY_COMMANDS } from '../../src/commands/verify.js'
import { SILENT } from '../../src/commands/types.js'
import { isTamtamError } from '../../src/errors/index.js'
import { summarise } from '../../src/identity/index.js'
import { loadLang, translator } from '../../src/i18n/index.js'
import { RoomRegistry } from '../../src/room/index.js'
import { keyChanged, verifiedIn } from '../../src/names/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { formatVerify } from '../../cli/verify.js'
import { eventually, link, peer, contextOf } from '../helpers/peers.js'

const TABLE = new Map(VERIFY_COMMANDS.map((c) => [c.name, c]))

/** Run a verify command as the CLI, the node or the TUI would. */
async function run (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> {
  return await TABLE.get(name)!.run(contextOf(tt), args, SILENT)
}

/** The error code a command fails with, or null. */
async function code (p: Promise<unknown>): Promise<string | null> {
  try {
    await p
    return null
  } catch (err) {
    return isTamtamError(err) ? err.code : String(err)
  }
}

/** How many members `tt` knows in its room "atelier". */
async function members (tt: Tamtam): Promise<number> {
  const logs = await tt.logs(tt.rooms.resolve('atelier'))
  let n = 0
  for (const log of logs.list()) if (await log.verifyBinding() !== null) n++
  return n
}

/** Awa and Moussa in the room "atelier", linked, each seeing the other. */
async function pair (t: any): Promise<{ awa: Tamtam, moussa: Tamtam }> {
  const awa = await peer(t, 'Awa')
  const moussa = await peer(t, 'Moussa')
  const { invite } = await awa.createRoom('atelier')
  await moussa.joinRoom(invite)
  await link(t, awa, moussa)
  t.ok(await eventually(async () => await members(awa) === 2 && await members(moussa) === 2), 'both see both')
  return { awa, moussa }
}

t.test('the words match on both sides, in English and in French', async (t) => {
  const { awa, moussa } = await pair(t)
  const shown = await run(awa, 'verify', { room: 'atelier', member: 'Moussa' })
  const own = summarise(await moussa.identity(), 'en')
  t.same(shown.words, own.words, 'the six words Awa sees are those of Moussa\'s whoami')
  t.equal(shown.words.length, 6)
  t.equal(shown.fingerprint, own.fingerprint, 'so is the fingerprint')
  t.equal(shown.verified, false, 'showing the words does not verify')
  t.same(verifiedIn(awa.rooms.resolve('atelier')), [], 'nothing marked')

  const fr = await run(moussa, 'verify', { room: 'atelier', member: 'awa', lang: 'fr' })
  t.same(fr.words, summarise(await awa.identity(), 'fr').words, 'the other way round, in French (a folded name finds Awa)')
  t.notSame(fr.words, summarise(await awa.identity(), 'en').words, 'French words are not the English ones')
})

t.test('--yes marks verified (saved), --list lists, --undo removes', async (t) => {
  const { awa, moussa } = await pair(t)
  const room = awa.rooms.resolve('atelier')
  const moussaId = (await moussa.identity()).publicKey.toString('hex')
  const marked = await run(awa, 'verify', { room: 'atelier', member: 'Moussa', yes: true })
  t.match(marked, { member: 'Moussa', identity: moussaId, verified: true, marked: true })
  t.same(verifiedIn(room), [moussaId], 'in room.settings.verified')
  const saved = new RoomRegistry(awa.paths.rooms)
  await saved.load()
  t.same(verifiedIn(saved.resolve('atelier')), [moussaId], 'and saved in rooms.json')
  t.match(await run(awa, 'verify', { room: 'atelier', member: 'Moussa', yes: true }), { verified: true, marked: false }, 'twice: already verified')

  const list = await run(awa, 'verify.list', { room: 'atelier' })
  t.same(list.verified.map((v: any) => [v.member, v.identity]), [['Moussa', moussaId]], '--list')

  t.match(await run(awa, 'verify.undo', { room: 'atelier', member: 'Moussa' }), { unmarked: true, verified: false })
  t.same(verifiedIn(room), [], 'removed')
  t.match(await run(awa, 'verify.undo', { room: 'atelier', member: 'Moussa' }), { unmarked: false }, 'undo twice: nothing to remove')
  t.same((await run(awa, 'verify.list', { room: 'atelier' })).verified, [], 'empty list')
})

t.test('bad member: USAGE', async (t) => {
  const { awa } = await pair(t)
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    // [what, command, args, code]
    ['unknown member', 'verify', { room: 'atelier', member: 'Zoé' }, 'USAGE'],
    ['a prefix of a name is nobody', 'verify', { room: 'atelier', member: 'Mou' }, 'USAGE'],
    ['no member given', 'verify', { room: 'atelier' }, 'USAGE'],
    ['yourself', 'verify', { room: 'atelier', member: 'Awa', yes: true }, 'USAGE'],
    ['undo of an unknown member', 'verify.undo', { room: 'atelier', member: 'Zoé' }, 'USAGE'],
    ['unknown room', 'verify', { room: 'bureau', member: 'Moussa' }, 'ROOM_NOT_FOUND']
  ]
  for (const [what, name, args, expected] of cases) t.equal(await code(run(awa, name, args)), expected, what)
  t.same(verifiedIn(awa.rooms.resolve('atelier')), [], 'nothing was marked')
})

t.test('a second "Moussa" with another key: ambiguous, flagged, and accepted once verified', async (t) => {
  const { awa } = await pair(t)
  await run(awa, 'verify', { room: 'atelier', member: 'Moussa' }) // Awa has now seen Moussa's key with the name.
  const other = await peer(t, 'Moussa')
  await other.joinRoom(awa.invite(awa.rooms.resolve('atelier')))
  await link(t, awa, other)
  t.ok(await eventually(async () => await members(awa) === 3), 'Awa sees the second Moussa')
  const otherId = (await other.identity()).publicKey.toString('hex')
  const print = summarise(await other.identity()).fingerprint
  t.equal((await run(awa, 'verify', { room: 'atelier', member: print.slice(0, 9) })).identity, otherId, 'a fingerprint prefix names one member')

  t.equal(await code(run(awa, 'verify', { room: 'atelier', member: 'Moussa' })), 'USAGE', 'plain "Moussa" names two members')
  const shown = await run(awa, 'verify', { room: 'atelier', member: `Moussa#${print.slice(0, 4)}` })
  t.equal(shown.identity, otherId, 'NAME#fingerprint picks the second one')
  t.equal(shown.keyChanged, true, 'flagged: the name was first seen with another key')
  const t9n = translator('en')
  t.match(formatVerify('verify', shown, t9n), /^Warning: the name Moussa was first seen/, 'the CLI output starts with the warning')
  t.ok(keyChanged(awa.rooms.resolve('atelier'), 'Moussa', otherId), 'remembered in room.settings.knownNames')

  const accepted = await run(awa, 'verify', { room: 'atelier', member: `Moussa#${print.slice(0, 4)}`, yes: true })
  t.match(accepted, { verified: true, marked: true })
  t.notOk(keyChanged(awa.rooms.resolve('atelier'), 'Moussa', otherId), 'verifying accepts the new key for the name')
})

t.test('formatVerify: English and French, CLI and app, hostile names', async (t) => {
  await loadLang('fr')
  const en = translator('en')
  const fr = translator('fr')
  const result = { room: 'mon atelier', member: 'Moussa', identity: 'ab'.repeat(32), fingerprint: '8f25-b13d-1e02-1171', words: ['un', 'deux', 'trois', 'quatre', 'cinq', 'six'], verified: false, marked: false, keyChanged: false }
  t.match(formatVerify('verify', result, en), /Moussa\nfingerprint: 8f25-b13d-1e02-1171\nwords: +un deux trois quatre cinq six\n/)
  t.match(formatVerify('verify', result, en), /tamtam verify 'mon atelier' 8f25-b13d --yes/, 'the CLI hint names the member by fingerprint, the room quoted')
  t.match(formatVerify('verify', result, en, { tui: true }), /type \/verify Moussa#8f25-b13d --yes/, 'the app hint is a slash command')
  t.match(formatVerify('verify', result, fr), /empreinte : 8f25-b13d-1e02-1171\nmots : +un deux/, 'in French')
  t.match(formatVerify('verify', { ...result, verified: true, marked: true }, en), /✓ Moussa is now verified in mon atelier\./)
  t.match(formatVerify('verify.undo', { ...result, unmarked: true }, fr), /Moussa ne figure plus parmi les membres vérifiés de mon atelier/)
  t.match(formatVerify('verify.list', { room: 'atelier', verified: [] }, en), /nobody is verified in atelier yet/)
  t.match(formatVerify('verify.list', { room: 'atelier', verified: [{ member: null, fingerprint: '8f25-b13d-1e02-1171' }] }, en), /✓ \(no longer in the room\)  8f25/)
  const hostile = formatVerify('verify', { ...result, member: 'Evil\x1b]0;pwned\x07\x1b[2J\nfake line' }, en) ?? ''
  t.notMatch(hostile, /\x1b|\x07/, 'no escape sequence in the output')
  t.match(hostile, /^Evil fake line\n/, 'a newline in a name does not start a line')
  t.equal(formatVerify('send', {}, en), null, 'other commands are not ours')
})

t.test('the CLI maps flags to the three commands, and never prompts without a terminal', async (t) => {
  const { Command } = await import('commander')
  const { registerVerifyCommands } = await import('../../cli/verify.js')
  const cases: Array<[string, string[], Array<[string, Record<string, unknown>]>]> = [
    // [what, argv, calls]
    ['show the words', ['verify', 'atelier', 'Moussa'], [['verify', { room: 'atelier', member: 'Moussa', yes: false }]]],
    ['confirm', ['verify', 'atelier', 'Moussa#ab12', '--yes'], [['verify', { room: 'atelier', member: 'Moussa#ab12', yes: true }]]],
    ['undo', ['verify', 'atelier', 'Moussa', '--undo'], [['verify.undo', { room: 'atelier', member: 'Moussa' }]]],
    ['list', ['verify', 'atelier', '--list'], [['verify.list', { room: 'atelier' }]]]
  ]
  for (const [what, argv, expected] of cases) {
    const calls: Array<[string, Record<string, unknown>]> = []
    const program = new Command('tamtam').exitOverride()
    registerVerifyCommands(program, async (name, args) => { calls.push([name, args]) }, translator('en'))
    await program.parseAsync(argv, { from: 'user' })
    t.same(calls, expected, what)
  }
  const help = new Command('tamtam')
  registerVerifyCommands(help, async () => {}, translator('en'))
  t.match(help.commands[0].helpInformation(), /--yes +the six words matched/, 'help in the user\'s language')
})
