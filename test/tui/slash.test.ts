/**
 * The slash table against a fake host: which command each typed line runs with which
 * arguments, what is shown instead when the line is incomplete, and what each result
 * does to the app. No node: the host records what the table asks of it.
 */
import t from 'tap'
import path from 'node:path'
import { COMMANDS } from '../../src/commands/index.js'
import type { Args, Output } from '../../src/commands/types.js'
import { translator } from '../../src/i18n/index.js'
import type { LatestDrill } from '../../cli/tui/drill-watch.js'
import type { HostRoom, SlashHost } from '../../cli/tui/slash-host.js'
import { runSlash, SLASH_ENTRIES } from '../../cli/tui/slash.js'

const ATELIER: HostRoom = { id: 'r1', name: 'atelier' }
const LATEST: LatestDrill = { drill: 'd1', core: 'c1', startedAt: 0, windowMs: 1000 }

interface Fake { host: SlashHost, runs: Array<{ command: string, args: Args }>, notices: string[], events: string[] }

/** A host in room atelier (or none) whose commands answer `results[command]`. */
function fake (opts: { room?: HostRoom | null, results?: Record<string, unknown>, latest?: LatestDrill | null, progress?: Array<Record<string, unknown>> } = {}): Fake {
  const f: Fake = { host: undefined as unknown as SlashHost, runs: [], notices: [], events: [] }
  let bell = false
  f.host = {
    lang: 'en',
    t: translator('en'),
    room: () => opts.room === undefined ? ATELIER : opts.room,
    run: async (command: string, args: Args, out?: Partial<Output>) => {
      f.runs.push({ command, args })
      for (const e of opts.progress ?? []) out?.progress?.(e)
      return opts.results?.[command] ?? {}
    },
    notice: (text) => { f.notices.push(text) },
    progress: (text) => { f.events.push(`progress ${text}`) },
    select: (id) => { f.events.push(`select ${id}`) },
    refresh: async () => { f.events.push('refresh') },
    setLang: async (lang) => { f.events.push(`lang ${lang}`) },
    showQr: (text) => { f.events.push(`qr ${text}`) },
    quit: () => { f.events.push('quit') },
    mentionBell: async (on) => {
      if (on !== undefined) f.events.push(`bell ${String(on)}`)
      bell = on ?? bell
      return bell
    },
    latestDrill: async () => opts.latest === undefined ? LATEST : opts.latest,
    drillStarted: () => { f.events.push('drillStarted') },
    dmSent: (identity) => { f.events.push(`dmSent ${identity}`) }
  }
  return f
}

