/** English: the keys of the web server for phones (`up --web`, issue 20), kept apart so each catalogue file stays short. */
export const web = {
  'help.web': 'also serve phones on the LAN: a web page and a WebSocket where a phone joins a room from its browser',
  'help.webPort': 'port of the web server for phones',
  'up.web': 'phones can join from a browser at {url} (add the room\'s invite after #)',
  'error.PHONE_HANDSHAKE': 'the phone connection sent a handshake message that cannot be read (another version, or damaged): reload the page',
  'error.PHONE_REFUSED': 'the phone and the host could not prove they hold the same room: check the invite, or open the link the host shows again',
  'error.PHONE_FRAME': 'a message on the phone connection did not decrypt or was out of order; the connection was closed: reload the page',
  'error.PHONE_FRAME_TOO_LARGE': 'a message on the phone connection is over the 64 KiB limit',
  'error.HOSTED_INVALID': 'the phone did not sign this record for this log and place: reload the page on the phone'
}
