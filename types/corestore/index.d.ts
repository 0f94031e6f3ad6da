// Hand-written declarations for the parts of corestore 7 that tamtam uses.
declare module 'corestore' {
  import type { Hypercore } from 'hypercore'
  import type { Duplex } from 'node:stream'
  export interface GetOptions {
    name?: string
    key?: Buffer
    encryption?: { key: Buffer } | null
    valueEncoding?: unknown
    createIfMissing?: boolean
    exclusive?: boolean
  }
  /** What replicate() returns: the raw side of a NoiseSecretStream, with the Noise stream attached. */
  export interface ReplicationStream extends Duplex {
    noiseStream: import('@hyperswarm/secret-stream').default
  }
  export default class Corestore {
    /** A directory, or a storage made by Hypercore.defaultStorage (src/home/store.ts). */
    constructor(storage: string | object, opts?: Record<string, unknown>)
    readonly opened: boolean
    readonly closed: boolean
    ready(): Promise<void>
    close(): Promise<void>
    get(opts: GetOptions | Buffer): Hypercore
    namespace(name: string): Corestore
    session(opts?: Record<string, unknown>): Corestore
    replicate(isInitiator: boolean | unknown, opts?: Record<string, unknown>): ReplicationStream
    on(event: string, listener: (...args: any[]) => void): this
  }
}
