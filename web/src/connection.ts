/**
 * The encrypted link to the host: a WebSocket at `/ws` of the page's own origin, the §16
 * handshake keyed by the room's member key, then sealed frames. It reports one ending:
 * refused (the host does not hold this room: a wrong invite), full (close 1013) or lost.
 */
import { PhoneChannel, PhoneClientHandshake, type PhoneMessage } from '../../src/phone/index.js'

/** Why a connection ended. */
export type Ending = 'refused' | 'full' | 'lost'

/** What the owner hears. */
export interface LinkEvents {
  open: () => void
  message: (message: PhoneMessage) => void
  end: (why: Ending) => void
}

/** Close code of a host with no free phone slot (docs/protocol.md §17). */
const HOST_FULL = 1013

/** One connection attempt. */
export class Link {
  private readonly ws: WebSocket
  private readonly events: LinkEvents
  private channel: PhoneChannel | null = null
  private ended = false

  constructor (url: string, memberKey: Uint8Array, events: LinkEvents) {
    this.events = events
    const handshake = new PhoneClientHandshake(memberKey)
    this.ws = new WebSocket(url)
    this.ws.binaryType = 'arraybuffer'
    this.ws.onopen = () => this.ws.send(handshake.hello)
    this.ws.onmessage = (e: MessageEvent) => this.receive(handshake, new Uint8Array(e.data as ArrayBuffer))
    this.ws.onclose = (e: CloseEvent) => this.end(e.code === HOST_FULL ? 'full' : 'lost')
  }

  /** Seal and send; false when the link is not open. */
  send (message: PhoneMessage): boolean {
    if (this.channel === null || this.ended) return false
    this.ws.send(this.channel.seal(message))
    return true
  }

  close (): void {
    this.ended = true
    this.ws.close()
  }

  private receive (handshake: PhoneClientHandshake, bytes: Uint8Array): void {
    if (this.ended) return
    if (this.channel === null) {
      const step = handshake.receive(bytes)
      if (step.send !== undefined) this.ws.send(step.send)
      if (step.session === undefined) return this.end(step.error?.code === 'PHONE_REFUSED' ? 'refused' : 'lost')
      this.channel = new PhoneChannel(step.session)
      this.events.open()
      return
    }
    let message: PhoneMessage
    try {
      message = this.channel.open(bytes)
    } catch (err) {
      // A refusal in place of a frame: the host refused our proof (the room is not here).
      return this.end((err as { code?: string }).code === 'PHONE_REFUSED' ? 'refused' : 'lost')
    }
    this.events.message(message)
  }

  private end (why: Ending): void {
    if (this.ended) return
    this.ended = true
    this.ws.close()
    this.events.end(why)
  }
}
