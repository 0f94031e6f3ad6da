/**
 * The real terminal app in tmux (issue 4): first run in French, resize and exit, two apps
 * on a LAN, a 1 MB paste, and escape sequences from a peer.
 *
 * Every app runs inside a network namespace host: with --lan-only it still sends LAN
 * beacons, which must not leave on this machine's real interfaces. One-shot CLI commands
 * run in the root namespace; they reach a running app through its control socket, a file.
 */
import t from 'tap'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { createLan, skipUnlessLan, type Lan } from '../helpers/lan.js'
import { tempDir } from '../helpers/peers.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'

/** Fast LAN discovery, as in the other LAN tests. */
const FAST = ['--announce-interval', '200']
/** A short fingerprint as the timeline shows it after a name: `(a99f-d853)`. */
const FP = '\\([0-9a-f]{4}-[0-9a-f]{4}\\)'

/** Both tmux and namespace hosts are needed; skips (with the reason) otherwise. */
function canRun (t: any): boolean {
  return skipUnlessTmux(t) && skipUnlessLan(t)
}

/** A LAN with the given hosts on one segment, destroyed at teardown. */
async function lanOf (t: any, ...hosts: string[]): Promise<Lan> {
  const lan = await createLan({ segments: { wifi: hosts } })
  t.teardown(() => lan.destroy())
  return lan
}

/** Run a one-shot command on a home; fails the test with stderr when it does not exit 0. */
async function tamtam (t: any, home: string, ...args: string[]): Promise<string> {
  const r = await cli(['--home', home, ...args])
  t.equal(r.code, 0, `tamtam ${args.map((a) => JSON.stringify(a)).join(' ')} exits 0`, r.code === 0 ? {} : { stderr: r.stderr })
  return r.stdout
}

/** A home with an identity and, when `room` is given, that room created; returns its invite. */
async function home (t: any, dir: string, name: string, room?: string): Promise<{ home: string, invite: string }> {
  const h = path.join(dir, name.toLowerCase())
  await tamtam(t, h, 'init', '--name', name)
  if (room === undefined) return { home: h, invite: '' }
  const created = JSON.parse(await tamtam(t, h, 'room', 'create', room, '--json')) as { invite: string }
  return { home: h, invite: created.invite }
}

/** Start the app for `homeDir` on a namespace host, in English unless `lang` says otherwise. */
async function app (t: any, lan: Lan, host: string, homeDir: string, opts: { lang?: string | null, width?: number, height?: number } = {}): Promise<Tmux> {
  const command = appCommand({ netns: lan.host(host).ns, lang: opts.lang, args: ['--home', homeDir, 'tui', '--lan-only', ...FAST] })
  return await Tmux.start(t, command, { width: opts.width, height: opts.height })
}

/** Assert that the pane comes to match, within `ms`; on failure the screen goes into the report. */
async function sees (t: any, s: Tmux, until: RegExp | ((screen: string) => boolean), message: string, ms = 10_000): Promise<boolean> {
  const ok = (await s.waitFor(until, ms)) !== null
  t.ok(ok, message, ok ? {} : { screen: s.last })
  return ok
}

/** The messages of a room read by a fresh process (so the store opened again). */
async function logTexts (t: any, homeDir: string, room: string): Promise<string[]> {
  const out = await tamtam(t, homeDir, 'log', room, '--json')
  return out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string, text: string }).filter((i) => i.type === 'msg').map((i) => i.text)
}

/**
 * What the member list says under a member: the row below `name` in the members pane,
 * from the column of its presence dot. Layout-free: it only needs the `● NAME` row.
 */
function memberTag (screen: string, name: string): string | null {
  const rows = screen.split('\n')
  for (let i = 0; i + 1 < rows.length; i++) {
    const cells = [...rows[i]]
    const text = cells.join('')
    const at = text.search(new RegExp(`[●○] ${name} [0-9a-f]{4}-[0-9a-f]{4}`))
    if (at === -1) continue
    const column = [...text.slice(0, at)].length
    return [...rows[i + 1]].slice(column).join('').replace(/\s+x?\s*$/, '').trim()
  }
  return null
}

