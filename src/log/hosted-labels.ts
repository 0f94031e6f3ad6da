/**
 * The signature labels of hosted logs (docs/protocol.md §3a), in a module that imports
 * nothing, so the phone page (web/src/signing.ts) and the node (hosted.ts) sign and check
 * the very same bytes from one definition.
 */

/** Signature label of a hosted binding (block 0). */
export const HOSTED_BINDING_LABEL = 'tamtam/hosted-binding/v1\0'
/** Signature label of a hosted record (every later block). */
export const HOSTED_RECORD_LABEL = 'tamtam/hosted-record/v1\0'