t.test('each line runs one command of the shared table, with these arguments', async (t) => {
  const cases: Array<[string, string, Args]> = [
    // [typed, command, arguments]
    ['/create atelier du lundi', 'room.create', { name: 'atelier du lundi' }],
    ['/join CODE --name bureau', 'room.join', { invite: 'CODE', name: 'bureau' }],
    ['/join CODE', 'room.join', { invite: 'CODE', name: undefined }],
    ['/invite --qr', 'room.invite', { room: 'r1', qr: true }],
    ['/invite', 'room.invite', { room: 'r1', qr: false }],
    ['/nick Awa Diop', 'nick', { name: 'Awa Diop' }],
    ['/mute Moussa#ab12', 'mute', { room: 'r1', member: 'Moussa#ab12' }],
    ['/unmute moussa', 'unmute', { room: 'r1', member: 'moussa' }],
    ['/peers', 'peers', {}],
    ['/share notes.txt', 'share', { room: 'r1', path: path.resolve('notes.txt') }],
    ['/get 3f2a', 'get', { room: 'r1', id: '3f2a', dir: process.cwd() }],
    ['/docs', 'docs', { room: 'r1' }],
    ['/drill "Coupure J1" --probes 2', 'drill.start', { room: 'r1', name: 'Coupure J1', probes: '2', interval: undefined, duration: undefined, detach: true }],
    ['/drill report md out.md', 'drill.report', { room: 'r1', drill: 'd1@c1', format: 'md', output: path.resolve('out.md') }],
    ['/drill report', 'drill.report', { room: 'r1', drill: 'd1@c1', format: 'html', output: path.resolve('rapport-d1.html') }],
    ['/drill off', 'room.set', { room: 'r1', drillAck: 'off' }],
    ['/DRILL On', 'room.set', { room: 'r1', drillAck: 'on' }],
    // The raw name goes to `dm`, whose resolver answers (one resolver, one wording).
    ['/msg moussa on se voit à 14 h', 'dm', { room: 'r1', member: 'moussa', text: 'on se voit à 14 h' }],
    ['/verify', 'verify.list', { room: 'r1' }],
    ['/verify Moussa', 'verify', { room: 'r1', member: 'Moussa', yes: false }],
    ['/verify Moussa --yes', 'verify', { room: 'r1', member: 'Moussa', yes: true }],
    ['/verify Moussa --undo', 'verify.undo', { room: 'r1', member: 'Moussa' }],
    ['/whoami', 'whoami', {}]
  ]
  for (const [line, command, args] of cases) {
    const f = fake({ results: { peers: [], docs: [], whoami: { name: 'Awa', fingerprint: 'f', words: ['a'] }, 'verify.list': { verified: [] }, verify: { words: [] }, dm: { to: { identity: 'i', name: 'Moussa' } }, 'drill.start': { plan: {} } } })
    await runSlash(f.host, line)
    t.strictSame(f.runs, [{ command, args }], line)
  }
})

t.test('every command the table names is in the shared table', async (t) => {
  const names = SLASH_ENTRIES.flatMap((e) => 'command' in e ? (typeof e.command === 'string' ? [e.command] : ['verify', 'verify.list', 'verify.undo']) : [])
  for (const name of names) t.ok(COMMANDS.has(name), name)
  t.same(SLASH_ENTRIES.filter((e) => 'local' in e).map((e) => e.name), ['/help', '/quit', '/lang', '/bell'], 'only UI settings and leaving are local')
})

t.test('an incomplete line is answered with how to type it, and runs nothing', async (t) => {
  const cases: Array<[string, RegExp, LatestDrill | null]> = [
    // [typed, the notice, the room's latest drill]
    ['/msg', /Type \/msg NAME TEXT/, LATEST],
    ['/msg moussa', /Type \/msg NAME TEXT/, LATEST],
    ['/bell loud', /\/bell on or \/bell off/, LATEST],
    ['/drill report', /No drill yet in this room/, null],
    ['/frobnicate', /\/frobnicate/, LATEST]
  ]
  for (const [line, notice, latest] of cases) {
    const f = fake({ latest })
    await runSlash(f.host, line)
    t.match(f.notices.join('\n'), notice, line)
    t.same(f.runs, [], `${line}: no command`)
  }
})

t.test('without a room, commands about the room say how to get one', async (t) => {
  for (const line of ['/invite', '/docs', '/get x', '/msg moussa salut', '/verify', '/bell on', '/drill off']) {
    const f = fake({ room: null })
    await t.rejects(runSlash(f.host, line), { code: 'USAGE', message: /Create or join a room first/ }, line)
    t.same(f.runs, [], `${line}: no command`)
  }
  const f = fake({ room: null })
  await runSlash(f.host, '/create atelier')
  t.equal(f.runs[0]?.command, 'room.create', '/create needs no room')
})