t.test('first run in French: name, /create, a message with accents, /quit; the store opens again', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const homeDir = path.join(tempDir(t), 'awa')
  const s = await app(t, lan, 'a', homeDir, { lang: 'fr_FR.UTF-8' })

  if (!await sees(t, s, /Quel est votre nom \?/, 'the first run asks for a name, in French')) return
  t.notMatch(s.last, /What is your name/, 'not in English')
  await s.line('Awa')
  if (!await sees(t, s, /Tapez \/create NOM/, 'then offers to create or join a room, in French')) return
  await s.line('/create atelier')
  if (!await sees(t, s, /\[atelier\]/, 'the new room becomes the current one')) return
  t.match(s.last, /Salon atelier créé/, 'with a notice in French')

  await s.line('Bonjour, ça va ?')
  const sent = new RegExp(`Awa ${FP}: Bonjour, ça va \\?`)
  await sees(t, s, (screen) => sent.test(screen) && !screen.includes('envoi…'), 'the message appears with its accents, and is no longer pending')
  t.match(s.last, /vu par 0 sur 0/, 'the status bar speaks French too')

  await s.line('/quit')
  t.equal(await s.exitCode(), 0, '/quit exits with status 0')
  t.same(await logTexts(t, homeDir, 'atelier'), ['Bonjour, ça va ?'], 'a fresh process opens the store and reads the message')
})

t.test('resize to 80×24 and back, then Ctrl-C: no crash, exit 0, the store opens again', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const { home: homeDir } = await home(t, tempDir(t), 'Awa', 'atelier')
  await tamtam(t, homeDir, 'send', 'atelier', 'before the resize')
  const s = await app(t, lan, 'a', homeDir)
  if (!await sees(t, s, /before the resize/, 'the app shows the room')) return

  // The status bar is the last row: seeing it there at the new height shows the layout followed.
  const statusOnRow = (height: number) => (screen: string): boolean => {
    const rows = screen.replace(/\n$/, '').split('\n')
    return rows.length === height && /LAN peers: \d+/.test(rows[height - 1])
  }
  await s.resize(80, 24)
  await sees(t, s, statusOnRow(24), 'at 80×24 the status bar moves to row 24')
  t.match(s.last, /Rooms/, 'the rooms pane is still drawn')
  t.match(s.last, /Members/, 'the members pane is still drawn')
  t.match(s.last, /\[atelier\]/, 'the prompt is still drawn')
  t.ok(s.last.split('\n').every((row) => [...row].length <= 80), 'nothing is drawn beyond 80 columns')

  await s.resize(100, 30)
  await sees(t, s, statusOnRow(30), 'back at 100×30 the status bar is on row 30')
  await s.line('after the resize')
  await sees(t, s, new RegExp(`Awa ${FP}: after the resize`), 'the app still takes input')
  t.notMatch(s.last, /EXIT=/, 'and has not exited')

  await s.keys('C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
  t.same(await logTexts(t, homeDir, 'atelier'), ['before the resize', 'after the resize'], 'a fresh process opens the store and reads both messages')
})

/** Two apps on one LAN segment, in two homes sharing the room 'atelier', both showing it. */
async function twoApps (t: any): Promise<{ a: Tmux, b: Tmux, homeA: string, homeB: string } | null> {
  const lan = await lanOf(t, 'a', 'b')
  const dir = tempDir(t)
  const { home: homeA, invite } = await home(t, dir, 'Awa', 'atelier')
  const { home: homeB } = await home(t, dir, 'Moussa')
  await tamtam(t, homeB, 'room', 'join', invite)
  const a = await app(t, lan, 'a', homeA)
  const b = await app(t, lan, 'b', homeB)
  const ready = await sees(t, a, /\[atelier\]/, 'A shows the room') && await sees(t, b, /\[atelier\]/, 'B shows the room')
  if (!ready) return null
  const connected = await sees(t, a, /LAN peers: 1/, 'A finds B on the LAN', 15_000) && await sees(t, b, /LAN peers: 1/, 'B finds A on the LAN', 15_000)
  return connected ? { a, b, homeA, homeB } : null
}

