/** The command table shared by the CLI, the control socket and the TUI. */
import type { Command } from './types.js'
import { init, nick, whoami } from './identity.js'
import { roomCreate, roomInvite, roomJoin, roomLeave, roomList } from './room.js'
import { roomExpire } from './room-set.js'
import { log, send } from './messages.js'
import { peerAdd, status } from './network.js'
import { peers } from './peers.js'
import { DOCUMENT_COMMANDS } from './documents.js'
import { mute, unmute } from './mute.js'
import { doctor } from './doctor.js'
import { whereami } from './whereami.js'
import { DRILL_COMMANDS } from './drills.js'
import { RELAY_COMMANDS } from './relay.js'
import { MODERATION_COMMANDS } from './moderation.js'
import { REKEY_COMMANDS } from './rekey.js'
import { SHARE_APP_COMMANDS } from './share-app.js'
import { DM_COMMANDS } from './dm.js'
import { BUNDLE_COMMANDS } from './bundles.js'
import { VERIFY_COMMANDS } from './verify.js'
import { VIEW_COMMANDS } from './view.js'
import { webLink } from './web.js'
import { LOCK_COMMANDS } from './lock.js'

export type { Command, Output, Args } from './types.js'
export { SILENT } from './types.js'

/** Every command, by name. */
export const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [init, whoami, nick, roomCreate, roomJoin, roomList, roomInvite, roomLeave, roomExpire, send, log, peers, peerAdd, status, mute, unmute, whereami, ...DOCUMENT_COMMANDS, ...DRILL_COMMANDS, ...RELAY_COMMANDS,  ...MODERATION_COMMANDS, ...REKEY_COMMANDS, ...SHARE_APP_COMMANDS, ...DM_COMMANDS, ...BUNDLE_COMMANDS, ...VERIFY_COMMANDS, ...VIEW_COMMANDS, webLink, doctor, ...LOCK_COMMANDS].map((c) => [c.name, c])
)
