/**
 * A Tamtam behind a real connection manager listening on 127.0.0.1, wired the way
 * `Network` wires them (replication and the room protocol on every connection), without
 * LAN beacons or Hyperswarm so that tests stay on loopback.
 */
import NoiseSecretStream from '@hyperswarm/secret-stream'
import { ConnectionManager } from '../../src/transport/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { peer, replicator } from '../helpers/peers.js'
import { FAST } from '../transport/helpers.js'

/** A node of a loopback test. */
export interface LoopbackMember { tt: Tamtam, manager: ConnectionManager }

/** A Tamtam with an identity and a listening manager, both closed at teardown. */
export async function loopbackMember (t: any, name: string): Promise<LoopbackMember> {
  const tt = await peer(t, name)
  const r = await replicator(tt)
  const manager = new ConnectionManager({ keyPair: NoiseSecretStream.keyPair(), ...FAST })
  manager.on('warning', () => {})
  // Synchronously in the connection event, as Network does (see attachPeer).
  manager.on('connection', (stream: NoiseSecretStream) => { r.attach(stream) })
  t.teardown(() => manager.close())
  await manager.listen()
  return { tt, manager }
}
