/** hasDefaultRoute: the routing table read from a file (a temp copy here, /proc/net/route by default). */
import t from 'tap'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { hasDefaultRoute } from '../../src/doctor/index.js'
import { tempDir } from '../helpers/peers.js'

const HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n'

t.test('a default route through a gateway, none, or no table at all', async (t) => {
  const dir = tempDir(t)
  const cases: Array<[string, string | null, boolean | null]> = [
    // [what the table holds, its text (null: no file), the answer]
    ['a default route via 10.0.0.1', HEADER + 'wlan0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0\n', true],
    ['only the local subnet', HEADER + 'wlan0\t0000000A\t00000000\t0001\t0\t0\t600\t00FFFFFF\t0\t0\t0\n', false],
    ['an empty table', HEADER, false],
    ['no table (not Linux): unknown', null, null]
  ]
  for (const [what, text, answer] of cases) {
    const file = path.join(dir, what.replace(/\W+/g, '-'))
    if (text !== null) writeFileSync(file, text)
    t.equal(hasDefaultRoute(file), answer, what)
  }
})

t.test('this machine\'s own table reads as a yes or no on Linux', async (t) => {
  const answer = hasDefaultRoute()
  if (process.platform === 'linux') t.type(answer, 'boolean')
  else t.equal(answer, null)
})
