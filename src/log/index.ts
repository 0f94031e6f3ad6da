/** Member logs and their records. */
export * from './records.js'
export * from './member-log.js'
