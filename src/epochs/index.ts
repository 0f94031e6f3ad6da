/** Key rotation: epochs of a room, the records that move it on, and following them (protocol.md §20). */
export * from './chain.js'
export * from './seal.js'
export * from './follow.js'
export * from './runner.js'
