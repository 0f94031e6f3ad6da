/** Rooms: secrets, derived keys, invites, the local room list and each room's local settings. */
export * from './keys.js'
export * from './registry.js'
export * from './invite.js'
export * from './settings.js'
