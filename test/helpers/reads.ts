import { MemberLog } from '../../src/log/member-log.js'

/**
 * Count the blocks MemberLog.read is asked for while `fn` runs (instrumentation of the
 * real method, not a mock: every read still happens). Returns the count and fn's value.
 */
export async function countReads<T> (fn: () => Promise<T>): Promise<{ n: number, value: T }> {
  const original = MemberLog.prototype.read
  let n = 0
  MemberLog.prototype.read = async function (this: MemberLog, seq: number) {
    n++
    return await original.call(this, seq)
  }
  try {
    const value = await fn()
    return { n, value }
  } finally {
    MemberLog.prototype.read = original
  }
}