t.test('results are shown through the host', async (t) => {
  const cases: Array<[string, Record<string, unknown>, RegExp, string[]]> = [
    // [typed, command results, notices, host events]
    ['/create bureau', { 'room.create': { id: 'r2', room: 'bureau', invite: 'CODE42' } }, /bureau[\s\S]*CODE42/, ['select r2', 'refresh']],
    ['/join CODE', { 'room.join': { id: 'r3', room: 'cuisine' } }, /cuisine/, ['select r3', 'refresh']],
    ['/invite --qr', { 'room.invite': { room: 'atelier', invite: 'CODE', qr: '▄▀' } }, /CODE/, ['qr ▄▀']],
    ['/msg moussa salut', { dm: { to: { identity: 'beef', name: 'Moussa' } } }, /Private message sent to Moussa/, ['dmSent beef', 'refresh']],
    ['/verify Moussa --undo', { 'verify.undo': { member: 'Moussa', room: 'atelier', unmarked: true } }, /no longer verified/, ['refresh']],
    ['/verify', { 'verify.list': { room: 'atelier', verified: [] } }, /./, []],
    ['/whoami', { whoami: { name: 'Awa', fingerprint: '3f2a-91bc', words: ['un', 'deux'] } }, /Awa.*3f2a-91bc.*un deux/, []],
    ['/drill off', { 'room.set': { room: 'atelier' } }, /no longer acknowledges drill probes in atelier/, []],
    ['/drill x', { 'drill.start': { name: 'x', drill: 'd9', plan: { probes: 1, intervalMs: 1000, durationMs: 60_000 } } }, /Drill “x” started \(d9\)/, ['drillStarted', 'refresh']],
    ['/peers', { peers: [] }, /./, []],
    ['/help', {}, /Commands: [\s\S]*Drills: [\s\S]*People: /, []],
    ['/quit', {}, /^$/, ['quit']],
    ['/lang fr', {}, /Language/, ['lang fr']],
    ['/bell on', {}, /The bell rings when someone mentions you in atelier/, ['bell true']],
    ['/bell', {}, /No bell for mentions in atelier/, []]
  ]
  for (const [line, results, notices, events] of cases) {
    const f = fake({ results })
    await runSlash(f.host, line)
    t.match(f.notices.join('\n'), notices, `${line}: notices`)
    t.same(f.events, events, `${line}: what it asked of the app`)
  }
})

t.test('/get shows its progress at most twice a second, in place of the notices', async (t) => {
  const f = fake({ results: { get: { path: '/tmp/x' } }, progress: [{ bytes: 1, total: 9 }, { bytes: 5, total: 9 }] })
  await runSlash(f.host, '/get x')
  t.same(f.events, ['progress 1 / 9 B'], 'the second event, within half a second, is dropped')
  t.same(f.notices, ['/tmp/x'], 'then where the file went')
})

t.test('/panic asks for confirmation once, then runs panic and quits', async (t) => {
  const f = fake({ results: { panic: { ms: 12 } } })
  await runSlash(f.host, '/panic')
  t.same(f.runs, [], 'the first /panic only asks')
  t.match(f.notices.at(-1), /again within 10 s/)
  await runSlash(f.host, '/panic')
  t.same(f.runs, [{ command: 'panic', args: { all: false } }], 'the second one runs it')
  t.same(f.events, ['quit'], 'and the app quits')
  const g = fake()
  await runSlash(g.host, '/panic --all')
  await runSlash(g.host, '/panic --all')
  t.same(g.runs, [{ command: 'panic', args: { all: true } }])
})

t.test('/expire sets or shows the room\'s expiry through room.expire', async (t) => {
  const f = fake({ results: { 'room.expire': { room: 'atelier', changed: true, expire: 86400, expireText: '1d' } } })
  await runSlash(f.host, '/expire 24h')
  t.same(f.runs, [{ command: 'room.expire', args: { room: 'r1', expire: '24h' } }])
  t.match(f.notices.at(-1), /1d/)
  const g = fake({ results: { 'room.expire': { room: 'atelier', changed: false, expire: 0, expireText: 'off' } } })
  await runSlash(g.host, '/expire')
  t.same(g.runs, [{ command: 'room.expire', args: { room: 'r1' } }], 'no value: only shows it')
})
