// Hand-written declarations for the parts of @hyperswarm/secret-stream 6 that tamtam uses.
declare module '@hyperswarm/secret-stream' {
  import { Duplex } from 'node:stream'
  export interface KeyPair { publicKey: Buffer; secretKey: Buffer }
  export default class NoiseSecretStream extends Duplex {
    constructor(isInitiator: boolean, rawStream?: unknown, opts?: { keyPair?: KeyPair; remotePublicKey?: Buffer; handshake?: unknown; autoStart?: boolean; keepAlive?: number; pattern?: string })
    static keyPair(seed?: Buffer): KeyPair
    readonly isInitiator: boolean
    readonly publicKey: Buffer | null
    readonly remotePublicKey: Buffer | null
    readonly handshakeHash: Buffer | null
    readonly rawStream: Duplex
    readonly rawBytesRead: number
    readonly rawBytesWritten: number
    readonly opened: Promise<boolean>
    /** True once the handshake completed (set just before 'connect'). */
    readonly connected: boolean
    /** streamx: true as soon as destroy() was called, before 'close'. */
    readonly destroying: boolean
    /** Current keep-alive interval in ms (0 = off). */
    readonly keepAlive: number
    /** Current idle timeout in ms (0 = off). */
    readonly timeout: number
    userData: any
    /** Destroy the stream when no raw byte arrives for `ms` (0 = off); refreshed by every received byte. */
    setTimeout(ms: number): void
    /** Send an empty message every `ms` of write silence, and drop empty messages received (0 = off). */
    setKeepAlive(ms: number): void
    sendKeepAlive(): void
    flush(): Promise<boolean>
  }
}
