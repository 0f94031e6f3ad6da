// Hand-written declarations for the parts of @hyperswarm/secret-stream 6 that tamtam uses.
declare module '@hyperswarm/secret-stream' {
  import { Duplex } from 'node:stream'
  export interface KeyPair { publicKey: Buffer; secretKey: Buffer }
  export default class NoiseSecretStream extends Duplex {
    constructor(isInitiator: boolean, rawStream?: unknown, opts?: { keyPair?: KeyPair; remotePublicKey?: Buffer; handshake?: unknown; autoStart?: boolean })
    static keyPair(seed?: Buffer): KeyPair
    readonly isInitiator: boolean
    readonly publicKey: Buffer | null
    readonly remotePublicKey: Buffer | null
    readonly handshakeHash: Buffer | null
    readonly rawStream: Duplex
    readonly rawBytesRead: number
    readonly rawBytesWritten: number
    readonly opened: Promise<boolean>
    userData: any
    setTimeout(ms: number): void
    setKeepAlive(ms: number): void
  }
}
