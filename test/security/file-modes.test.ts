// Another account on the same computer must not read a tamtam home (issue 17, finding 17).
// With the real CLI: a home dir that already existed (mode 0755), then an identity, a room,
// a shared document and a fetched one (into a folder of the user's own). Then every file under the home is read as the account `nobody`
// (setpriv), and the mode of every entry is checked. Then the home is loosened the way an
// older tamtam left it (`chmod -R go+rX`): the next command must make it private again.
//
// Figure printed: which files `nobody` could read.
import t from 'tap'
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { BIN, childEnv } from '../helpers/cli.js'
import { requirePrerequisite } from '../helpers/prereq.js'
import { tempDir } from '../helpers/peers.js'

const NOBODY = 65534

/** Why this machine cannot run a command as another account, or null when it can. */
function otherUidMissing (): string | null {
  if (process.platform !== 'linux') return `platform is ${process.platform}`
  if (process.getuid?.() !== 0) return 'not root: cannot switch to another account'
  try {
    execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'true'])
    return null
  } catch (err) {
    return `setpriv does not work here: ${(err as Error).message}`
  }
}

/** Every entry under `dir` (not following links), with its mode. */
function walk (dir: string): Array<{ file: string, mode: number, isDir: boolean }> {
  const out: Array<{ file: string, mode: number, isDir: boolean }> = []
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name)
    const st = lstatSync(file)
    if (st.isSymbolicLink()) continue
    out.push({ file, mode: st.mode & 0o777, isDir: st.isDirectory() })
    if (st.isDirectory()) out.push(...walk(file))
  }
  return out
}

/** Read each file as `nobody`; returns the ones it could read (or list, for dirs). */
function readableByNobody (script: string, files: string[]): string[] {
  const out = execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, script, ...files], { encoding: 'utf8' })
  return JSON.parse(out) as string[]
}

const READER = `
const fs = require('node:fs')
const ok = []
for (const f of process.argv.slice(2)) {
  try { fs.statSync(f).isDirectory() ? fs.readdirSync(f) : fs.readFileSync(f); ok.push(f) } catch (err) { if (err.code !== 'EACCES') ok.push(f + ' (' + err.code + ')') }
}
console.log(JSON.stringify(ok))
`

/** Run the real CLI in `cwd` (where `get` writes by default). */
async function tamtamIn (cwd: string, home: string, ...args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, '--home', home, ...args], { cwd, env: childEnv(), timeout: 30_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`tamtam ${args.join(' ')}: ${stderr}`))
      else resolve(stdout)
    })
  })
}

t.test('another account reads nothing of a home, its store, or fetched documents', async (t) => {
  if (!requirePrerequisite(t, 'root and setpriv (to act as another account)', otherUidMissing())) return
  // A parent any account can walk through, as a real home's parent (/home/awa) often is.
  const parent = tempDir(t, 'tamtam-modes-')
  chmodSync(parent, 0o755)
  const script = path.join(parent, 'reader.cjs')
  writeFileSync(script, READER, { mode: 0o644 })
  const home = path.join(parent, 'home')
  mkdirSync(home, { mode: 0o755 })
  chmodSync(home, 0o755)
  const mine = path.join(parent, 'mes-documents')
  mkdirSync(mine, { mode: 0o755 })
  chmodSync(mine, 0o755)

  const tamtam = async (h: string, ...args: string[]): Promise<string> => await tamtamIn(mine, h, ...args)
  await tamtam(home, 'init', '--name', 'Awa')
  await tamtam(home, 'room', 'create', 'atelier')
  await tamtam(home, 'send', 'atelier', 'rendez-vous à 18 h')
  const file = path.join(parent, 'plan.txt')
  writeFileSync(file, 'le plan du quartier\n'.repeat(1000))
  const last = (out: string): any => JSON.parse(out.trim().split('\n').pop() ?? '')
  const shared = last(await tamtam(home, '--json', 'share', 'atelier', file)) as { id: string }
  // `get` writes into the current folder (the user's own); --json lines end with the result.
  const intoMine = last(await tamtam(home, '--json', 'get', 'atelier', shared.id)) as { file: string }
  t.equal(path.dirname(intoMine.file), mine, 'fetched into the user\'s own folder')

  const check = (when: string): void => {
    const entries = walk(home)
    const loose = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${path.relative(home, e.file)} ${e.mode.toString(8)}`)
    const files = [home, ...entries.map((e) => e.file), intoMine.file]
    const read = readableByNobody(script, files).map((f) => path.relative(parent, f))
    t.comment(`${when}: ${entries.length} entries under the home; nobody could read ${read.length}: ${read.slice(0, 12).join(', ')}${read.length > 12 ? ', …' : ''}`)
    t.same(read, [], `${when}: the account nobody reads nothing (EACCES on every file)`)
    t.same(loose, [], `${when}: no entry under the home has group or other bits`)
    t.equal(lstatSync(home).mode & 0o777, 0o700, `${when}: the home is 0700`)
    t.equal(lstatSync(intoMine.file).mode & 0o777, 0o600, `${when}: a document fetched into the user's own folder is 0600`)
  }
  t.ok(walk(home).some((e) => e.file.includes(`${path.sep}store${path.sep}`) && !e.isDir), 'the store has files')
  check('a home that existed as 0755')

  // An older tamtam, or a loose umask, left this: the next command makes it private again.
  execFileSync('chmod', ['-R', 'go+rX', home])
  await tamtam(home, 'docs', 'atelier')
  check('a home left 0755 with 0644 files, after one command')
})

t.test('a home whose mode cannot be fixed is refused with a clear error', async (t) => {
  if (!requirePrerequisite(t, 'root and setpriv (to act as another account)', otherUidMissing())) return
  const parent = tempDir(t, 'tamtam-modes-')
  chmodSync(parent, 0o755)
  const home = path.join(parent, 'home')
  mkdirSync(home, { mode: 0o777 })
  chmodSync(home, 0o777)
  // nobody runs tamtam on a home that root owns and left open: chmod is not allowed.
  const bin = path.resolve('bin/tamtam.js')
  let stderr = ''
  try {
    execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, bin, '--home', home, 'init', '--name', 'X'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } })
    t.fail('init succeeded on a home that other accounts can read')
  } catch (err) {
    stderr = String((err as { stderr?: string }).stderr)
  }
  t.match(stderr, /HOME_INVALID/, 'refused with HOME_INVALID')
  t.match(stderr, /chmod 700/, 'saying what to do')
})
