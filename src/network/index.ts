/** The network of a node: connection sources, replication on their connections. */
export * from './network.js'
export * from './source.js'
export * from './tcp-source.js'
export * from './internet.js'
export * from './peers-file.js'
export * from './sync-watch.js'
