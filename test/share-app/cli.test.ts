// The share-app CLI: its help in both languages, --out through the shared command runner,
// the foreground server until a signal, and the real `tamtam share-app --help`.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { Command as Commander, CommanderError } from 'commander'
import { eventLine, formatShareApp, registerShareAppCommand, serveForeground } from '../../cli/share-app.js'
import type { CliContext } from '../../cli/context.js'
import { Lifetime } from '../../cli/lifetime.js'
import { loadLang, translator, type Translate } from '../../src/i18n/index.js'
import { buildAppTarball, type AppTarball, type FolderResult } from '../../src/share-app/index.js'
import { cli } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

/** A program with only share-app, its output captured; `calls` records what reached `run`. */
function program (t: Translate): { program: Commander, output: () => string, calls: Array<[string, Record<string, unknown>]> } {
  let out = ''
  const calls: Array<[string, Record<string, unknown>]> = []
  const p = new Commander('tamtam').exitOverride().configureOutput({ writeOut: (s) => { out += s }, writeErr: (s) => { out += s } })
  registerShareAppCommand(p, async (name, args) => { calls.push([name, args]) }, t)
  return { program: p, output: () => out, calls }
}

async function help (t: Translate): Promise<string> {
  const p = program(t)
  try {
    await p.program.parseAsync(['share-app', '--help'], { from: 'user' })
  } catch (err) {
    if (!(err instanceof CommanderError) || err.code !== 'commander.helpDisplayed') throw err
  }
  return p.output()
}

/** A tiny tamtam installation, packed: enough to serve, quick to build. */
async function smallTarball (t: any): Promise<AppTarball> {
  const root = tempDir(t, 'tamtam-fake-app-')
  const files: Record<string, string> = { 'package.json': JSON.stringify({ name: 'tamtam', version: '0.0.1' }), 'bin/tamtam.js': '', 'dist/cli/main.js': '' }
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    writeFileSync(path.join(root, rel), text)
  }
  return await buildAppTarball({ root, cacheDir: path.join(tempDir(t), 'cache') })
}

async function until (what: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !what(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() > end) throw new Error('timed out')
  }
}

t.test('share-app --help, in English and French', async (t) => {
  const en = await help(translator('en'))
  t.match(en, /Usage: tamtam share-app \[options\]/)
  t.match(en, /--port <n>\s+port to serve on \(default 8080/)
  t.match(en, /--out <dir>\s+write the files to this folder/)
  t.match(en, /serves until Ctrl-C/)
  t.match(en, /tamtam share-app --out \/media\/usb\/tamtam/)
  const fr = await help(translator(await loadLang('fr')))
  t.match(fr, /--port <n>\s+port à utiliser/)
  t.match(fr, /jusqu'à Ctrl-C/)
})

t.test('--out goes through the command runner with an absolute path; --port with it is misuse', async (t) => {
  const p = program(translator('en'))
  await p.program.parseAsync(['share-app', '--out', 'clé/tamtam'], { from: 'user' })
  t.same(p.calls, [['share-app', { out: path.resolve('clé/tamtam') }]])
  await t.rejects(program(translator('en')).program.parseAsync(['share-app', '--out', 'x', '--port', '1'], { from: 'user' }), { code: 'USAGE' })
})

t.test('human output of --out and of server events', async (t) => {
  const en = translator('en')
  const tarball = { name: 'tamtam-1.0.0-linux-x64.tgz', size: 7 * 1048576, sha256: 'cd'.repeat(32), version: '1.0.0', target: 'linux-x64', node: 'v20.1.0', files: 1700, bytes: 24 * 1048576, cached: false, ms: 2500 } as AppTarball
  const result: FolderResult = { dir: '/media/usb/tamtam', files: [{ name: tarball.name, size: tarball.size }, { name: 'index.html', size: 9000 }], tarball }
  const text = formatShareApp('share-app', result, en) ?? ''
  t.match(text, /sharing tamtam 1\.0\.0 for linux-x64 \(Node\.js v20\.1\.0 here\): tamtam-1\.0\.0-linux-x64\.tgz, 7\.0 MiB/)
  t.match(text, /sha256 (cd){32}/)
  t.match(text, /packed 1700 files \(24 MiB\) in 2\.5 s/)
  t.match(text, /written to \/media\/usb\/tamtam:\n {2}tamtam-1\.0\.0-linux-x64\.tgz {2}\s*7\.0 MiB\n {2}index\.html/)
  t.equal(formatShareApp('docs', result, en), null, 'other commands are not ours')
  t.equal(eventLine({ type: 'served', ip: '10.0.0.7', path: `/${tarball.name}`, status: 200, bytes: 7 * 1048576, total: 7 * 1048576, complete: true, ms: 1200 }, en), `10.0.0.7 downloaded ${tarball.name}: 7.0 MiB in 1.2 s`)
  t.equal(eventLine({ type: 'served', ip: '10.0.0.7', path: `/${tarball.name}`, status: 200, bytes: 1048576, total: 7 * 1048576, complete: false, ms: 1200 }, en), `10.0.0.7 stopped downloading ${tarball.name} after 1.0 MiB of 7.0 MiB`)
  t.equal(eventLine({ type: 'served', ip: '10.0.0.7', path: '/', status: 200, bytes: 9000, total: 9000, complete: true, ms: 0 }, en), '10.0.0.7 opened /')
  t.equal(eventLine({ type: 'refused', ip: '10.0.0.7', method: 'POST', status: 405 }, en), '10.0.0.7: request refused (POST, 405)')
})

t.test('serving in the foreground until SIGINT', async (t) => {
  const tarball = await smallTarball(t)
  for (const json of [false, true]) {
    const printed: string[] = []
    const stop = new Lifetime(null)
    const ctx: CliContext = { home: '/nonexistent', json, lang: 'en', t: translator('en'), print: (s) => printed.push(s), note: (s) => printed.push(s), signal: stop.signal }
    const done = serveForeground(ctx, { port: '0' }, { tarball, host: '127.0.0.1' })
    await until(() => printed.length > 0)
    const url = json ? (JSON.parse(printed[0]) as { urls: string[] }).urls[0] : /http:\S+/.exec(printed[0])?.[0] ?? ''
    t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, `the URL is printed${json ? ' (JSON)' : ''}`)
    t.equal((await fetch(`${url}${tarball.name}`)).status, 200)
    await until(() => printed.length > 1)
    stop.raise('SIGINT')
    await done
    if (json) {
      const events = printed.map((line) => JSON.parse(line) as { event: string })
      t.same(events.map((e) => e.event), ['serving', 'served', 'stopped'], 'JSON lines: serving, each download, stopped')
      t.match(events[2], { downloads: 1 })
    } else {
      t.match(printed.join('\n'), /Ctrl-C stops sharing/)
      t.match(printed[1], /^127\.0\.0\.1 downloaded tamtam-0\.0\.1-/)
      t.equal(printed.at(-1), 'stopped sharing (1 complete download(s))')
    }
    await t.rejects(fetch(url), 'closed after the signal')
  }
})

t.test('tamtam share-app --help from the real command', async (t) => {
  const { buildProgram } = await import('../../cli/program.js')
  t.ok(buildProgram().commands.some((c) => c.name() === 'share-app'), 'share-app is a command of the program')
  const r = await cli(['share-app', '--help'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /Usage: tamtam share-app/)
  t.match(r.stdout, /--out <dir>/)
})
