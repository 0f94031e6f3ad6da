/**
 * Disappearing messages (issue 21), the setting: lifetimes as typed, who may set one (a
 * forged setting from a non-moderator is ignored on every peer, through the command and
 * written raw), which setting wins, and the one timeline path showing nothing older than
 * the horizon. In process, on real stores linked by real Noise streams.
 */
import t from 'tap'
import { COMMANDS, SILENT } from '../../src/commands/index.js'
import { isTamtamError } from '../../src/errors/index.js'
import { formatExpire, parseExpire } from '../../src/expiry/index.js'
import { chooseExpiry, type SettingEntry as ModEntry } from '../../src/moderation/room-settings.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, link, peer } from '../helpers/peers.js'

const run = async (tt: Tamtam, name: string, args: Record<string, unknown>): Promise<any> => await COMMANDS.get(name)!.run(contextOf(tt), args, SILENT)
const room = (tt: Tamtam): any => tt.rooms.resolve('atelier')
const expiryOn = async (tt: Tamtam): Promise<number | null> => (await tt.moderation(room(tt))).expiry?.seconds ?? null
const texts = async (tt: Tamtam): Promise<string[]> => (await (await tt.timeline(room(tt))).page({ limit: 100 })).filter((i) => i.type === 'msg').map((i) => i.text)
const settled = async (peers: Tamtam[], check: (tt: Tamtam) => Promise<boolean>): Promise<boolean> =>
  await eventually(async () => (await Promise.all(peers.map(check))).every(Boolean), 10_000, 50)

t.test('lifetimes as people type them', async (t) => {
  // [typed, seconds or the error code]
  const cases: Array<[string, number | string]> = [
    ['off', 0], // turns expiry off
    ['OFF', 0], // any case
    ['10s', 10], // the shortest allowed
    ['30m', 1800],
    ['24h', 86_400],
    ['7d', 604_800],
    ['365d', 31_536_000], // the longest allowed
    ['9s', 'USAGE'], // under 10 s
    ['366d', 'USAGE'], // over a year
    ['24', 'USAGE'], // no unit
    ['1.5h', 'USAGE'], // whole numbers only
    ['-1h', 'USAGE'],
    ['1w', 'USAGE'], // unknown unit
    ['', 'USAGE'],
    ['99999999999d', 'USAGE'] // too many digits
  ]
  for (const [typed, want] of cases) {
    if (typeof want === 'number') t.equal(parseExpire(typed), want, `${typed} → ${want} s`)
    else t.ok(isTamtamError(catching(() => parseExpire(typed)), want), `${typed} is refused with ${want}`)
  }
  // [seconds, shortest exact text]
  const shown: Array<[number, string]> = [[0, 'off'], [10, '10s'], [90, '90s'], [1800, '30m'], [86_400, '1d'], [5400, '90m'], [7200, '2h']]
  for (const [seconds, text] of shown) t.equal(formatExpire(seconds), text, `${seconds} s is shown as ${text}`)
})

function catching (fn: () => unknown): unknown {
  try {
    fn()
    return null
  } catch (err) {
    return err
  }
}

t.test('the latest setting of a current moderator wins, ties broken by log key (pure rule)', async (t) => {
  const mod = 'a'.repeat(64)
  const other = 'b'.repeat(64)
  const entry = (author: string, core: string, seq: number, ts: number, seconds: number): ModEntry => ({ ts, core, seq, id: `${core.slice(0, 16)}.${seq}`, author, action: 'expire', target: String(seconds) })
  const mods = new Set([mod])
  t.equal(chooseExpiry([entry(mod, 'c1', 1, 100, 60), entry(mod, 'c1', 2, 200, 3600)], mods, new Map())?.seconds, 3600, 'the later one')
  t.equal(chooseExpiry([entry(mod, 'c1', 2, 200, 3600), entry(mod, 'c1', 1, 100, 60)], mods, new Map())?.seconds, 3600, 'in any order')
  t.equal(chooseExpiry([entry(mod, 'c2', 1, 100, 60), entry(mod, 'c1', 1, 100, 3600)], mods, new Map())?.seconds, 60, 'same ts: the higher log key')
  t.equal(chooseExpiry([entry(mod, 'c1', 1, 100, 60), entry(other, 'c9', 1, 900, 10)], mods, new Map())?.seconds, 60, 'a later setting by a non-moderator is ignored')
  t.equal(chooseExpiry([entry(mod, 'c1', 1, 100, 60), entry(mod, 'c1', 5, 900, 10)], mods, new Map([['c1', 3]]))?.seconds, 60, 'nothing past a revocation cutoff counts')
  t.equal(chooseExpiry([entry(other, 'c9', 1, 900, 10)], mods, new Map()), null, 'no moderator setting: none')
})

