/** Rooms: secrets, derived keys, invites and the local room list. */
export * from './keys.js'
export * from './registry.js'
export * from './invite.js'
