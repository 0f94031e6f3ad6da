/**
 * `verify ROOM MEMBER [--yes]`, `verify ROOM MEMBER --undo`, `verify ROOM --list`:
 * check a member's key by comparing six words aloud, and remember who was checked.
 *
 * Without `yes` the command only shows the member's name, fingerprint and words (in the
 * user's language); the member reads theirs from `whoami`, and only when all six match
 * does the user run it again with `yes`. The command never asks anything itself: the CLI
 * may prompt, the TUI has `/verify NAME --yes`.
 */
import { fingerprintWords } from '../identity/index.js'
import { pickMember, roomMembers, unknownMember, type Member } from '../members/index.js'
import { acceptKey, fingerprintOf, keyChanged, rememberNames, setVerified, verifiedIn } from '../names/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command } from './types.js'
import { lang, str } from './args.js'
import { roomArg } from './room.js'


/** Why we cannot verify ourselves. */
const NOT_YOU = 'that is you: your own words are shown by `tamtam whoami`; the other person verifies you'

/** Read the members, remember names not seen before (saved), and find `who` among the others. */
async function memberArg (tt: Tamtam, room: Room, who: string): Promise<Member> {
  const members = await roomMembers(tt, room)
  if (rememberNames(room, members)) await tt.rooms.save()
  return pickMember(members, who, room, { notYou: NOT_YOU })
}

/** `verify ROOM MEMBER [--yes]` */
export const verify: Command = {
  name: 'verify',
  summary: 'show a member\'s fingerprint words to compare aloud; with yes, mark them verified',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const member = await memberArg(tt, room, str(args, 'member'))
    // Read before a confirmation accepts the key, so the warning still shows on that run.
    const changedKey = keyChanged(room, member.name, member.identity)
    let marked = false
    if (args.yes === true) {
      marked = setVerified(room, member.identity, true)
      // The words matched: this key is the name's key from now on, no more warnings.
      if (acceptKey(room, member.name, member.identity) || marked) await tt.rooms.save()
    }
    const words = fingerprintWords(Buffer.from(member.identity, 'hex'), lang(args))
    return { room: room.name, member: member.name, identity: member.identity, fingerprint: member.fingerprint, words, lang: lang(args), verified: verifiedIn(room).includes(member.identity), marked, keyChanged: changedKey }
  }
}

/** `verify ROOM MEMBER --undo` */
export const verifyUndo: Command = {
  name: 'verify.undo',
  summary: 'remove a member\'s verified mark',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const who = str(args, 'member')
    const members = await roomMembers(tt, room)
    // Someone verified who has left the room can still be unmarked, by fingerprint; no
    // name, so the output says they are gone.
    const gone = verifiedIn(room).filter((id) => !members.some((m) => m.identity === id)).map((id) => ({ ...unknownMember(id), name: '' }))
    const member = pickMember([...members, ...gone], who, room)
    const unmarked = setVerified(room, member.identity, false)
    if (unmarked) await tt.rooms.save()
    return { room: room.name, member: member.name, identity: member.identity, fingerprint: member.fingerprint, verified: false, unmarked }
  }
}

/** `verify ROOM --list` */
export const verifyList: Command = {
  name: 'verify.list',
  summary: 'list the members verified in a room',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const members = await roomMembers(tt, room)
    const verified = verifiedIn(room).map((identity) => ({ identity, fingerprint: fingerprintOf(identity), member: members.find((m) => m.identity === identity)?.name ?? null }))
    return { room: room.name, verified }
  }
}

/** Every verification command. */
export const VERIFY_COMMANDS: Command[] = [verify, verifyUndo, verifyList]