t.test('two apps on a LAN: a message typed in A appears on B, A is online on B, A sees "seen by 1 of 1"', async (t) => {
  if (!canRun(t)) return
  const apps = await twoApps(t)
  if (apps === null) return
  const { a, b } = apps

  const typed = Date.now()
  await a.line('Hello from Awa over the LAN')
  const arrived = await sees(t, b, new RegExp(`Awa ${FP}: Hello from Awa over the LAN`), 'the message typed in A appears on B within 5 s', 5_000)
  if (arrived) t.comment(`typed in A to drawn on B: ${Date.now() - typed} ms (polling every 50 ms)`)

  await sees(t, b, (screen) => memberTag(screen, 'Awa') === 'online', 'B lists A as online', 10_000)
  t.equal(memberTag(b.last, 'Moussa'), 'you', 'and itself as "you"')
  await sees(t, a, /seen by 1 of 1/, 'A\'s status bar says its last message was seen by 1 of 1', 15_000)
})

t.test('escape sequences sent by a peer never reach the screen', async (t) => {
  if (!canRun(t)) return
  const apps = await twoApps(t)
  if (apps === null) return
  const { a, b, homeB } = apps
  await a.line('before the hostile message')
  if (!await sees(t, b, /before the hostile message/, 'B got A\'s first message')) return

  // Clear the screen, set the window title, then the visible word. B's app runs the node,
  // so this CLI command goes through B's control socket and out to A over the LAN.
  await tamtam(t, homeB, 'send', 'atelier', '\x1b[2J\x1b]0;pwned\x07hello\x1b[31m red?')
  const line = new RegExp(`Moussa ${FP}: hello red\\?`)
  if (!await sees(t, a, line, 'A shows the text of B\'s message, without the sequences', 15_000)) return
  t.notMatch(a.last, /pwned/, 'the OSC title text is not on A\'s screen')
  t.notMatch(a.last, /\[2J|\]0;|\[31m/, 'no leftover parameters of the sequences')
  t.match(a.last, /before the hostile message/, 'A\'s screen was not cleared: earlier lines are still there')
  t.match(a.last, /Rooms[\s\S]*Members/, 'and the panes are still drawn')
  t.not(await a.title(), 'pwned', 'A\'s terminal title was not changed by the peer')
  await sees(t, b, line, 'B\'s own screen shows it cleaned too')
  t.notMatch(b.last, /pwned/, 'without the title text')
  t.not(await b.title(), 'pwned', 'and B\'s title is untouched')

  await a.keys('C-c')
  t.equal(await a.exitCode(), 0, 'A still exits cleanly with Ctrl-C')
})

t.test('a 1 MB paste is refused with a message and the app stays responsive', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const dir = tempDir(t)
  const { home: homeDir } = await home(t, dir, 'Awa', 'atelier')
  const big = path.join(dir, 'big.txt')
  writeFileSync(big, 'PASTED-TEXT '.repeat(Math.ceil(1024 * 1024 / 12)).slice(0, 1024 * 1024))
  const small = path.join(dir, 'small.txt')
  writeFileSync(small, `${'a normal paste '.repeat(30)}END-OF-SMALL-PASTE`)
  // Wide enough that the refusal notice fits on one timeline row.
  const s = await app(t, lan, 'a', homeDir, { width: 160 })
  if (!await sees(t, s, /\[atelier\]/, 'the app shows the room')) return

  const pasted = Date.now()
  await s.paste(big)
  if (!await sees(t, s, /messages are limited to 8 KiB/, 'the paste is refused with a message', 15_000)) return
  t.comment(`paste to refusal notice: ${Date.now() - pasted} ms`)
  t.match(s.last, /1024 KiB/, 'the notice says how big the paste was')
  t.notMatch(s.last, /PASTED-TEXT/, 'none of the pasted text reached the input line or the timeline')

  const typed = Date.now()
  await s.line('still responsive')
  await sees(t, s, new RegExp(`Awa ${FP}: still responsive`), 'a message typed after the paste is sent and shown within 5 s', 5_000)
  t.comment(`typed to shown after the refused paste: ${Date.now() - typed} ms`)

  // A paste under the limit is still text: it lands in the input line and can be sent.
  await s.paste(small)
  await s.keys('Enter')
  await sees(t, s, /END-OF-SMALL-PASTE/, 'a paste under the limit still goes through', 10_000)

  await s.keys('C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
  const texts = await logTexts(t, homeDir, 'atelier')
  t.equal(texts.length, 2, 'only the typed message and the small paste were stored')
  t.notOk(texts.some((x) => x.includes('PASTED-TEXT')), 'nothing of the 1 MB paste was stored')
})

t.test('lines that reach the app in one read are all run: a busy machine, a fast typist, a pasted pair', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const dir = tempDir(t)
  const { home: homeDir } = await home(t, dir, 'Awa', 'atelier')
  const s = await app(t, lan, 'a', homeDir, { width: 160 })
  if (!await sees(t, s, /\[atelier\]/, 'the app shows the room')) return
  // tmux pastes a buffer in one write, so the app reads "…\r…\r…\r" at once. CI lost a /quit
  // typed right after /members: blessed listens again only on the next tick after Enter.
  const pair = path.join(dir, 'pair.txt')
  writeFileSync(pair, 'ONE-OF-THREE\nTWO-OF-THREE\n/quit\n')
  await s.paste(pair)
  t.equal(await s.exitCode(), 0, 'the /quit on the third line ran: the app exits with status 0')
  t.same((await logTexts(t, homeDir, 'atelier')).sort(), ['ONE-OF-THREE', 'TWO-OF-THREE'], 'and both lines before it were sent')
})

