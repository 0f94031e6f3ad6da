/** What every CLI action needs: the home, output mode, language and a way to print. */
import { resolveHome } from '../src/home/index.js'
import { loadLang, pickLang, translator, type Translate } from '../src/i18n/index.js'

/** Global options shared by every command. */
export interface GlobalOptions { home?: string, json?: boolean, lang?: string }

/** The resolved context of one CLI run. */
export interface CliContext {
  home: string
  json: boolean
  lang: string
  t: Translate
  print: (text: string) => void
  note: (text: string) => void
  /** Aborted when the run is asked to stop (cli/lifetime.ts); long entries close on it. */
  signal: AbortSignal
}

/** Build the context from commander's global options (loads the language's catalogue). */
export async function makeContext (opts: GlobalOptions, signal: AbortSignal = new AbortController().signal): Promise<CliContext> {
  const lang = await loadLang(pickLang(opts.lang, process.env))
  return {
    home: resolveHome(opts.home, process.env),
    json: opts.json === true,
    lang,
    t: translator(lang),
    print: (text) => { if (text.length > 0) process.stdout.write(text + '\n') },
    note: (text) => { process.stderr.write(text + '\n') },
    signal
  }
}
