// Hand-written declarations for the parts of hyperswarm 4 that tamtam uses.
declare module 'hyperswarm' {
  import { EventEmitter } from 'node:events'
  import type NoiseSecretStream from '@hyperswarm/secret-stream'
  export interface PeerInfo { publicKey: Buffer; client: boolean }
  export interface PeerDiscovery { flushed(): Promise<void>; refresh(opts?: unknown): Promise<void>; destroy(): Promise<void> }
  export default class Hyperswarm extends EventEmitter {
    constructor(opts?: { keyPair?: { publicKey: Buffer; secretKey: Buffer }; bootstrap?: unknown[]; maxPeers?: number; firewall?: (key: Buffer) => boolean })
    readonly keyPair: { publicKey: Buffer; secretKey: Buffer }
    readonly connections: Set<NoiseSecretStream>
    join(topic: Buffer, opts?: { server?: boolean; client?: boolean }): PeerDiscovery
    leave(topic: Buffer): Promise<void>
    joinPeer(publicKey: Buffer): void
    flush(): Promise<void>
    destroy(): Promise<void>
    on(event: 'connection', listener: (socket: NoiseSecretStream, info: PeerInfo) => void): this
    on(event: string, listener: (...args: any[]) => void): this
  }
}
