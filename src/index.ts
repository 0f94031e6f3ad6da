/**
 * tamtam, the library: chat rooms and documents over signed Hypercore logs that keep
 * working on a LAN with the Internet cut. Usable without a terminal.
 */
export * from './errors/index.js'
export * from './identity/index.js'
export * from './room/index.js'
export * from './log/index.js'
export * from './timeline/index.js'
export * from './replication/index.js'
export * from './commands/index.js'
export * from './control/index.js'
export * from './node/index.js'
export { sanitizeText, sanitizeName } from './text/sanitize.js'
export { resolveHome, homePaths } from './home/index.js'
export { Tamtam, type TamtamOptions } from './tamtam.js'
