/**
 * src/log/tail-peek.ts on a log whose blocks past the prefix arrive out of order: a late
 * joiner may fetch a message before the room setting written ahead of it. The peek must
 * read the setting when it comes, with the ts the index would give it. A high-water mark
 * missed it (found under CI load: the late joiner never passed the expired hole).
 */
import t from 'tap'
import type { LogRecord } from '../../src/log/records.js'
import { TailPeek, type PeekSource } from '../../src/log/tail-peek.js'

/** A log of `blocks` with a readable prefix and some blocks held past it. */
function logWith (blocks: Array<Record<string, unknown>>, readable: number): PeekSource & { held: Set<number>, reads: number } {
  const held = new Set<number>()
  const log = {
    held,
    reads: 0,
    readable,
    core: { length: blocks.length },
    readHere: async (seq: number) => {
      log.reads++
      return held.has(seq) ? { record: blocks[seq] as unknown as LogRecord } : null
    },
    nextHeld: (from: number) => {
      for (let seq = from; seq < blocks.length; seq++) if (held.has(seq)) return seq
      return -1
    }
  }
  return log
}

t.test('a setting that arrives after the message behind it is still found', async (t) => {
  // 0 binding, 1 expired (never arrives), 2 the setting, 3 a message.
  const log = logWith([{ type: 'bind', ts: 100 }, { type: 'msg', ts: 200 }, { type: 'room-setting', expire: 30, ts: 300 }, { type: 'msg', ts: 400 }], 1)
  const peek = new TailPeek()
  log.held.add(3)
  t.same(await peek.mods(log), [], 'only the message has arrived: nothing yet')
  log.held.add(2)
  t.same(await peek.mods(log), [{ seq: 2, ts: 300, action: 'expire', target: '30' }], 'the setting is read when it comes')
  const reads = log.reads
  t.same(await peek.mods(log), [{ seq: 2, ts: 300, action: 'expire', target: '30' }], 'and kept')
  t.equal(log.reads, reads, 'each block is read once')
})

t.test('the ts is the largest so far in log order, as the index gives it; the prefix takes over', async (t) => {
  const log = logWith([{ type: 'bind', ts: 100 }, { type: 'msg', ts: 200 }, { type: 'msg', ts: 500 }, { type: 'mod', action: 'add-mod', target: 'ab', ts: 450 }], 1)
  const peek = new TailPeek()
  log.held.add(3)
  t.same(await peek.mods(log), [{ seq: 3, ts: 450, action: 'add-mod', target: 'ab' }], 'alone, its own ts')
  log.held.add(2)
  t.same(await peek.mods(log), [{ seq: 3, ts: 500, action: 'add-mod', target: 'ab' }], 'after a later-stamped block before it, that block\'s ts')
  ;(log as { readable: number }).readable = 4
  t.same(await peek.mods(log), [], 'nothing once the prefix passes it (the index has it)')
})
