/** LAN and other peer discovery: the Discovery interface and its implementations. */
export * from './types.js'
export * from './beacon.js'
export * from './interfaces.js'
export * from './routes.js'
export * from './candidate-table.js'
