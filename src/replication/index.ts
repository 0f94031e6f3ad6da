/** Replication: the room handshake and member-log exchange on each connection. */
export * from './messages.js'
export * from './room-sync.js'
export * from './replicator.js'
export * from './reach.js'
