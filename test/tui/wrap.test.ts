/**
 * Long unbreakable tokens in the real terminal app (issue 16, bug 3): an invite code, rows of
 * emoji and a mix of letters and emoji, sent in the app, wrap inside the timeline pane and never
 * overwrite the members pane, before and after a resize. Runs the built app (dist/) in tmux on a
 * namespace host, as tmux.test.ts does.
 *
 * The app's panes are cut in fixed columns (cli/tui/screen.ts): rooms 18 wide on the left,
 * members 24 wide on the right, three rows of prompt, input and status at the bottom.
 */
import t from 'tap'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { tempDir } from '../helpers/peers.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'

const ROOMS_WIDTH = 18
const MEMBERS_WIDTH = 24
const BOTTOM_ROWS = 3
/** A border cell, drawn with the line-drawing set (q, x, l, k, m, j in capture-pane) or as Unicode. */
const BORDER = /^[qxlkmj─│┌┐└┘]$/u

/** tmux and namespace hosts are needed: skipped without them, failed under CI=true (test/helpers/prereq.ts). */
function canRun (t: any): boolean {
  return skipUnlessTmux(t) && skipUnlessLan(t)
}

/** Run a one-shot command on a home; fails the test with stderr when it does not exit 0. */
async function tamtam (t: any, home: string, ...args: string[]): Promise<string> {
  const r = await cli(['--home', home, ...args])
  t.equal(r.code, 0, `tamtam ${args.join(' ')} exits 0`, r.code === 0 ? {} : { stderr: r.stderr })
  return r.stdout
}

/** Assert that the pane comes to match, within `ms`; on failure the screen goes into the report. */
async function sees (t: any, s: Tmux, until: RegExp | ((screen: string) => boolean), message: string, ms = 10_000): Promise<boolean> {
  const ok = (await s.waitFor(until, ms)) !== null
  t.ok(ok, message, ok ? {} : { screen: s.last })
  return ok
}

/** The rows of the three panes (borders included), as lists of characters. */
function paneRows (screen: string, height: number): string[][] {
  return screen.replace(/\n$/, '').split('\n').slice(0, height - BOTTOM_ROWS).map((row) => [...row])
}

/**
 * The rows where the members pane is not what the app drew there: each row must end with the
 * pane's two borders 24 columns apart, and inside it only Awa's entry ("● Awa 1a2b-3c4d", then
 * "you") or blanks. Anything that spilled over from the timeline breaks one of these.
 */
function membersOverwritten (screen: string, height: number): string[] {
  const rows = paneRows(screen, height)
  return rows.filter((cells, i) => {
    const pane = cells.slice(-MEMBERS_WIDTH)
    if (pane.length !== MEMBERS_WIDTH || !BORDER.test(pane[0]) || !BORDER.test(pane[MEMBERS_WIDTH - 1])) return true
    if (i === 0 || i === rows.length - 1) return false
    const inside = pane.slice(1, -1).join('')
    const expected = i === 1 ? /^[●○] Awa [0-9a-f]{4}-[0-9a-f]{4} *$/u : i === 2 ? /^ +you *$/ : /^ *$/
    return !expected.test(inside)
  }).map((cells) => cells.join(''))
}

/** The text inside the timeline pane, rows joined, without spaces: a wrapped token reads whole. */
function timelineText (screen: string, height: number): string {
  return paneRows(screen, height).slice(1, -1).map((cells) => cells.slice(ROOMS_WIDTH + 1, -MEMBERS_WIDTH - 1).join('')).join('').replace(/\s/g, '')
}

t.test('an invite code and rows of emoji sent in the app wrap inside the timeline; the members pane stays intact', async (t) => {
  if (!canRun(t)) return
  const lan = await createLan({ segments: { wifi: ['a'] } })
  t.teardown(() => lan.destroy())
  const home = path.join(tempDir(t), 'awa')
  await tamtam(t, home, 'init', '--name', 'Awa')
  const { invite } = JSON.parse(await tamtam(t, home, 'room', 'create', 'atelier', '--json')) as { invite: string }
  t.ok(invite.length > 54, `the invite code (${invite.length} characters) is longer than the 100-column layout's timeline row`)

  const s = await Tmux.start(t, appCommand({ netns: lan.host('a').ns, args: ['--home', home, 'tui', '--lan-only', '--announce-interval', '200'] }), { width: 100, height: 30 })
  if (!await sees(t, s, /\[atelier\]/, 'the app shows the room')) return

  await s.line('/invite')
  if (!await sees(t, s, /Invite code for atelier/, 'the invite code is shown as a notice')) return
  t.same(membersOverwritten(s.last, 30), [], 'the notice with the invite code leaves the members pane intact')

  // ✅ is an emoji in the BMP and 🀄 one outside U+1F300-1FAFF: both take two columns.
  const tokens = [invite, '✅'.repeat(60), '🀄'.repeat(60), 'ab😀cd😀'.repeat(12)]
  // One message at a time: keys typed while the app takes a line in would be lost. A message
  // gets its author line once it is stored (before that it shows as "sending…").
  const authored = (screen: string): number => screen.match(/Awa \([0-9a-f]{4}-[0-9a-f]{4}\):/g)?.length ?? 0
  for (const [i, token] of [...tokens, 'END-OF-TOKENS'].entries()) {
    await s.line(token)
    if (!await sees(t, s, (screen) => authored(screen) === i + 1, `message ${i + 1} (${[...token].length} characters) is sent and shown`, 15_000)) return
  }
  await new Promise((resolve) => setTimeout(resolve, 300))
  await s.screen()

  t.same(membersOverwritten(s.last, 30), [], 'at 100×30 no row spills into the members pane', { screen: s.last })
  t.notMatch(s.last, /sending…/, 'nothing stale is left on screen: no "sending…" once every message is stored', { screen: s.last })
  const text = timelineText(s.last, 30)
  for (const [i, what] of ['the invite code', 'the row of ✅', 'the row of 🀄', 'the letters mixed with 😀'].entries()) {
    t.ok(text.includes(tokens[i]), `${what}: all of it is inside the timeline pane`, { screen: s.last })
  }

  // A resize redraws every row at a new width, over cells that held other text.
  await s.resize(80, 24)
  // tmux cuts the old screen at once: the app has redrawn when the members pane's bottom corners are 24 columns apart again.
  const redrawn = (screen: string): boolean => /^[m└]$/u.test(paneRows(screen, 24).pop()?.slice(-MEMBERS_WIDTH)[0] ?? '')
  const resized = (screen: string): boolean => screen.replace(/\n$/, '').split('\n').length === 24 && /END-OF-TOKENS/.test(screen) && redrawn(screen)
  if (!await sees(t, s, resized, 'the app redraws at 80×24')) return
  t.same(membersOverwritten(s.last, 24), [], 'at 80×24 no row spills into the members pane either', { screen: s.last })

  await s.keys('C-c')
  t.equal(await s.exitCode(), 0, 'Ctrl-C exits with status 0')
})
