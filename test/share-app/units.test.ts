// share-app on small fake installations and pure functions: which files go in, what is
// refused, the cache, byte ranges, and the page's escaping and per-system steps.
import t from 'tap'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildAppTarball, byteRange, collectAppFiles, escapeHtml, findAppRoot, renderPage, renderText, sha256Sums, type GuideFacts } from '../../src/share-app/index.js'
import { shareApp } from '../../src/commands/share-app.js'
import { SILENT } from '../../src/commands/types.js'
import { tempDir } from '../helpers/peers.js'

/** Write `files` (path to content; objects become JSON) under a new temp root. */
function fakeRoot (t: any, files: Record<string, string | object>): string {
  const root = tempDir(t, 'tamtam-fake-app-')
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    writeFileSync(path.join(root, rel), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return root
}

/** The minimum a tamtam root needs, with `deps` as its dependencies. */
const APP = (deps: Record<string, string> = {}, optional: Record<string, string> = {}): Record<string, string | object> => ({
  'package.json': { name: 'tamtam', version: '9.8.7', engines: { node: '>=20' }, dependencies: deps, optionalDependencies: optional },
  'bin/tamtam.js': '// launcher\n',
  'dist/cli/main.js': '// built\n',
  'dist/bench/run.js': '// developers only\n',
  'README.md': '# tamtam\n',
  'src/index.ts': '// sources are not carried\n'
})

t.test('the file list: app files, production dependencies, this platform\'s binaries only', async (t) => {
  const root = fakeRoot(t, {
    ...APP({ a: '1', native: '1' }, { gone: '1' }),
    'node_modules/a/package.json': { name: 'a', dependencies: { b: '1' }, peerDependencies: { absentPeer: '1' } },
    'node_modules/a/index.js': '',
    'node_modules/a/node_modules/b/package.json': { name: 'b' },
    'node_modules/b/package.json': { name: 'b', version: 'hoisted, but a uses its own' },
    'node_modules/dev-only/package.json': { name: 'dev-only' },
    'node_modules/.bin/x': '',
    'node_modules/native/package.json': { name: 'native', addon: true },
    'node_modules/native/prebuilds/linux-x64/native.node': 'ELF',
    'node_modules/native/prebuilds/linux-x64/native.bare': 'for Bare',
    'node_modules/native/prebuilds/win32-x64/native.node': 'PE',
    'node_modules/native/prebuilds/linux-x64-musl/native.node': 'ELF musl'
  })
  const list = collectAppFiles(root, { platform: 'linux', arch: 'x64' })
  const paths = list.files.map((f) => f.path)
  t.same(list.packages, ['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/native'], 'dependencies resolved as Node does; dev-only, hoisted-but-unused and missing optional ones left out')
  for (const p of ['package.json', 'README.md', 'bin/tamtam.js', 'dist/cli/main.js', 'node_modules/native/prebuilds/linux-x64/native.node', 'node_modules/native/prebuilds/linux-x64-musl/native.node']) t.ok(paths.includes(p), `${p} is in`)
  for (const p of ['dist/bench/run.js', 'src/index.ts', 'node_modules/native/prebuilds/win32-x64/native.node', 'node_modules/native/prebuilds/linux-x64/native.bare', 'node_modules/.bin/x', 'node_modules/b/package.json']) t.notOk(paths.includes(p), `${p} is out`)
  t.same(list.native, [{ name: 'native', file: 'node_modules/native/prebuilds/linux-x64/native.node' }], 'the native part is found')
  t.equal(list.target, 'linux-x64')
  t.equal(list.bytes, list.files.reduce((s, f) => s + f.size, 0))
})

t.test('an installation that would not run elsewhere is refused with APP_INCOMPLETE', async (t) => {
  const cases: Array<[string, Record<string, string | object>, RegExp]> = [
    // Not built: dist/ is missing.
    ['not built', { 'package.json': { name: 'tamtam', version: '1.0.0' }, 'bin/tamtam.js': '' }, /dist\/cli\/main\.js is missing.*npm run build/],
    // A required dependency was never installed.
    ['missing dependency', APP({ hypercore: '11' }), /hypercore.*not installed/],
    // A native package has binaries, but none for this platform.
    ['no binary for this platform', { ...APP({ n: '1' }), 'node_modules/n/package.json': { name: 'n' }, 'node_modules/n/prebuilds/darwin-arm64/n.node': '' }, /no prebuilt binary for linux-x64 in n/],
    // Another package's manifest.
    ['not tamtam', { ...APP(), 'package.json': { name: 'other', version: '1.0.0' } }, /does not hold a tamtam package\.json/]
  ]
  for (const [what, files, message] of cases) {
    const root = fakeRoot(t, files)
    t.throws(() => collectAppFiles(root, { platform: 'linux', arch: 'x64' }), { code: 'APP_INCOMPLETE', message }, what)
  }
})

t.test('the package root is found from a module deep inside it, never from another package', async (t) => {
  const root = fakeRoot(t, { ...APP(), 'node_modules/x/package.json': { name: 'x' } })
  t.equal(findAppRoot(path.join(root, 'dist/src/share-app/index.js')), root)
  t.equal(findAppRoot(path.join(root, 'node_modules/x/lib/y.js')), root, 'a dependency\'s package.json is skipped')
  t.throws(() => findAppRoot('/'), { code: 'APP_INCOMPLETE' })
})

t.test('build, cache, and a cache folder that is not private', async (t) => {
  const root = fakeRoot(t, APP())
  const cacheDir = path.join(tempDir(t), 'cache')
  const events: Array<Record<string, unknown>> = []
  const first = await buildAppTarball({ root, cacheDir, onProgress: (e) => events.push(e) })
  t.equal(first.cached, false, 'built the first time')
  t.equal(first.name, `tamtam-9.8.7-${process.platform}-${process.arch}.tgz`)
  t.match(first.sha256, /^[0-9a-f]{64}$/)
  t.equal(events.at(-1)?.bytes, events.at(-1)?.total, 'the last progress event is complete')
  const second = await buildAppTarball({ root, cacheDir })
  t.equal(second.cached, true, 'taken from the cache the second time')
  t.equal(second.sha256, first.sha256)
  writeFileSync(path.join(root, 'dist/cli/main.js'), '// rebuilt\n')
  const third = await buildAppTarball({ root, cacheDir })
  t.equal(third.cached, false, 'a changed file makes a new tarball')
  t.not(third.sha256, first.sha256)
  writeFileSync(third.file, 'planted')
  t.equal((await buildAppTarball({ root, cacheDir })).cached, false, 'a cached tarball that no longer matches its sha256 is rebuilt')

  const open = path.join(tempDir(t), 'open')
  mkdirSync(open)
  chmodSync(open, 0o777)
  await t.rejects(buildAppTarball({ root, cacheDir: open }), { code: 'FILE_WRITE_FAILED', message: /not a private folder/ }, 'a world-writable cache folder is refused: anyone could plant a tarball there')
})

t.test('byte ranges', async (t) => {
  // [Range header, file size, expected]
  const cases: Array<[string | undefined, number, ReturnType<typeof byteRange>]> = [
    [undefined, 100, null],
    ['bytes=0-9', 100, [0, 9]],
    ['bytes=90-', 100, [90, 99]],
    ['bytes=-10', 100, [90, 99]], // the last 10 bytes
    ['bytes=50-500', 100, [50, 99]], // clipped to the end
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=9-3', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, null], // several ranges: ignored, the whole file is sent
    ['items=0-1', 100, null],
    ['bytes=-', 100, null]
  ]
  for (const [header, size, expected] of cases) t.same(byteRange(header, size), expected, String(header))
})

const FACTS: GuideFacts = { name: 'tamtam-1.0.0-linux-x64.tgz', size: 7_000_000, sha256: 'ab'.repeat(32), version: '1.0.0', target: 'linux-x64', platform: 'linux', arch: 'x64', node: 'v20.1.0', nodeRange: '>=20' }

t.test('the page: both languages, the limits, offline, escaped', async (t) => {
  const html = renderPage(FACTS)
  t.match(html, /<section id="fr" lang="fr">[\s\S]*<section id="en" lang="en">/, 'French first by default, then English')
  t.match(renderPage(FACTS, 'en'), /<section id="en" lang="en">[\s\S]*<section id="fr" lang="fr">/, 'the sharer\'s language first')
  t.match(html, /ne marche que sur Linux x64/)
  t.match(html, /only runs on Linux x64/)
  t.match(html, /Node\.js v20\.1\.0/)
  t.match(html, /6\.7 MiB/)
  t.match(html, /sha256sum tamtam-1\.0\.0-linux-x64\.tgz/)
  t.match(html, /tar xzf tamtam-1\.0\.0-linux-x64\.tgz/)
  t.match(html, /node bin\/tamtam\.js init --name VotreNom/)
  t.notMatch(html, /<script|<img|<link|src=|https?:\/\//i, 'no script and no external resource')
  const hostile = renderPage({ ...FACTS, version: '<script>alert(1)</script>', name: '"><img src=x>.tgz', baseUrl: 'http://"><b>/' })
  t.notMatch(hostile, /<script>|<img|<b>/, 'every dynamic text is escaped')
  t.equal(escapeHtml('<a href="x">\'&'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;')
})

t.test('the steps follow the sharer\'s system', async (t) => {
  const windows = renderText({ ...FACTS, platform: 'win32', target: 'win32-x64', name: 'tamtam-1.0.0-win32-x64.tgz' }, 'en')
  t.match(windows, /certutil -hashfile tamtam-1\.0\.0-win32-x64\.tgz SHA256/)
  t.match(windows, /tar -xzf/)
  t.match(windows, /node bin\\tamtam\.js --help/)
  t.match(windows, /Linux: this package for Windows will not run there/)
  const mac = renderText({ ...FACTS, platform: 'darwin', arch: 'arm64', target: 'darwin-arm64' }, 'fr')
  t.match(mac, /shasum -a 256/)
  t.match(mac, /macOS arm64 \(`darwin-arm64` : processeur ARM 64 bits\)/)
  t.match(mac, /xattr -dr com\.apple\.quarantine/)
  t.match(renderText(FACTS, 'fr'), /Windows : ce paquet pour Linux n'y marchera pas/)
  t.match(renderText(FACTS, 'en'), /The file tamtam-1\.0\.0-linux-x64\.tgz is next to this text/, 'text guides say where the file is')
  t.equal(sha256Sums(FACTS), `${'ab'.repeat(32)}  tamtam-1.0.0-linux-x64.tgz\n`, 'the sha256sum -c format')
})

t.test('the share-app command writes folders only, to absolute paths', async (t) => {
  await t.rejects(shareApp.run(null as any, {}, SILENT), { code: 'USAGE', message: /serves in the foreground/ })
  await t.rejects(shareApp.run(null as any, { out: 'relative/dir' }, SILENT), { code: 'USAGE', message: /absolute/ })
})
