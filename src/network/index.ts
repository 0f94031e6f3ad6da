/** The network of a node: discovery sources, connections, replication. */
export * from './network.js'
export * from './internet.js'
export * from './peers-file.js'
export * from './sync-watch.js'
