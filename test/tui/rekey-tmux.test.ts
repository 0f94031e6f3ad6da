/**
 * /rekey in the real terminal app (tmux), two homes on one LAN segment. Awa (moderator) runs
 * the app with its own node; Moussa runs `tamtam up` and an app attached to it, so the
 * rotation is followed by a node and drawn through the control socket. Moussa's home holds
 * another room first ('autre'), so an app that lost the room when its id changed would fall
 * back to that one: the "keys changed" line showing at all says the app followed the room.
 * Runs the built app (dist/), as tmux.test.ts does.
 */
import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { appCommand, skipUnlessTmux, Tmux } from '../helpers/tmux.js'
import { awaAndMoussa, sees, tamtamOk as tamtam } from '../helpers/tmux-asserts.js'

const FAST = ['--announce-interval', '200']
/** How many times PageUp may be pressed looking for the first message (bounded). */
const MAX_PAGE_UPS = 8

t.test('/rekey: the moderator rotates, the attached app of a member shows "keys changed" and scrolls back to the old messages', async (t) => {
  if (!skipUnlessTmux(t) || !skipUnlessLan(t)) return
  const { lan, homeA, homeB } = await awaAndMoussa(t, async (homeB) => { await tamtam(t, homeB, 'room', 'create', 'autre') })
  // The first message, then one of 40 lines: the first is off screen unless scrolled back to.
  await tamtam(t, homeA, 'send', 'atelier', 'first words before the rotation')
  await tamtam(t, homeA, 'send', 'atelier', Array.from({ length: 40 }, (_, i) => `filler line ${i}`).join('\n'))

  const nodeB = await Tmux.start(t, appCommand({ netns: lan.host('b').ns, args: ['--home', homeB, 'up', '--lan-only', ...FAST] }))
  if (!await sees(t, nodeB, /tamtam is up/, 'Moussa\'s node is up', 15_000)) return
  // Wide enough that the result lines fit on one timeline row each.
  const a = await Tmux.start(t, appCommand({ netns: lan.host('a').ns, args: ['--home', homeA, 'tui', '--lan-only', ...FAST] }), { width: 180 })
  const b = await Tmux.start(t, appCommand({ args: ['--home', homeB] }), { width: 180 })
  if (!await sees(t, b, /attached to the node/, 'Moussa\'s app attaches to its node')) return
  if (!await sees(t, a, /LAN peers: 1/, 'Awa\'s app finds Moussa\'s node', 15_000)) return
  // Moussa's app opens on 'autre' (its first room): go to atelier.
  await b.keys('C-n')
  if (!await sees(t, b, /\[atelier\][\s\S]*/, 'Moussa\'s app shows atelier')) return
  if (!await sees(t, b, /filler line 39/, 'Moussa has Awa\'s messages', 15_000)) return
  await b.line('hello from Moussa')
  // Awa's node must hold Moussa's log (its binding) for the new key to be sealed to Moussa.
  if (!await sees(t, a, /Moussa \([0-9a-f]{4}-[0-9a-f]{4}\): hello from Moussa/, 'Awa has Moussa\'s message', 15_000)) return

  // A non-moderator: the error, with its code, through the node Moussa's app is attached to.
  await b.line('/rekey')
  await sees(t, b, /Error NOT_MODERATOR: only a moderator of atelier/, 'Moussa is told only a moderator can change the keys')

  await a.line('/help')
  await sees(t, a, /\/rekey: give this room new keys/, '/help lists /rekey')
  await a.line('/rekey')
  if (!await sees(t, a, /atelier: new keys \(epoch 1\), sealed to 2 members in 1 records/, 'Awa sees the CLI\'s result line', 15_000)) return
  t.match(a.last, /relay hubs and phones hold the old keys/, 'and what to hand out again')
  await sees(t, a, /Awa \([0-9a-f]{4}-[0-9a-f]{4}\): keys changed/, 'Awa\'s timeline shows the "keys changed" line')
  t.match(a.last, /\[atelier\]/, 'Awa\'s app still shows atelier')
  // switchEpoch once closed the old epoch's sessions under the app's refresh that was
  // reading them ("Error internal: SESSION_CLOSED"); they now stay open as the past epoch's.
  t.notMatch(a.last, /Error internal/, 'no internal error on Awa\'s screen')
  await a.line('after the rotation')

  // Moussa's node switches by itself; its app, attached, follows the room to its new id.
  await sees(t, b, /Awa \([0-9a-f]{4}-[0-9a-f]{4}\): keys changed/, 'Moussa\'s app shows the "keys changed" line', 20_000)
  await sees(t, b, /Awa \([0-9a-f]{4}-[0-9a-f]{4}\): after the rotation/, 'and Awa\'s message written in the new epoch', 20_000)
  t.match(b.last, /\[atelier\]/, 'Moussa\'s app still shows atelier, not the other room')
  t.notMatch(b.last, /Error internal/, 'no internal error on Moussa\'s screen')
  const rooms = JSON.parse(await tamtam(t, homeB, 'room', 'list', '--json')) as Array<{ room: string, epoch?: number }>
  t.equal(rooms.find((r) => r.room === 'atelier')?.epoch, 1, 'Moussa\'s node is at epoch 1')

  // Scroll back: the first message, from before the rotation, is still readable.
  t.notMatch(b.last, /first words before the rotation/, 'the first message is off screen before scrolling')
  let found = false
  for (let i = 0; i < MAX_PAGE_UPS && !found; i++) {
    await b.keys('PageUp')
    found = (await b.waitFor(/first words before the rotation/, 1_000)) !== null
  }
  t.ok(found, 'PageUp reaches Awa\'s message from before the rotation', found ? {} : { screen: b.last })

  await a.keys('C-c')
  await b.keys('C-c')
  t.equal(await a.exitCode(), 0, 'Awa\'s app exits with status 0')
  t.equal(await b.exitCode(), 0, 'Moussa\'s app exits with status 0')
  await nodeB.keys('C-c')
  t.equal(await nodeB.exitCode(15_000), 0, 'Moussa\'s node stops with status 0')
})