t.test('a non-moderator cannot set expiry; a moderator can, and a revoked one\'s setting stops counting', async (t) => {
  const peers = await Promise.all(['A', 'B', 'C'].map(async (n) => await peer(t, n)))
  const [a, b, c] = peers
  const { invite } = await a.createRoom('atelier')
  for (const p of [b, c]) await p.joinRoom(invite)
  await link(t, a, b)
  await link(t, b, c)
  const bKey = (await b.identity()).publicKey.toString('hex')

  const refused = await run(b, 'room.expire', { room: 'atelier', expire: '10s' }).catch((e: unknown) => e)
  t.ok(isTamtamError(refused, 'NOT_MODERATOR'), 'the command refuses a non-moderator with NOT_MODERATOR')
  // B writes the record raw, as a modified tamtam would, then a marker after it.
  await (await b.logs(room(b))).own.append([{ type: 'room-setting', expire: 10 }])
  await b.send(room(b), 'marqueur de B')
  t.ok(await settled(peers, async (p) => (await texts(p)).includes('marqueur de B')), 'every peer holds B\'s log past the forged setting')
  t.same(await Promise.all(peers.map(expiryOn)), [null, null, null], 'the forged setting is ignored on A, B and C')

  const set = await run(a, 'room.expire', { room: 'atelier', expire: '24h' })
  t.same([set.changed, set.expire, set.expireText], [true, 86_400, '1d'], 'the creator sets 24h')
  t.ok(await settled(peers, async (p) => await expiryOn(p) === 86_400), 'every peer applies it')
  const shown = await run(c, 'room.expire', { room: 'atelier' })
  t.same([shown.changed, shown.expireText], [false, '1d'], 'without --expire, the command shows the setting')
  const listed = await run(c, 'room.list', {})
  t.equal(listed[0].expireText, '1d', '`room list` shows it')

  await run(a, 'mod', { room: 'atelier', action: 'add', target: 'B' })
  t.ok(await settled(peers, async (p) => (await p.moderation(room(p))).moderators.has(bKey)), 'A names B moderator')
  await run(b, 'room.expire', { room: 'atelier', expire: '30m' })
  t.ok(await settled(peers, async (p) => await expiryOn(p) === 1800), 'B, now a moderator, sets 30m: the latest wins everywhere')
  await run(a, 'mod', { room: 'atelier', action: 'revoke', target: 'B' })
  t.ok(await settled(peers, async (p) => await expiryOn(p) === 86_400), 'once B is revoked, B\'s setting no longer counts: back to 24h')
  await run(a, 'room.expire', { room: 'atelier', expire: 'off' })
  t.ok(await settled(peers, async (p) => await expiryOn(p) === 0), '`off` turns it off everywhere')
})

t.test('the timeline shows nothing older than the horizon', async (t) => {
  let now = Date.parse('2026-03-01T10:00:00Z')
  const clock = (): number => now
  const a = await peer(t, 'A', { clock })
  await a.createRoom('atelier')
  for (const text of ['vieux 1', 'vieux 2']) await a.send(room(a), text)
  now += 60_000
  await a.send(room(a), 'récent')
  t.same(await texts(a), ['vieux 1', 'vieux 2', 'récent'], 'without expiry every message shows')
  await run(a, 'room.expire', { room: 'atelier', expire: '30s' })
  t.same(await texts(a), ['récent'], 'with 30 s, the messages of a minute ago are gone from the timeline')
  const items = await (await a.timeline(room(a))).page({ limit: 100 })
  t.notOk(items.some((i) => i.type === 'join'), 'and so is the join of a minute ago')
  now += 31_000
  t.same(await texts(a), [], '31 s later, the last one is gone too')
  await run(a, 'room.expire', { room: 'atelier', expire: 'off' })
  t.same(await texts(a), ['vieux 1', 'vieux 2', 'récent'], 'turned off before any sweep, they show again (nothing was cleared yet)')
})
