/**
 * Dial-back (protocol "tamtam/dialback", version 1): the doctor asks connected peers to
 * open a plain TCP connection back to our listening port, which is the only way to learn
 * whether others can reach us (a firewall or client isolation may block them while our
 * own outgoing connections work). A peer only ever dials the address the request came
 * from, at most once a second per connection, so it cannot be used to scan anyone else.
 */
import { canConnect } from '../transport/probe.js'
import c from 'compact-encoding'
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { Channel, Message } from 'protomux'

/** How long a peer tries to connect back. */
const DIAL_TIMEOUT_MS = 3000
/** Least time between two dial-backs served on one connection. */
const MIN_GAP_MS = 1000

/** One peer's answer. */
export interface DialBackResult { peer: string, host: string, ok: boolean | null }

interface Session { stream: NoiseSecretStream, request: Message<number>, waiting: Array<(ok: boolean) => void>, lastServed: number }

/** Serves and sends dial-back requests on every connection. */
export class DialBack {
  private readonly sessions = new Set<Session>()

  /** Open the channel on a new connection; call in the connection's first tick. */
  attach (stream: NoiseSecretStream): void {
    let session: Session | null = null
    const channel = stream.userData.createChannel({
      protocol: 'tamtam/dialback',
      messages: [
        { encoding: c.uint, onmessage: (port: number) => { if (session !== null) void this.serve(session, port, reply) } },
        { encoding: c.uint, onmessage: (ok: number) => session?.waiting.shift()?.(ok === 1) }
      ],
      onclose: () => { if (session !== null) this.sessions.delete(session) }
    }) as Channel | null
    if (channel === null) return
    const reply = channel.messages[1] as Message<number>
    session = { stream, request: channel.messages[0] as Message<number>, waiting: [], lastServed: 0 }
    this.sessions.add(session)
    channel.open()
  }

  private async serve (session: Session, port: number, reply: Message<number>): Promise<void> {
    const host = (session.stream.rawStream as unknown as { remoteAddress?: string }).remoteAddress
    const now = Date.now()
    if (host === undefined || port < 1 || port > 65535 || now - session.lastServed < MIN_GAP_MS) {
      reply.send(0)
      return
    }
    session.lastServed = now
    reply.send(await canConnect(host, port, DIAL_TIMEOUT_MS) ? 1 : 0)
  }

  /** Ask every connected peer to dial `port` back; null for a peer that did not answer in time. */
  async request (port: number, timeoutMs = DIAL_TIMEOUT_MS + 1000): Promise<DialBackResult[]> {
    return await Promise.all([...this.sessions].map(async (s) => {
      const peer = s.stream.remotePublicKey?.toString('hex').slice(0, 8) ?? '?'
      const host = (s.stream.rawStream as unknown as { remoteAddress?: string }).remoteAddress ?? '?'
      const answer = new Promise<boolean | null>((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs)
        s.waiting.push((ok) => { clearTimeout(timer); resolve(ok) })
      })
      s.request.send(port)
      return { peer, host, ok: await answer }
    }))
  }
}
