/** Timeline: the merged, ordered, paged view of a room. */
export * from './timeline.js'
