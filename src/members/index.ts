/**
 * Members: who is in a room (verified authors of its logs, named and fingerprinted) and
 * the one resolver from what someone typed to one of them.
 */
export { byIdentity, logMembers, onePerPerson, people, roomMembers, unknownMember, type Member } from './view.js'
export { memberAmbiguous, memberNotFound, pickMember, resolveMember, type PickOptions } from './resolve.js'
