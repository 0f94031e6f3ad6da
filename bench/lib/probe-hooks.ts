/** Module hooks of probe.ts: append the URL of every module loaded to a file, synchronously. */
import { appendFileSync } from 'node:fs'

let file = ''

/** Called once by `register` with the file to append to. */
export function initialize (data: { file: string }): void {
  file = data.file
}

/** Record the module, then load it as usual. */
export async function load (url: string, context: unknown, next: (url: string, context: unknown) => Promise<unknown>): Promise<unknown> {
  appendFileSync(file, url + '\n')
  return await next(url, context)
}
