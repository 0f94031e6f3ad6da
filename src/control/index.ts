/** The control socket between a running node and one-shot commands. */
export * from './protocol.js'
export * from './server.js'
export * from './client.js'
export * from './events.js'
export * from './subscribe.js'
