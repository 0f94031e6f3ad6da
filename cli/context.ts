/** What every CLI action needs: the home, output mode and a way to print. */
import { resolveHome } from '../src/home/index.js'

/** Global options shared by every command. */
export interface GlobalOptions { home?: string, json?: boolean, lang?: string }

/** The resolved context of one CLI run. */
export interface CliContext {
  home: string
  json: boolean
  lang: 'en' | 'fr'
  print: (text: string) => void
  note: (text: string) => void
}

/** Pick the language: --lang, then LANG/LC_ALL, then English. */
export function pickLang (explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): 'en' | 'fr' {
  const source = explicit ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? ''
  return source.toLowerCase().startsWith('fr') ? 'fr' : 'en'
}

/** Build the context from commander's global options. */
export function makeContext (opts: GlobalOptions): CliContext {
  return {
    home: resolveHome(opts.home),
    json: opts.json === true,
    lang: pickLang(opts.lang),
    print: (text) => { if (text.length > 0) process.stdout.write(text + '\n') },
    note: (text) => { process.stderr.write(text + '\n') }
  }
}
