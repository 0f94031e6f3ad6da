// Hand-written declarations for the parts of protomux 3 that tamtam uses.
declare module 'protomux' {
  export interface MessageSpec<T> { encoding?: unknown; onmessage?: (message: T, channel: Channel) => void }
  export interface Message<T = unknown> { send(message: T): boolean }
  export interface Channel {
    readonly opened: boolean
    readonly closed: boolean
    userData: unknown
    readonly messages: Array<Message<any>>
    open(handshake?: unknown): void
    close(): void
    addMessage<T>(spec: MessageSpec<T>): Message<T>
    cork(): void
    uncork(): void
  }
  export interface CreateChannelOptions {
    protocol: string
    id?: Buffer | null
    unique?: boolean
    handshake?: unknown
    messages?: MessageSpec<any>[]
    onopen?: (handshake: any, channel: Channel) => void | Promise<void>
    onclose?: (isRemote: boolean, channel: Channel) => void
    ondestroy?: (channel: Channel) => void
  }
  export default class Protomux {
    static from(stream: unknown, opts?: unknown): Protomux
    static isProtomux(value: unknown): boolean
    readonly stream: unknown
    createChannel(opts: CreateChannelOptions): Channel | null
    pair(opts: { protocol: string; id?: Buffer | null }, notify: (id: Buffer | null) => void): void
    unpair(opts: { protocol: string; id?: Buffer | null }): void
    opened(opts: { protocol: string; id?: Buffer | null }): boolean
    cork(): void
    uncork(): void
  }
}
