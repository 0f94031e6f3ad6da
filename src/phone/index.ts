/**
 * The phone channel (issue 20): a browser on the LAN joins a room through a host node
 * over a WebSocket. This folder is pure JS (Uint8Array, tweetnacl, @noble/hashes, no
 * `node:` imports) so it can be bundled into the page. docs/protocol.md §16 is the format.
 */
export { derivePhoneKey, derivePhoneRoomKeys, phoneHandshakeKey, PHONE_ROOM_LABELS, PHONE_ROOM_SECRET_BYTES, type PhoneRoomKeys } from './room-keys.js'
export { PHONE_LABELS, PHONE_PROTOCOL, type HandshakeStep, type PhoneServerSession, type PhoneSession, type RandomBytes } from './handshake.js'
export { PhoneClientHandshake } from './client.js'
export { PhoneServerHandshake } from './server.js'
export { FRAME_OVERHEAD, MAX_FRAME_BYTES, MAX_FRAME_PLAINTEXT, PhoneChannel, type PhoneMessage } from './frames.js'
export { isPhoneRefusal, phoneRefusal, PHONE_MAGIC, PHONE_TYPES, PHONE_VERSION } from './wire.js'
