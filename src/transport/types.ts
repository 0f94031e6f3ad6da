/**
 * Public types of the transport: what a connection is, and how the connection manager is tuned.
 */
import type NoiseSecretStream from '@hyperswarm/secret-stream'
import type { PeerSource } from '../discovery/types.js'
import type { MeshOptions } from './mesh.js'

/** A Noise key pair (ed25519, as made by `NoiseSecretStream.keyPair()`). */
export interface NoiseKeyPair { publicKey: Buffer, secretKey: Buffer }

/** What the manager knows about one authenticated connection. */
export interface ConnectionInfo {
  /** The remote's Noise public key, proven by the handshake. */
  publicKey: Buffer
  /** Remote address of the socket (for an incoming socket: its ephemeral source address). */
  host: string
  port: number
  /** How the peer was found; 'incoming' when it dialled us. */
  source: PeerSource | 'incoming'
  /** True when we started the Noise handshake (we dialled). */
  initiator: boolean
  /** When the connection was adopted (ms since the epoch). */
  since: number
}

/** One live connection, as listed by `ConnectionManager.connections()`. */
export interface ConnectionSummary {
  stream: NoiseSecretStream
  info: ConnectionInfo
  /** Encrypted bytes received after the handshake. */
  bytesIn: number
  /** Encrypted bytes sent after the handshake (keep-alives included). */
  bytesOut: number
}

/** Counters for diagnostics; they only grow. */
export interface TransportStats {
  /** Outgoing TCP connects started. */
  dials: number
  /** Outgoing connects that failed or timed out. */
  dialFailures: number
  /** Incoming sockets accepted for a handshake. */
  accepted: number
  /** Connections refused for lack of room: incoming sockets closed at once, or authenticated ones the mesh policy had no slot for. */
  refused: number
  /** Long links closed to make room for a ring link, or to get back under the long-link budget (see mesh.ts). */
  evicted: number
  /** Handshakes that failed, timed out or sent oversized frames (both directions). */
  handshakeFailures: number
  /** Authenticated connections closed as duplicates of another one to the same key. */
  duplicates: number
  /** Authenticated connections closed because of their key (ourselves, or not the announced key). */
  rejected: number
  /** Connections sharing no room closed to give their slot to another peer. */
  strangersEvicted: number
  /** Incoming sockets and dials refused because their address was banned after a flood. */
  banned: number
  /** Handshakes started with candidates whose key was not proven yet. */
  probes: number
}

/** Options of the connection manager; every timer is an option so tests run fast. */
export interface ConnectionManagerOptions {
  /** Per-run Noise key pair (never the identity key). */
  keyPair: NoiseKeyPair
  /** TCP listen port; 0 = any free port (default 0). */
  port?: number
  /** Listen address (default '0.0.0.0'). */
  host?: string
  /**
   * Default 16. Live connections never exceed it. Handshakes in progress count against it too:
   * beyond it incoming sockets are closed at once and no dial starts, except for as many extra
   * handshakes as ring neighbours are missing (see mesh.ts).
   */
  maxConnections?: number
  /** The mesh policy used once more peers are known than the cap allows (see mesh.ts); defaults follow from the cap. */
  mesh?: MeshOptions & {
    /** Default 60000: a refused or closed long link is not chosen again for this long. */
    cooldownMs?: number
  }
  /** Default 3000: the higher key waits this long for the lower key to dial before dialling itself. */
  graceMs?: number
  /** Default 10000: a socket that has not completed Noise by then is destroyed. */
  handshakeTimeoutMs?: number
  /** Reconnect delays: default 500 → 30000 ms, doubling with ±20% jitter, reset after a successful connection. */
  backoff?: { initialMs?: number, maxMs?: number }
  /** Default 5000: limit for the TCP connect. */
  dialTimeoutMs?: number
  /** Default true; false = dial only, listen() binds nothing. */
  listen?: boolean
  /** Default 5000: send an empty keep-alive message after this much write silence (0 = off). */
  keepAliveMs?: number
  /** Default 20000: close a connection that received nothing for this long (0 = off). */
  idleTimeoutMs?: number
  /** Injected randomness for the backoff jitter (default Math.random). */
  random?: () => number
  /**
   * Default false. True when the owner calls markShared() once a connection shares a room
   * (the network does): connections that share no room (strangers) then stay out of the mesh
   * and give way to others when the node is full (see admission.ts, pickStranger). And once
   * more keyed candidates are known than the cap, the mesh is planned over candidates that
   * completed a handshake; the others are probed a few at a time (admission.ts, nextProbe).
   */
  roomAware?: boolean
  /** Default 4 (with roomAware): sockets allowed beyond maxConnections while strangers hold slots. */
  strangerHeadroom?: number
  /** Default 5000: a stranger alone at its address is not closed for another one this soon after it opened. */
  strangerProbationMs?: number
  /** Default 2: handshakes with not yet proven candidates in flight at once (and extra incoming ones allowed at the cap). */
  maxProbes?: number
  /** Refusal of an address after ban(): default 10 s doubling up to 10 min. */
  floodBan?: { initialMs?: number, maxMs?: number, forgetMs?: number }
}
