/**
 * The labels room keys are derived with (docs/protocol.md §2), in a file with no imports:
 * the Node derivation (keys.ts) and the phone page's pure-JS one (src/phone/room-keys.ts)
 * share it. Changing one is a wire-format change.
 */
export const ROOM_LABELS = {
  id: 'tamtam/room-id/v1',
  topic: 'tamtam/topic/v1',
  encryption: 'tamtam/block-encryption/v1',
  capability: 'tamtam/handshake-capability/v1',
  member: 'tamtam/member-proof/v1'
} as const

/** Every room key, each derived from its label by `derive` (HMAC-SHA256 of the secret, in Node or in a page). */
export function deriveEach<K> (derive: (label: string) => K): { id: K, topic: K, encryptionKey: K, capability: K, memberKey: K } {
  return {
    id: derive(ROOM_LABELS.id),
    topic: derive(ROOM_LABELS.topic),
    encryptionKey: derive(ROOM_LABELS.encryption),
    capability: derive(ROOM_LABELS.capability),
    memberKey: derive(ROOM_LABELS.member)
  }
}
