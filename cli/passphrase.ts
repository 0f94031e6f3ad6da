/**
 * Passphrases typed on the terminal, without echo. Installed as the library's passphrase
 * source (src/vault/passphrase.ts) when the CLI runs on a terminal and TAMTAM_PASSPHRASE_FD
 * is not set. A new passphrase is asked twice. Ctrl-C cancels.
 */
import { fail } from '../src/errors/index.js'
import type { Translate } from '../src/i18n/index.js'
import { UNLOCK_TRIES, askPassphrase, passphraseFdSet, setPassphraseSource, type PassphrasePurpose, type PassphraseSource } from '../src/vault/index.js'

/** Read one line from the terminal in raw mode, echoing nothing. */
async function readHidden (prompt: string): Promise<string> {
  const input = process.stdin
  process.stderr.write(prompt)
  const wasRaw = input.isRaw
  input.setRawMode(true)
  input.resume()
  try {
    return await new Promise<string>((resolve, reject) => {
      let typed = ''
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') { done(); resolve(typed); return }
          if (ch === '\u0003') { done(); reject(fail('USAGE', 'cancelled')); return }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
          else if (ch === '\u0015') typed = ''
          else if (ch >= ' ') typed += ch
        }
      }
      const done = (): void => { input.off('data', onData); process.stderr.write('\n') }
      input.on('data', onData)
    })
  } finally {
    // Not paused again: the app's blessed resumes stdin only when it finds it in cooked
    // mode and never resumes a paused stream otherwise, so its keys would never arrive.
    // main.ts exits explicitly, so a flowing stdin keeps no command alive.
    input.setRawMode(wasRaw)
  }
}

/** The terminal source: the unlock prompt says which try it is; new passphrases are typed twice. */
function terminalSource (t: Translate): PassphraseSource {
  return async ({ home, purpose, attempt }) => {
    if (purpose === 'unlock') {
      return await readHidden(attempt === 1 ? t('lock.prompt.unlock', { home }) : t('lock.prompt.retry', { home, attempt: String(attempt - 1), tries: String(UNLOCK_TRIES) }))
    }
    for (let i = 0; i < UNLOCK_TRIES; i++) {
      const first = await readHidden(t(purpose === 'duress' ? 'lock.prompt.duress' : 'lock.prompt.new'))
      if (first.length === 0) throw fail('PASSPHRASE_EMPTY')
      if (await readHidden(t('lock.prompt.again')) === first) return first
      process.stderr.write(t('lock.prompt.mismatch') + '\n')
    }
    throw fail('USAGE', 'the passphrases typed did not match')
  }
}

/** Prompt on the terminal unless a script gives passphrases on TAMTAM_PASSPHRASE_FD, or there is no terminal. */
export function installPassphrasePrompt (t: Translate): void {
  if (!passphraseFdSet() && process.stdin.isTTY) setPassphraseSource(terminalSource(t))
}

/** Ask a passphrase of `purpose` for `home` (the CLI's lock commands gather theirs before running). */
export async function ask (home: string, purpose: PassphrasePurpose): Promise<string> {
  return await askPassphrase({ home, purpose, attempt: 1 })
}
