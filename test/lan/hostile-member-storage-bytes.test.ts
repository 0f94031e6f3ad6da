/**
 * Issue 17, finding 10: the storage quota counted blocks, not bytes. A member whose log held
 * 100 blocks of 4 MiB had them copied into every peer's store (104 to 448 MB), with no
 * flood detected, and a restart let any backlog through. Real `tamtam up` processes on
 * namespace hosts; the hostile member's log is written with the library, bypassing its
 * limits, before its node starts.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { skipUnlessLan } from '../helpers/lan.js'
import { lanWithRoom, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually } from '../helpers/peers.js'
import { Tamtam } from '../../src/tamtam.js'

const BIG = 4 * 1024 * 1024
const COUNT = 100

/** Bytes under a home's store directory. */
function storeBytes (home: string): number {
  return Number(execFileSync('du', ['-sb', path.join(home, 'store')]).toString().split('\t')[0])
}

t.test('a member log of 100 blocks of 4 MiB is refused before download, and stays refused after a restart', async (t) => {
  if (!skipUnlessLan(t)) return
  const { lan, homes } = await lanWithRoom(t, { wifi: ['a', 'b', 'm'] }, ['a', 'b', 'm'])
  // The hostile member: one valid message, then 100 blocks of 4 MiB straight into its own log.
  const tt = new Tamtam({ home: homes.m! })
  await tt.open()
  const own = (await tt.logs(tt.rooms.resolve('atelier'))).own
  await own.append([{ type: 'msg', text: 'bonjour de M' }])
  for (let i = 0; i < COUNT; i += 10) await own.core.append(Array.from({ length: 10 }, () => Buffer.alloc(BIG, 0x61)))
  const offered = own.core.byteLength
  await tt.close()

  const nodes = await Promise.all(['a', 'b', 'm'].map(async (h) => await startNode(lan, h, homes[h]!)))
  t.teardown(async () => { for (const n of nodes) await n.stop() })
  const [na, nb] = nodes
  t.ok(await eventually(async () => (await texts(na!, 'atelier')).includes('bonjour de M'), 30_000, 200), 'A shows the member\'s valid message')
  t.ok(await eventually(async () => (await texts(nb!, 'atelier')).includes('bonjour de M'), 30_000, 200), 'so does B')
  // Give replication the time it needed to copy everything before the fix (~10 s here).
  await new Promise((resolve) => setTimeout(resolve, 15_000))
  const during = { a: storeBytes(homes.a!), b: storeBytes(homes.b!) }

  // A restarts while M still offers its log: the limit holds (it is stored with the log).
  await na!.stop()
  nodes[0] = await startNode(lan, 'a', homes.a!)
  t.ok(await eventually(async () => (await texts(nodes[0]!, 'atelier')).includes('bonjour de M'), 30_000, 200), 'A shows it again after a restart')
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  const after = { a: storeBytes(homes.a!), b: storeBytes(homes.b!), m: storeBytes(homes.m!) }
  const LIMIT = 32 * 1024 * 1024
  t.ok(during.a < LIMIT && during.b < LIMIT, `A and B stored ${during.a} and ${during.b} bytes, not the ${offered} offered`)
  t.ok(after.a < LIMIT, `after a restart A stores ${after.a} bytes`)
  t.equal(nodes[0]!.child.exitCode, null, 'A still runs')
  t.comment(`disk-fill: M offered ${COUNT} blocks of 4 MiB (${offered} bytes, M's store ${after.m}); stored A ${during.a}, B ${during.b}; after A's restart A ${after.a}, B ${after.b}`)
})
