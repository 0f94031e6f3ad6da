/**
 * The live connections of a manager and their lifecycle: an authenticated stream goes in
 * under the duplicate rule (connection-set.ts) with its keep-alive and close handler, and a
 * connection that was reported up is reported gone exactly once, however it ends.
 */
import net from 'node:net'
import { ConnectionSet, type LiveConnection } from './connection-set.js'
import type { ConnectionInfo, ConnectionSummary, TransportStats } from './types.js'
import { streamClosed } from './when-closed.js'

/** What the live connections need from their manager. */
export interface LiveHooks {
  /** TCP keep-alive and idle timeout of our own streams. */
  keepAliveMs: number
  idleTimeoutMs: number
  /** The manager's counters: duplicates and evictions are counted here. */
  counters: TransportStats
  /** A connection reported up is gone; `replaced`: a duplicate took its place, so the peer is still connected. */
  disconnected: (info: ConnectionInfo, replaced: boolean) => void
  /** A live stream failed. */
  failed: (err: unknown) => void
}

/** Live connections by remote key, each watched until it closes. */
export class LiveConnections extends ConnectionSet {
  constructor (localKey: Buffer, private readonly hooks: LiveHooks) {
    super(localKey)
  }

  /** Keep `connection` unless the one already held for its key wins; false when it lost (then it is closed). */
  keep (connection: LiveConnection): boolean {
    const { kept, replaced } = this.add(connection)
    if (!kept) {
      this.hooks.counters.duplicates++
      connection.stream.destroy()
      return false
    }
    this.watch(connection)
    if (replaced !== null) {
      this.hooks.counters.duplicates++
      replaced.stream.destroy()
      this.hooks.disconnected(replaced.info, true)
    }
    return true
  }

  /** Close the live connection to `hex` to make room (mesh policy). */
  evict (hex: string): void {
    const connection = this.get(hex)
    if (connection === undefined || !this.has(connection.info.publicKey)) return
    this.hooks.counters.evicted++
    this.drop(connection)
  }

  /** Close a live connection now and report it gone. */
  drop (connection: LiveConnection): void {
    if (!this.delete(connection)) return
    connection.stream.destroy()
    this.hooks.disconnected(connection.info, false)
  }

  /** Every live connection with its byte counts. */
  summaries (): ConnectionSummary[] {
    return [...this.values()].map(({ stream, info }) => ({
      stream, info, bytesIn: stream.rawBytesRead, bytesOut: stream.rawBytesWritten
    }))
  }

  /** Destroy every stream; resolves once they are closed (each is still reported gone). */
  async destroyAll (): Promise<void> {
    const waits: Array<Promise<void>> = []
    for (const { stream } of [...this.values()]) {
      waits.push(streamClosed(stream))
      stream.destroy()
    }
    await Promise.all(waits)
  }

  /** Keep-alive for our own TCP streams, and the close handler. */
  private watch (connection: LiveConnection): void {
    const { stream } = connection
    if (stream.rawStream instanceof net.Socket) { // attached streams come with their own keep-alive and error handler
      stream.setKeepAlive(this.hooks.keepAliveMs)
      stream.setTimeout(this.hooks.idleTimeoutMs)
      stream.on('error', (err: unknown) => this.hooks.failed(err))
    }
    stream.once('close', () => {
      if (!this.delete(connection)) return // displaced by a duplicate or evicted: already reported
      this.hooks.disconnected(connection.info, false)
    })
  }
}
