/**
 * src/rerun.ts: a call during a run gets a run that starts after it (never the stale pass),
 * runs never overlap, callers during one run share one more run, and a failed run does not
 * stop the next. Found under CI load: a sweep joined by a newer caller missed a log's growth.
 */
import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { rerunning } from '../src/rerun.js'

t.test('a caller during a run is answered by a run that saw its input', async (t) => {
  let input = 0
  let active = 0
  let maxActive = 0
  let runs = 0
  const task = rerunning(async () => {
    runs++
    active++
    maxActive = Math.max(maxActive, active)
    const seen = input // read at the start, like a sweep reading the logs
    await sleep(50)
    active--
    return seen
  })
  const first = task()
  await sleep(10)
  input = 1 // arrives during the first run
  const [second, third] = [task(), task()]
  t.equal(await first, 0, 'the first caller gets the pass it started')
  t.equal(await second, 1, 'a caller during the run gets a pass that saw the new input')
  t.equal(await third, 1, 'and so does another')
  t.equal(runs, 2, 'callers during one run share one more run')
  t.equal(maxActive, 1, 'runs never overlap')
  t.equal(await task(), 1, 'an idle call runs at once')
  t.equal(runs, 3)
})

t.test('a failed run does not stop the one queued after it', async (t) => {
  let fail = true
  const task = rerunning(async () => {
    const failing = fail
    await sleep(20)
    if (failing) throw new Error('disk')
    return 'ok'
  })
  const first = task()
  fail = false
  const second = task()
  await t.rejects(first, /disk/, 'the failed run rejects its caller')
  t.equal(await second, 'ok', 'the queued run still runs')
})
