/**
 * Loaded with `node --import` into a process under measure. At exit it writes, as JSON, to
 * the file named by TAMTAM_PROBE_OUT: the peak RSS (getrusage) and, when TAMTAM_PROBE_MODULES
 * is set, every module the process loaded. ES modules are seen by a load hook
 * (probe-hooks.ts, which runs on the loader thread and appends each URL to that file as it
 * loads, so none is lost at exit); CommonJS modules required from CommonJS never reach
 * those hooks in Node 20, so they are read from the require cache at exit. The union of both,
 * by file URL, is the count. The hooks cost time, so timed runs load the probe without them.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const out = process.env.TAMTAM_PROBE_OUT
const modules = process.env.TAMTAM_PROBE_MODULES
if (modules !== undefined) register('./probe-hooks.js', import.meta.url, { data: { file: modules } })

process.on('exit', () => {
  if (out === undefined) return
  const maxRssKiB = process.resourceUsage().maxRSS
  if (modules !== undefined) {
    const cache = createRequire(import.meta.url).cache
    appendFileSync(modules, Object.keys(cache).map((p) => pathToFileURL(p).href + '\n').join(''))
  }
  writeFileSync(out, JSON.stringify({ maxRssKiB }))
})
