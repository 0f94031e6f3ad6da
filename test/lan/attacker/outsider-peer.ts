/**
 * A hostile peer, run as its own process inside a namespace: real TCP, real Noise, real
 * protomux, and no tamtam rules. It connects to HOST:PORT and reports, as one JSON line on
 * stdout when it ends, everything the node offered it.
 *
 *   --capability HEX   prove a room with this capability (what a relay code carries)
 *   --probe HEX,...    open Hypercore channels for these discovery keys ("do you hold K?")
 *   --flood-opens N    open N channels of a made-up protocol as fast as it can
 *   --seconds S        how long to listen (default 4)
 */
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import NoiseSecretStream from '@hyperswarm/secret-stream'
import Protomux from 'protomux'
import c from 'compact-encoding'
import { helloEncoding, membersEncoding, roomProof, selfEncoding, wantEncoding, ROOM_PROTOCOL, ROOM_PROTOCOL_VERSION } from '../../../src/replication/messages.js'

const args = new Map<string, string>()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1])
const [host, port] = String(args.get('to')).split(':')
const seconds = Number(args.get('seconds') ?? 4)

const report = {
  connected: false,
  /** Discovery keys of the Hypercore channels the node opened towards us. */
  coreChannels: [] as string[],
  /** Probe answers: discovery key → 'opened' (the node paired it) or 'rejected'. */
  probes: {} as Record<string, string>,
  hellos: 0,
  members: 0,
  memberKeys: [] as string[],
  selves: 0,
  floodSent: 0,
  closedBy: '' as string,
  ms: 0
}
const started = Date.now()
const socket = net.connect(Number(port), host)
const stream = new NoiseSecretStream(true, socket)
stream.on('error', () => {})
const mux = Protomux.from(stream)
stream.userData = mux
// Every Hypercore channel the node opens towards us: its id is the core's discovery key.
mux.pair({ protocol: 'hypercore/alpha' }, (id: Buffer) => { report.coreChannels.push(id.toString('hex')) })

const room = mux.createChannel({
  protocol: ROOM_PROTOCOL,
  handshake: c.uint,
  messages: [
    { encoding: helloEncoding, onmessage: () => { report.hellos++ } },
    { encoding: membersEncoding, onmessage: (m: { cores: Buffer[] }) => { report.members++; report.memberKeys.push(...m.cores.map((k) => k.toString('hex'))) } },
    { encoding: selfEncoding, onmessage: () => { report.selves++ } },
    { encoding: wantEncoding, onmessage: () => {} }
  ],
  onopen: () => {
    const capability = args.get('capability')
    const proofs = capability === undefined ? [randomBytes(32)] : [roomProof(Buffer.from(capability, 'hex'), stream.handshakeHash as Buffer, true)]
    room?.messages[0].send({ proofs })
  }
})
room?.open(ROOM_PROTOCOL_VERSION)

stream.opened.then((ok: boolean) => {
  report.connected = ok
  for (const key of (args.get('probe') ?? '').split(',').filter(Boolean)) {
    const channel = mux.createChannel({
      protocol: 'hypercore/alpha',
      id: Buffer.from(key, 'hex'),
      onopen: () => { report.probes[key] = 'opened' },
      onclose: () => { report.probes[key] ??= 'rejected' }
    })
    channel?.open()
  }
  const flood = Number(args.get('flood-opens') ?? 0)
  const burst = (): void => {
    for (let i = 0; i < 1000 && report.floodSent < flood && !stream.destroyed; i++) {
      mux.createChannel({ protocol: 'flood/' + String(report.floodSent), id: null })?.open()
      report.floodSent++
    }
    if (report.floodSent < flood && !stream.destroyed) setImmediate(burst)
  }
  if (flood > 0) burst()
}, () => {})
stream.once('close', () => { report.closedBy ||= 'remote' })

setTimeout(() => {
  report.ms = Date.now() - started
  if (!stream.destroyed) report.closedBy = 'still open'
  process.stdout.write(JSON.stringify(report) + '\n')
  stream.destroy()
  setTimeout(() => process.exit(0), 100)
}, seconds * 1000)
