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

t.test('on the way forward the ts is the largest so far, as the index gives it; behind the mark its own; the prefix takes over', async (t) => {
  const log = logWith([{ type: 'bind', ts: 100 }, { type: 'msg', ts: 200 }, { type: 'msg', ts: 500 }, { type: 'mod', action: 'add-mod', target: 'ab', ts: 450 }, { type: 'msg', ts: 600 }, { type: 'mod', action: 'remove', target: 'cd', ts: 550 }], 1)
  const peek = new TailPeek()
  log.held.add(2)
  log.held.add(3)
  log.held.add(5)
  t.same(await peek.mods(log), [{ seq: 3, ts: 500, action: 'add-mod', target: 'ab' }, { seq: 5, ts: 550, action: 'remove', target: 'cd' }], 'forward: a later-stamped block before it raises its ts')
  ;(log as { readable: number }).readable = 4
  t.same(await peek.mods(log), [{ seq: 5, ts: 550, action: 'remove', target: 'cd' }], 'once the prefix passes a record, the index has it')
  ;(log as { readable: number }).readable = 6
  t.same(await peek.mods(log), [], 'and nothing is left past it')
})

t.test('a call reads only blocks not read before: a big sync does not rescan what it holds', async (t) => {
  const blocks = Array.from({ length: 10_000 }, (_, i) => ({ type: 'msg', ts: i }))
  blocks[8_500] = { type: 'mod', action: 'remove', target: 'cd', ts: 8_500 }
  const log = logWith(blocks, 1)
  let lookups = 0
  const nextHeld = log.nextHeld
  log.nextHeld = (from: number) => { lookups++; return nextHeld(from) }
  const peek = new TailPeek()
  for (let seq = 4_000; seq < 10_000; seq++) log.held.add(seq) // a chunk far past the prefix came first
  t.same(await peek.mods(log), [], 'the first 2,000 blocks past the prefix hold no record')
  t.same(await peek.mods(log), [], 'nor the next 2,000 (the budget is per call)')
  t.same((await peek.mods(log)).map((m) => m.seq), [8_500], 'the third call reaches the record')
  const reads = log.reads
  lookups = 0
  t.same((await peek.mods(log)).map((m) => m.seq), [8_500], 'asked again')
  t.equal(log.reads, reads, 'nothing is read again')
  t.ok(lookups <= 3, `and the held blocks are not walked again (${lookups} lookups)`)
  for (let seq = 1; seq < 4_000; seq++) log.held.add(seq) // the gap before the chunk fills
  let most = 0
  for (let call = 0; call < 200; call++) {
    const before = log.reads
    await peek.mods(log)
    most = Math.max(most, log.reads - before)
  }
  t.ok(most <= 32, `a call reads at most 32 blocks behind the mark (${most}): a big sync is not held up`)
  t.equal(log.reads, reads + 3_999, 'the blocks that filled the gap are read over the calls, once each')
})
