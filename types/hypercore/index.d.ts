// Hand-written declarations for the parts of hypercore 11 that tamtam uses.
declare module 'hypercore' {
  import { EventEmitter } from 'node:events'
  export interface HypercoreGetOptions { wait?: boolean; timeout?: number; decrypt?: boolean }
  export interface Hypercore extends EventEmitter {
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly contiguousLength: number
    readonly byteLength: number
    readonly writable: boolean
    readonly opened: boolean
    readonly closed: boolean
    readonly peers: unknown[]
    readonly id: string
    ready(): Promise<void>
    close(): Promise<void>
    append(blocks: Buffer | Buffer[]): Promise<{ length: number; byteLength: number }>
    get(index: number, opts?: HypercoreGetOptions): Promise<Buffer | null>
    has(index: number): Promise<boolean>
    update(opts?: { wait?: boolean }): Promise<boolean>
    download(range?: { start?: number; end?: number; linear?: boolean }): { done(): Promise<void>; destroy(): void }
    setUserData(key: string, value: Buffer | string | null): Promise<void>
    getUserData(key: string): Promise<Buffer | null>
    info(opts?: { storage?: boolean }): Promise<unknown>
    replicate(isInitiator: boolean | unknown, opts?: unknown): unknown
  }
  const Hypercore: {
    new (...args: unknown[]): Hypercore
    discoveryKey(key: Buffer): Buffer
  }
  export default Hypercore
}
