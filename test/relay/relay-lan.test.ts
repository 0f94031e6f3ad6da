/**
 * Carrying a room across people who are never online together (issue: relay hubs):
 * - a relay hub R, with only a relay code (no secret, no identity), keeps A's messages
 *   after A leaves and serves them to C, who arrives later; R's disk holds no plaintext;
 * - a member's laptop L that moves from one network to another carries the room across.
 * Real `tamtam up` processes in network namespaces.
 */
import t from 'tap'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, makeHome, startNode, tamtam, texts, FAST } from '../helpers/lan-nodes.js'
import { cli } from '../helpers/cli.js'
import { eventually, tempDir } from '../helpers/peers.js'

/** True when `needle` appears in any file under `dir`. */
function foundIn (dir: string, needle: Buffer): boolean {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    if (statSync(file).isDirectory() ? foundIn(file, needle) : readFileSync(file).includes(needle)) return true
  }
  return false
}

t.test('a relay hub keeps A\'s messages after A leaves and serves them to C; it holds no plaintext', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'r', 'c'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const a = await makeHome(dir, 'a')
  const c = await makeHome(dir, 'c')
  const r = path.join(dir, 'relay')
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(c, 'room', 'join', invite)
  const code = JSON.parse(await tamtam(a, '--json', 'room', 'relay-code', 'atelier')).code as string
  t.match(code, /^tamrelay1/, 'a member prints a relay code')
  t.notOk(code.includes(invite.slice(7, 20)), 'it is not the invite')
  const added = await cli(['--home', r, '--json', 'relay', 'add', code])
  t.equal(added.code, 0, `the hub adds it with no identity of its own: ${added.stderr.trim()}`)

  const nodeA = await startNode(lan, 'a', a)
  const nodeR = await startNode(lan, 'r', r, ['--relay', '--lan-only', ...FAST])
  const secret = 'rendez-vous au marché à 17h, code 4471-ZULU'
  for (let i = 0; i < 5; i++) await tamtam(a, 'send', 'atelier', `${secret} #${i}`)
  const held = await eventually(async () => {
    const list = JSON.parse(await tamtam(r, '--json', 'relay', 'list'))
    return list[0]?.blocks >= 6
  }, 15_000, 200)
  t.ok(held, 'the hub holds A\'s log (binding + 5 messages)')
  t.equal(await nodeA.stop(), 0, 'A leaves')

  const nodeC = await startNode(lan, 'c', c)
  const got = await eventually(async () => (await texts(c, 'atelier')).filter((x) => x.startsWith(secret)).length === 5, 15_000, 200)
  t.ok(got, 'C, never online with A, gets all 5 of A\'s messages from the hub')
  await tamtam(c, 'send', 'atelier', 'reçu, merci')
  t.equal(await nodeC.stop(), 0, 'C leaves')
  t.equal(await nodeR.stop(), 0, 'the hub stops cleanly')

  const needle = Buffer.from('rendez-vous au marché')
  t.notOk(foundIn(r, needle), 'no plaintext anywhere in the hub\'s home')
  t.notOk(foundIn(r, Buffer.from('reçu, merci')), 'not even of C\'s reply')
  writeFileSync(path.join(r, 'canary'), Buffer.concat([Buffer.from('xx'), needle]))
  t.ok(foundIn(r, needle), 'control: the search finds plaintext when it is there')

  // A comes back later and gets C's reply from the hub, without C.
  const nodeR2 = await startNode(lan, 'r', r, ['--relay', '--lan-only', ...FAST])
  const nodeA2 = await startNode(lan, 'a', a)
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('reçu, merci'), 15_000, 200), 'A later gets C\'s reply through the hub')
  await nodeA2.stop()
  await nodeR2.stop()
  t.comment('relay: A→hub→C and C→hub→A with A and C never online together; 0 plaintext bytes on the hub')
})

t.test('a bad relay code is refused with a clear error', async (t) => {
  const r = path.join(tempDir(t), 'relay')
  const bad = await cli(['--home', r, 'relay', 'add', 'tamrelay1qqqqqqqqqq'])
  t.equal(bad.code, 1, 'exit 1')
  t.match(bad.stderr, /RELAY_CODE_INVALID/, 'RELAY_CODE_INVALID')
  const invite = await cli(['--home', r, 'relay', 'add', 'tamtam1qqqq'])
  t.match(invite.stderr, /RELAY_CODE_INVALID.*tamrelay1/s, 'an invite pasted by mistake is refused, saying what a relay code looks like')
})

t.test('a member\'s laptop that moves from one network to another carries the room across', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, l, c } } = await lanWithRoom(t, { s1: ['a', 'l'], s2: ['l', 'c'] }, ['a', 'l', 'c'])
  await lan.setLink('l', 's2', false)
  const nodeA = await startNode(lan, 'a', a)
  const nodeL = await startNode(lan, 'l', l)
  await tamtam(a, 'send', 'atelier', 'nouvelles du campus')
  t.ok(await eventually(async () => (await texts(l, 'atelier')).includes('nouvelles du campus'), 15_000, 200), 'the laptop gets A\'s message on the campus network')
  t.equal(await nodeA.stop(), 0, 'A stays behind (and goes offline)')

  // The laptop leaves the campus network and joins the community centre's.
  await lan.setLink('l', 's1', false)
  await lan.setLink('l', 's2', true)
  const nodeC = await startNode(lan, 'c', c)
  t.ok(await eventually(async () => (await texts(c, 'atelier')).includes('nouvelles du campus'), 20_000, 200), 'C, on the other network, gets A\'s message from the laptop')
  await nodeC.stop()
  await nodeL.stop()
})
