/** English: the keys of the web server for phones (`up --web`, issue 20), kept apart so each catalogue file stays short. */
export const web = {
  'help.web': 'also serve phones on the LAN: a web page and a WebSocket where a phone joins a room from its browser',
  'help.webPort': 'port of the web server for phones',
  'help.webMaxSessions': 'most phone sessions at once on this host; more phones are told the host is full',
  'help.webLink': 'print the link phones open to join a room from their browser (needs `tamtam up --web` running)',
  'help.webLinkQr': 'also print the first link as a QR code to scan',
  'help.webLinkAfter': '\nEach link is the address of the node\'s web server with the room\'s invite after #: the phone\'s browser keeps that part and never sends it to the server. Show the QR code only to the people you invite.',
  'web.links': 'phones join {room} by opening:',
  'error.WEB_NOT_RUNNING': 'no node serves phones on this home: start it with `tamtam up --web`, then run this again',
  'tui.web': 'Phones join {room} by opening {link} (scan the QR code; show it only to people you invite).',
  'up.web': 'phones can join from a browser at {url} (add the room\'s invite after #)',
  'error.PHONE_HANDSHAKE': 'the phone connection sent a handshake message that cannot be read (another version, or damaged): reload the page',
  'error.PHONE_REFUSED': 'the phone and the host could not prove they hold the same room: check the invite, or open the link the host shows again',
  'error.PHONE_FRAME': 'a message on the phone connection did not decrypt or was out of order; the connection was closed: reload the page',
  'error.PHONE_FRAME_TOO_LARGE': 'a message on the phone connection is over the 64 KiB limit',
  'error.PHONE_QUOTA_EXCEEDED': 'this phone has stored as many documents on this host as it may: ask the host to raise the per-phone cap, or share from a laptop',
  'error.HOSTED_INVALID': 'the phone did not sign this record for this log and place: reload the page on the phone'
}
