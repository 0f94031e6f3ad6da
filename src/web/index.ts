/**
 * Phones join from a browser (issue 20): the node's web server, a phone's socket and its
 * session protocol (docs/protocol.md §17).
 */
export { DEFAULT_MAX_SESSIONS, DEFAULT_SOCKET_LIMITS, DEFAULT_WEB_PORT, WebServer, type WebEvents, type WebOptions } from './server.js'
export { PhoneSession, SESSION_VERSION } from './session.js'
export { CLOSE, type SocketLimits } from './socket.js'
export { MAX_HISTORY_ITEMS } from './history.js'
export { PLACEHOLDER_PAGE, WEB_CSP } from './page.js'
