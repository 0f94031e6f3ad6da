/** English: the keys of disappearing messages (`room set --expire`, issue 21), kept apart so each catalogue file stays short. */
export const expiry = {
  'help.roomSetExpire': 'messages disappear from every peer after this long: off, or 10s to 365d (e.g. 30m, 24h, 7d)',
  'help.roomSetAfter': '\nThe setting is a signed record in your log: every peer running tamtam clears older messages, private messages, documents\' announcements and drill records from its disk. Names, moderation and settings are kept. A peer running a modified tamtam can keep copies.\n\nExamples:\n  tamtam room set atelier --expire 24h\n  tamtam room set atelier --expire off\n',
  'expiry.set': '{room}: messages now disappear after {after} (a signed record in your log; every peer applies it)',
  'expiry.off': '{room}: messages are kept (expiry off)',
  'expiry.show': '{room}: messages disappear after {after}',
  'expiry.showOff': '{room}: messages are kept (no expiry)',
  'expiry.tag': 'expire {after}',
  'expiry.status': 'disappear after {after}'
}
