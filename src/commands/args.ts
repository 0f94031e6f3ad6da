/** Argument readers for commands: arguments may come from a socket, so check them. */
import parseMs, { type StringValue } from 'ms'
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

/**
 * An optional duration: "20s", "5m", "1h", "500ms" (the `ms` package), or a bare number
 * of seconds. Returns milliseconds.
 */
export function optDuration (args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key]
  if (value === undefined || value === null) return undefined
  const text = String(value).trim()
  const parsed = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseMs(text as StringValue)
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) throw fail('USAGE', `${key} must be a duration such as 20s, 5m or 1h (got "${text}")`)
  return Math.round(parsed)
}

/** An optional percentage: "5%" or "5", from 0 to 100. */
export function optPercent (args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key]
  if (value === undefined || value === null) return undefined
  const n = Number(String(value).trim().replace(/%$/, ''))
  if (!Number.isFinite(n) || n < 0 || n > 100) throw fail('USAGE', `${key} must be a percentage from 0 to 100, such as 5%`)
  return n
}
