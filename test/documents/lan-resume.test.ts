// Resuming, on namespace hosts with the Internet cut and a rate-limited link: a `get` killed
// halfway, or cut off from its peer, resumes and fetches only the blocks it lacks; nothing
// is written at the target until the whole file is there and verified.
import t from 'tap'
import path from 'node:path'
import { promises as fs } from 'node:fs'
import { createLan, skipUnlessLan, type Lan } from '../helpers/lan.js'
import { makeHome, startNode, tamtam, type LanNode } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { docsCli, docsCliOn, jsonError, jsonLines, randomFile, sha256File, spawnDocsCliOn } from './helpers.js'

const MB = 1000 * 1000
const SIZE = 20 * MB
/** Two blocks of slack for comparing byte counts estimated from whole blocks. */
const SLACK = 2 * 64 * 1024

interface Setup { lan: Lan, dir: string, a: string, b: string, node: LanNode, id: string, sha256: string }

/** A (with a node) shares a 20 MB file; B has joined and runs no node; the link is limited to `mbit`. */
async function setup (t: any, mbit: number): Promise<Setup> {
  const lan = await createLan({ segments: { s1: ['a', 'b'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b] = await Promise.all(['a', 'b'].map(async (n) => await makeHome(dir, n)))
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(b, 'room', 'join', invite)
  const node = await startNode(lan, 'a', a)
  t.teardown(() => node.stop())
  const file = await randomFile(dir, 'archives.tar', SIZE)
  const shared = jsonLines((await docsCli(a, ['--json', 'share', 'atelier', file.file])).stdout).pop() as Record<string, any>
  await lan.rateLimit('a', 's1', mbit)
  return { lan, dir, a, b, node, id: shared.id, sha256: file.sha256 }
}

t.test('a get killed halfway resumes and fetches only what it lacked', async (t) => {
  if (!skipUnlessLan(t)) return
  const s = await setup(t, 16)
  const out = path.join(s.dir, 'out.tar')
  // No node on B: the get process runs the network itself, so killing it drops everything.
  const child = spawnDocsCliOn(s.lan, 'b', s.b, ['--json', 'get', 'atelier', s.id, '-o', out, '--lan-only'])
  let buffer = ''
  let reached = 0
  child.stdout?.on('data', (d) => {
    buffer += String(d)
    for (const line of buffer.split('\n').slice(0, -1)) {
      try {
        const e = JSON.parse(line)
        if (e.event === 'progress' && e.phase === 'fetch') reached = Math.max(reached, e.bytes)
      } catch {}
    }
    buffer = buffer.slice(buffer.lastIndexOf('\n') + 1)
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.ok(await eventually(() => reached >= SIZE * 0.45 || child.exitCode !== null, 60_000, 20), `the first get reached ${(reached / MB).toFixed(1)} MB`)
  t.ok(reached < SIZE * 0.8, 'and was still well short of the end')
  child.kill('SIGKILL')
  await exited
  t.equal(child.signalCode, 'SIGKILL', 'killed by SIGKILL')
  await t.rejects(fs.stat(out), 'nothing at the target after the kill')
  t.same((await fs.readdir(s.dir)).filter((n) => n.endsWith('.part')), [], 'and no temp file')

  const second = await docsCliOn(s.lan, 'b', s.b, ['--json', 'get', 'atelier', s.id, '-o', out, '--lan-only'], 120_000)
  t.equal(second.code, 0, `the second get completes ${second.stderr}`)
  const done = jsonLines(second.stdout).pop() as Record<string, any>
  t.equal(await sha256File(out), s.sha256, 'with the exact bytes')
  t.ok(done.localBytesAtStart >= reached - SLACK, `it started from the ${(done.localBytesAtStart / MB).toFixed(1)} MB kept in the store (first run reported ${(reached / MB).toFixed(1)} MB)`)
  t.ok(Math.abs(done.downloadedBytes + done.localBytesAtStart - SIZE) <= SLACK, `it fetched only the rest: ${(done.downloadedBytes / MB).toFixed(1)} MB + ${(done.localBytesAtStart / MB).toFixed(1)} MB kept = ${(SIZE / MB).toFixed(0)} MB`)
  t.ok(done.downloadedBytes <= SIZE - reached + SLACK, 'never more than what the first run had not got')
})

t.test('a get cut off from its peer stops with DOC_UNAVAILABLE, keeps what it got, and resumes', async (t) => {
  if (!skipUnlessLan(t)) return
  const s = await setup(t, 16)
  const nodeB = await startNode(s.lan, 'b', s.b)
  t.teardown(() => nodeB.stop())
  const out = path.join(s.dir, 'out.tar')
  // Through B's node this time: the progress comes over the control socket.
  const child = spawnDocsCliOn(s.lan, 'b', s.b, ['--json', 'get', 'atelier', s.id, '-o', out, '--stall-timeout', '3'])
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => { stdout += String(d) })
  child.stderr?.on('data', (d) => { stderr += String(d) })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const fetched = (): number => Math.max(0, ...jsonLines(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).filter((e) => e.phase === 'fetch').map((e) => e.bytes))
  t.ok(await eventually(() => fetched() >= SIZE * 0.3 || child.exitCode !== null, 60_000, 20), 'the get is under way')
  await s.lan.setLink('b', 's1', false)
  const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 30_000))])
  t.equal(code, 1, 'with the link down it gives up after the stall timeout, exit 1')
  t.equal(jsonError({ code: 1, stdout, stderr })?.code, 'DOC_UNAVAILABLE', 'DOC_UNAVAILABLE')
  t.match(jsonError({ code: 1, stdout, stderr })?.hint, /keep `tamtam up` running or try again when its author is online/, 'with a hint a person can act on')
  const kept = fetched()
  await t.rejects(fs.stat(out), 'nothing at the target')

  await s.lan.setLink('b', 's1', true)
  const second = await docsCliOn(s.lan, 'b', s.b, ['--json', 'get', 'atelier', s.id, '-o', out], 120_000)
  t.equal(second.code, 0, `once the link is back, get completes ${second.stderr}`)
  const done = jsonLines(second.stdout).pop() as Record<string, any>
  t.equal(await sha256File(out), s.sha256, 'with the exact bytes')
  t.ok(done.localBytesAtStart >= kept - SLACK, `what arrived before the cut was kept (${(done.localBytesAtStart / MB).toFixed(1)} MB)`)
  t.ok(done.downloadedBytes <= SIZE - kept + SLACK, `only the rest was fetched (${(done.downloadedBytes / MB).toFixed(1)} MB)`)
})
