/**
 * Private messages ("DMs"): a nacl box from the author of a log to one member of the room,
 * carried in the author's log like any record, readable by the two of them only.
 * The format and what other peers learn are in docs/protocol.md §12.
 */
export { DirectMessages, NOT_TO_YOURSELF, type DmConversation, type DmMessage, type DmSent } from './direct-messages.js'
export { DM_VERSION, openDm, sealDm, type DmPlaintext, type SealedDm } from './envelope.js'
export { DmKeys } from './keys.js'
