/** English: the keys of key rotation (`room rekey`, `mod remove --rekey`, issue 22), kept apart so each catalogue file stays short. */
export const rekey = {
  'tui.helpRekey': '/rekey: give this room new keys, sent only to the members who stay (moderators): after a leaked invite, or with a removal; hand out invites, relay codes and phone links again.',
  'help.roomRekey': 'give the room new keys, sent only to the members who stay (moderators only): after an invite leaked; for a removed member or a seized device, use `mod ROOM remove MEMBER --rekey`',
  'help.roomRekeyAfter': '\nThe new key is sealed to each remaining member in signed records in your log; their tamtam switches by itself, now or when it next meets anyone who carries your log. Whoever holds only the old key (a removed member, an old invite) reads nothing written after this. A seized device still holds its owner\'s identity, which gets the new key unless removed.\nHand out again: new invites, relay codes (`tamtam room relay-code ROOM`) and phone links.\n\nExamples:\n  tamtam room rekey atelier\n  tamtam mod atelier remove Moussa --rekey\n',
  'help.modRekey': 'with remove: also give the room new keys that the removed member never gets',
  'rekey.done': '{room}: new keys (epoch {epoch}), sealed to {recipients} members in {records} records of your log; every member switches by itself',
  'rekey.superseded': '{room}: another moderator changed the keys at the same moment; the room follows their rotation (epoch {epoch})',
  'rekey.relays': 'relay hubs and phones hold the old keys: give them a new relay code (`tamtam room relay-code {room}`) and a new link',
  'rekey.line': 'keys changed',
  'rekey.lineRemoved': 'keys changed: {names} removed',
  'rekey.epoch': 'keys changed {epoch} times',
  'rekey.outOfDate': "{room}: this room's keys changed without you: you were removed, or your invite is out of date; ask a member for a new invite"
}
