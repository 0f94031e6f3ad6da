/** Argument readers for commands: arguments may come from a socket, so check them. */
import { fail } from '../errors/index.js'

/** A required string argument. */
export function str (args: Record<string, unknown>, key: string): string {
  const value = args[key]
  if (typeof value !== 'string' || value.length === 0) throw fail('USAGE', `missing ${key}`)
  return value
}

/** An optional string argument. */
export function optStr (args: Record<string, unknown>, key: string): string | undefined {
  const value = args[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw fail('USAGE', `${key} must be text`)
  return value
}

/** An optional non-negative integer argument. */
export function optInt (args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key]
  if (value === undefined || value === null) return undefined
  const n = typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw fail('USAGE', `${key} must be a whole number`)
  return n
}

/** The language for words and messages: 'fr' or 'en'. */
export function lang (args: Record<string, unknown>): 'en' | 'fr' {
  return args.lang === 'fr' ? 'fr' : 'en'
}
