import t from 'tap'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'

t.test('line topology A - B - C: messages cross B both ways', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, c } } = await lanWithRoom(t, { s1: ['a', 'b'], s2: ['b', 'c'] }, ['a', 'b', 'c'])
  const nodes = await Promise.all([startNode(lan, 'a', a), startNode(lan, 'b', b), startNode(lan, 'c', c)])

  await tamtam(a, 'send', 'atelier', 'de A pour C')
  t.ok(await eventually(async () => (await texts(c, 'atelier')).includes('de A pour C'), 8000, 50), 'A\'s message reaches C through B')
  await tamtam(c, 'send', 'atelier', 'de C pour A')
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('de C pour A'), 8000, 50), 'C\'s message reaches A through B')
  const peersA = JSON.parse((await nodes[0].run('peers', '--json')).stdout)
  t.equal(peersA.length, 1, 'A is connected to B only (C is on another segment)')
  for (const node of nodes) await node.stop()
})

t.test('a late joiner gets the full history; a restarted node resumes without duplicates', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes: { a, b, c }, invite } = await lanWithRoom(t, { wifi: ['a', 'b', 'c'] }, ['a', 'b'])
  const na = await startNode(lan, 'a', a)
  let nb = await startNode(lan, 'b', b)
  for (let i = 0; i < 20; i++) await tamtam(i % 2 === 0 ? a : b, 'send', 'atelier', `histoire ${i}`)
  const all = Array.from({ length: 20 }, (_, i) => `histoire ${i}`)
  t.ok(await eventually(async () => (await texts(b, 'atelier')).length === 20, 8000, 50), 'B has all 20')

  // A leaves before C arrives: C must get A's messages from B (store and forward).
  t.equal(await na.stop(), 0, 'A leaves')
  await tamtam(c, 'room', 'join', invite)
  const nc = await startNode(lan, 'c', c)
  t.ok(await eventually(async () => (await texts(c, 'atelier')).length === 20, 8000, 50), 'late joiner C got all 20 messages, with A offline')
  t.same(await texts(c, 'atelier'), all, 'in order')

  t.equal(await nb.stop(), 0, 'B stops')
  nb = await startNode(lan, 'b', b)
  await tamtam(c, 'send', 'atelier', 'après le redémarrage')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('après le redémarrage'), 8000, 50), 'restarted B syncs again')
  const afterRestart = await texts(b, 'atelier')
  t.equal(afterRestart.length, 21, 'no duplicates after the restart')
  t.equal(new Set(afterRestart).size, 21, 'every message once')
  await nb.stop()
  await nc.stop()
})