t.test('with no LANG the first run asks for a language; the answer switches the UI', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const homeDir = path.join(tempDir(t), 'zoe')
  const s = await app(t, lan, 'a', homeDir, { lang: null })
  if (!await sees(t, s, /What is your name\?/, 'the name question comes first, in English')) return
  await s.line('Zoé')
  if (!await sees(t, s, /Language\? Type fr/, 'then the language question')) return
  await s.line('fr')
  if (!await sees(t, s, /Pairs locaux/, 'the answer fr switches the status bar to French')) return
  // Known bug: with no LANG/LC_* blessed does not detect UTF-8 and draws every non-ASCII character as '?'.
  const accents = (await s.waitFor(/pour créer un salon/, 3_000)) !== null
  t.ok(accents, 'French is drawn with its accents', accents ? {} : { screen: s.last })
  await s.line('/create atelier')
  await sees(t, s, /\[atelier\]/, 'a room can be created')
  const name = (await s.waitFor(/[●○] Zoé /, 3_000)) !== null
  t.ok(name, 'the accented name is drawn in the member list', name ? {} : { screen: s.last })
  await s.keys('C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
})

t.test('Tab goes round the panes and back to the input, which still holds what was typed', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const { home: homeDir } = await home(t, tempDir(t), 'Awa', 'atelier')
  const s = await app(t, lan, 'a', homeDir)
  if (!await sees(t, s, /\[atelier\]/, 'the app shows the room')) return
  // One key at a time, as a person types: on a loaded machine a burst of keys sent in one
  // tmux call could reach blessed before it had moved the focus.
  for (const key of ['abc', 'Tab', 'Tab', 'Tab', 'def', 'Enter']) {
    await s.keys(key)
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  await sees(t, s, new RegExp(`Awa ${FP}: abc\\s*def`), 'after three Tabs the keyboard is back in the input and Enter sends')
  await s.keys('C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
  const texts = await logTexts(t, homeDir, 'atelier')
  // Known bug: the Tab that brings the focus back is also typed into the textbox as a TAB character.
  t.same(texts, ['abcdef'], 'no TAB character was typed into the message')
})

t.test('/invite --qr draws the QR inside the UI; Escape closes it', async (t) => {
  if (!canRun(t)) return
  const lan = await lanOf(t, 'a')
  const { home: homeDir } = await home(t, tempDir(t), 'Awa', 'atelier')
  const s = await app(t, lan, 'a', homeDir)
  if (!await sees(t, s, /\[atelier\]/, 'the app shows the room')) return
  await s.line('/invite --qr')
  await sees(t, s, /[▀▄█]{7}[\s\S]*\(Esc\)/, 'a QR code made of block characters is drawn, with "(Esc)" under it')
  await s.keys('Escape')
  await sees(t, s, (screen) => !/[▀▄█]{7}/.test(screen), 'Escape closes it')
  await s.line('after the QR')
  await sees(t, s, new RegExp(`Awa ${FP}: after the QR`), 'and the input still works')

  await s.resize(80, 24)
  await s.line('/invite --qr')
  // Known bug: at 80×24 the box is placed too low and its last rows fall off the screen.
  const whole = (await s.waitFor(/[▀▄█]{7}[\s\S]*\(Esc\)/, 3_000)) !== null
  t.ok(whole, 'at 80×24 the whole QR box is on screen', whole ? {} : { screen: s.last })
  await s.keys('Escape', 'C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
})
