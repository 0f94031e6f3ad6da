/** The node: one process owning a home dir. */
export * from './node.js'
export * from './run-command.js'
