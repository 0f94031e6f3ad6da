/**
 * Moderation commands: `mod ROOM hide|unhide ID`, `mod ROOM remove|restore|add|revoke
 * MEMBER`, `mod ROOM list`. Each writes one signed `mod` record in our own log; every peer
 * applies it only if we are a moderator at that point (src/moderation).
 */
import { fail } from '../errors/index.js'
import { people, resolveMember, unknownMember } from '../members/index.js'
import type { Room } from '../room/index.js'
import type { Tamtam } from '../tamtam.js'
import type { Command } from './types.js'
import { str } from './args.js'
import { roomArg } from './room.js'
import { rekeyAndReport } from './rekey.js'

/** Word on the command line → record action, and what its target is. */
const ACTIONS: Record<string, { action: string, target: 'message' | 'member' }> = {
  hide: { action: 'hide', target: 'message' },
  unhide: { action: 'unhide', target: 'message' },
  remove: { action: 'remove', target: 'member' },
  restore: { action: 'restore', target: 'member' },
  add: { action: 'add-mod', target: 'member' },
  revoke: { action: 'revoke-mod', target: 'member' }
}

const MESSAGE_ID = /^[0-9a-f]{16}\.\d{1,15}$/

/** The log of a member in a room and its length here, or undefined when we hold none. */
async function logOf (tt: Tamtam, room: Room, identity: string): Promise<{ core: string, length: number } | undefined> {
  const logs = await tt.logs(room)
  const key = (await people(logs)).get(identity)?.log
  const log = logs.list().find((l) => l.key === key)
  return log === undefined ? undefined : { core: log.key, length: log.core.length }
}

/** `mod ROOM ACTION [TARGET]` */
export const mod: Command = {
  name: 'mod',
  summary: 'moderate a room: hide a message, remove a member from view, name or revoke moderators',
  run: async ({ tt }, args) => {
    const room = await roomArg(tt, args)
    const word = str(args, 'action')
    if (word === 'list') return await modList(tt, room)
    const spec = ACTIONS[word]
    if (spec === undefined) throw fail('USAGE', `unknown moderation action "${word}": use hide, unhide, remove, restore, add, revoke or list`)
    if (args.rekey === true && spec.action !== 'remove') throw fail('USAGE', '--rekey goes with `remove`; to change the keys alone, use `tamtam room rekey ROOM`')
    const state = await tt.moderation(room)
    const me = (await tt.identity()).publicKey.toString('hex')
    if (!state.moderators.has(me)) throw fail('NOT_MODERATOR', state.creator === null ? 'this room was made before moderation existed: it has no moderators' : `moderators of ${room.name}: ${state.moderators.size}`)
    let target: string
    let shown: string
    if (spec.target === 'message') {
      target = str(args, 'target')
      if (!MESSAGE_ID.test(target)) throw fail('USAGE', 'a message id looks like 3f2a9c01d4e5b6a7.42 (see `tamtam log ROOM --json`)')
      shown = target
    } else {
      const member = await resolveMember(tt, room, str(args, 'target'))
      target = member.identity
      shown = member.name
    }
    // A revocation pins the revoked moderator's log length, so later records of theirs
    // cannot be backdated to before it (see decide in src/moderation).
    const cutoff = spec.action === 'revoke-mod' ? await logOf(tt, room, target) : undefined
    await tt.write(async () => { await (await tt.logs(room)).own.append([{ type: 'mod', action: spec.action as 'hide', target, ...(cutoff === undefined ? {} : { cutoff }) }], tt.clock()) })
    // --rekey: the removed member keeps the old key, so the room moves to one they never get.
    if (args.rekey === true) {
      return { room: room.name, action: spec.action, target, shown, rekey: await rekeyAndReport(tt, room, [target]) }
    }
    return { room: room.name, action: spec.action, target, shown }
  }
}

/** Moderators, hidden messages, removed members and the applied records. */
async function modList (tt: Tamtam, room: Room): Promise<Record<string, unknown>> {
  const state = await tt.moderation(room)
  const known = await people(await tt.logs(room))
  const who = (identity: string): Record<string, string> => {
    const { name, fingerprint } = known.get(identity) ?? unknownMember(identity)
    return { identity, name, fingerprint }
  }
  return {
    room: room.name,
    creator: state.creator === null ? null : who(state.creator),
    moderators: [...state.moderators].map(who),
    hidden: [...state.hidden],
    removed: [...state.removed].map(who),
    applied: state.applied.length,
    ignored: state.ignored.length
  }
}

/** Every moderation command. */
export const MODERATION_COMMANDS: Command[] = [mod]
