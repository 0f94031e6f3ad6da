/**
 * A drill on five real nodes (`tamtam up` in network namespaces) in a line, so each probe
 * has to be stored and forwarded hop by hop: f – p1 – p2 – p3 – p4. The facilitator runs
 * `drill start` through its node; the report must list all four participants as reached,
 * with non-negative latencies and hop counts 1, 2, 3, 4, in every format.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'

t.test('five nodes in a line: all reached, hop counts 1 to 4, report in every format', async (t) => {
  if (!skipUnlessLan(t)) return
  const names = ['f', 'p1', 'p2', 'p3', 'p4']
  const segments = Object.fromEntries(names.slice(1).map((n, i) => [`s${i}`, [names[i], n]]))
  const { lan, homes } = await lanWithRoom(t, segments, names)
  const nodes = await Promise.all(names.map(async (n) => await startNode(lan, n, homes[n])))
  // Wait for the line to be up: every node knows every member log.
  const ready = await eventually(async () => {
    const counts = await Promise.all(names.map(async (n) => JSON.parse(await tamtam(homes[n], '--json', 'room', 'list'))[0]?.members ?? 0))
    return counts.every((c: number) => c >= 5)
  }, 20_000, 200)
  t.ok(ready, 'every node knows all five member logs')

  const started = Date.now()
  const lines = (await tamtam(homes.f, '--json', 'drill', 'start', 'atelier', '--name', 'Ligne', '--probes', '2', '--interval', '1s', '--duration', '20s')).trim().split('\n').map((l) => JSON.parse(l))
  const wallMs = Date.now() - started
  const out = lines[lines.length - 1]
  t.ok(lines.slice(0, -1).some((e) => e.event === 'drill' && e.total === 4), `progress lines while it ran (${lines.length - 1})`)
  t.equal(out.reach.total, 4, 'the facilitator sees four participants')
  t.equal(out.reach.at120s, 4, `all four reached (drill start returned after ${wallMs} ms)`)
  t.same(out.unreached, [], 'nobody unreached')

  const report = JSON.parse(await tamtam(homes.f, '--json', 'drill', 'report', 'atelier', '--format', 'json'))
  const parsed = JSON.parse(report.text)
  const hops = Object.fromEntries(parsed.participants.map((p: any) => [p.name, p.receipts.map((r: any) => r.hops)]))
  t.same(hops, { p1: [1, 1], p2: [2, 2], p3: [3, 3], p4: [4, 4] }, 'hop counts follow the line for both probes')
  t.same(parsed.participants.find((p: any) => p.name === 'p4').receipts[0].path, names, 'p4\'s path is f → p1 → p2 → p3 → p4')
  t.ok(parsed.participants.every((p: any) => p.receipts.every((r: any) => r.latencyMs >= 0)), 'latencies are non-negative')
  t.ok(parsed.participants.every((p: any) => p.clock === 'round-trip'), 'every participant\'s clock was checked by a round trip')

  const dir = tempDir(t)
  for (const format of ['md', 'csv', 'html', 'json', 'svg']) {
    const file = path.join(dir, `rapport.${format}`)
    await tamtam(homes.f, 'drill', 'report', 'atelier', '-o', file)
    const text = readFileSync(file, 'utf8')
    t.ok(text.length > 200 && (format === 'svg' || format === 'csv' || text.includes('p4')), `${format} report written (${text.length} bytes)`)
  }
  // Any participant rebuilds it from the logs alone.
  t.ok(await eventually(async () => {
    const fromP4 = JSON.parse(JSON.parse(await tamtam(homes.p4, '--json', 'drill', 'report', 'atelier', '--format', 'json')).text)
    return JSON.stringify(fromP4.participants) === JSON.stringify(parsed.participants)
  }, 10_000, 200), 'p4 rebuilds the same report from its copy of the logs')
  t.comment(`drill-lan: 5 nodes in a line, reach ${out.reach.at5s}/4 in 5 s, latency p50 ${parsed.latency.p50} ms p90 ${parsed.latency.p90} ms max ${parsed.latency.max} ms; hops 1-4`)
  for (const node of nodes) t.equal(await node.stop(), 0, `${node.host} stops cleanly`)
})
