/**
 * Where a passphrase comes from. The library never touches a terminal: by default it reads
 * the file descriptor named by TAMTAM_PASSPHRASE_FD (scripts), and the CLI installs a
 * prompt on the terminal (cli/passphrase.ts) with setPassphraseSource.
 */
import { readSync } from 'node:fs'
import { fail } from '../errors/index.js'

/** What the passphrase is asked for: to open the home, or a new one to set. */
export type PassphrasePurpose = 'unlock' | 'new' | 'duress'

/** A source of passphrases; `attempt` counts from 1 on the unlock prompt after a wrong one. */
export type PassphraseSource = (request: { home: string, purpose: PassphrasePurpose, attempt: number }) => Promise<string>

/** Most bytes read from TAMTAM_PASSPHRASE_FD. */
const MAX_FD_BYTES = 4096

/** Lines already read from the descriptor (it can be read once; `lock change` needs two). */
let fdLines: string[] | null = null

/** The passphrase lines given on TAMTAM_PASSPHRASE_FD, one per line, or null when unset. */
function fdPassphrases (env: NodeJS.ProcessEnv): string[] | null {
  const fd = env.TAMTAM_PASSPHRASE_FD
  if (fd === undefined || fd === '') return null
  if (fdLines !== null) return fdLines
  const n = Number(fd)
  if (!Number.isInteger(n) || n < 0) throw fail('USAGE', 'TAMTAM_PASSPHRASE_FD must be a file descriptor number')
  const buffer = Buffer.alloc(MAX_FD_BYTES)
  let length = 0
  try {
    for (;;) {
      const got = readSync(n, buffer, length, MAX_FD_BYTES - length, null)
      if (got === 0 || (length += got) >= MAX_FD_BYTES) break
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw fail('USAGE', `cannot read TAMTAM_PASSPHRASE_FD ${fd}: ${(err as Error).message}`)
  }
  const text = buffer.subarray(0, length).toString('utf8')
  buffer.fill(0)
  fdLines = text.split(/\r?\n/)
  return fdLines
}

/** How many lines of the descriptor were used. */
let fdUsed = 0

/**
 * The library's default: each passphrase asked is the next line of TAMTAM_PASSPHRASE_FD, in
 * the order the command asks (`lock change`: the current one, then the new one, then the
 * duress one). A wrong one is not asked again. Without it, PASSPHRASE_NEEDED.
 */
export function environmentSource (env: NodeJS.ProcessEnv = process.env): PassphraseSource {
  return async ({ attempt }) => {
    const lines = fdPassphrases(env)
    if (lines === null) throw fail('PASSPHRASE_NEEDED', 'this home has a passphrase and no terminal or TAMTAM_PASSPHRASE_FD gives it')
    if (attempt > 1) throw fail('PASSPHRASE_WRONG')
    return lines[fdUsed++] ?? ''
  }
}

/** Whether TAMTAM_PASSPHRASE_FD is set (then the CLI does not prompt). */
export function passphraseFdSet (env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.TAMTAM_PASSPHRASE_FD ?? '') !== ''
}

let source: PassphraseSource = environmentSource()

/** Install the process's passphrase source (the CLI's terminal prompt, or a test's). */
export function setPassphraseSource (next: PassphraseSource): void {
  source = next
}

/** Ask the installed source. */
export async function askPassphrase (request: { home: string, purpose: PassphrasePurpose, attempt: number }): Promise<string> {
  return await source(request)
}
