/**
 * `require` for the CommonJS packages on the app's startup path (tweetnacl, Corestore).
 * An ESM `import` of a CommonJS file makes Node scan its source for named exports
 * (cjs-module-lexer); for these two that was about 20 ms of every cold start, a twentieth
 * of the first paint. Each call site casts to the package's own type.
 */
import { createRequire } from 'node:module'

export const requireCjs = createRequire(import.meta.url)
