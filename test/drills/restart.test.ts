/**
 * A participant's node that restarts during a drill acknowledges the probes it missed, even
 * when they arrive the moment it connects. In CI, a volunteer of the guide test never
 * caught up: its node started the network, and on a loaded machine downloaded the missed
 * probes while it was still loading the documents code, before the drill responder watched.
 * Here the source holds `start` until the missed probe is stored, so the race always goes
 * the bad way unless the responder watches before the first connection.
 */
import path from 'node:path'
import t from 'tap'
import { InProcessSource, connectInProcess } from '../../src/network/source.js'
import { TamtamNode } from '../../src/node/node.js'
import type { Tamtam } from '../../src/tamtam.js'
import { contextOf, eventually, networkOf, peer, sourceOf, tempDir } from '../helpers/peers.js'

/** Connects to `remote` as it starts, and returns from start only once `ready` says so. */
class ConnectFirstSource extends InProcessSource {
  constructor (private readonly remote: InProcessSource, private readonly ready: () => Promise<boolean>) { super() }

  override async start (): Promise<void> {
    connectInProcess(this.remote, this)
    if (!await eventually(this.ready, 15_000)) throw new Error('the missed probe never arrived')
  }
}

/** Probe numbers Fatou acknowledged, as the facilitator's report rebuilds them from the logs. */
async function receiptsOf (f: Tamtam, name: string): Promise<number[]> {
  const report = await contextOf(f).drills().report(f.rooms.resolve('atelier'))
  return (report.participants.find((p) => p.name === name)?.receipts ?? []).map((r) => r.probe).sort()
}

t.test('a node restarted mid-drill acknowledges the probes it downloads as it connects', async (t) => {
  const f = await peer(t, 'Awa')
  const { invite } = await f.createRoom('atelier')
  const home = path.join(tempDir(t), 'Fatou')
  await networkOf(f)
  const first = new TamtamNode({ home, source: new InProcessSource(), control: false, documents: false })
  await first.tt.init('Fatou')
  await first.tt.joinRoom(invite)
  await first.open()
  connectInProcess(sourceOf(f), (first as unknown as { opts: { source: InProcessSource } }).opts.source)
  const room = f.rooms.resolve('atelier')
  const fLogs = await f.logs(room)
  t.ok(await eventually(async () => (await f.logs(room)).list().length === 2), 'Awa knows Fatou\'s log')
  await first.close()

  // Fatou is away: probe 0 goes out; probe 1 follows 3 s later.
  const drills = contextOf(f).drills()
  await drills.start(room, { name: 'Coupure J1', probes: 2, intervalMs: 3000, durationMs: 60_000 })
  const missed = fLogs.own.core.length - 1

  // She comes back: her node is connected, and holds probe 0, before its start returns.
  let again: TamtamNode | null = null
  const source = new ConnectFirstSource(sourceOf(f), async () => {
    if (again === null) return false
    const copy = (await again.tt.logs(again.tt.rooms.resolve('atelier'))).list().find((l) => l.key === fLogs.own.key)
    return copy !== undefined && copy.core.contiguousLength > missed
  })
  again = new TamtamNode({ home, source, control: false, documents: false })
  t.teardown(() => again?.close())
  await again.open()

  // The positive marker: probe 1, sent while she is back, is acknowledged live.
  t.ok(await eventually(async () => (await receiptsOf(f, 'Fatou')).includes(1), 15_000), 'probe 1, sent after her return, is acknowledged')
  t.same(await receiptsOf(f, 'Fatou'), [0, 1], 'and so is probe 0, which arrived as her node connected')
})
