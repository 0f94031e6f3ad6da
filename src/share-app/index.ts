/**
 * share-app: give tamtam itself to people with no Internet. The running installation is
 * packed, with its production dependencies and this platform's native binaries, into one
 * tarball (cached), then either served on the LAN over HTTP with a bilingual install page
 * ({@link serveApp}) or written to a folder such as a USB stick ({@link writeAppFolder}).
 */
export * from './root.js'
export * from './files.js'
export * from './tarball.js'
export * from './guide.js'
export * from './page.js'
export * from './server.js'
export * from './folder.js'
