// share-app with the real installation: the tarball is built once (fresh, in a temp cache),
// served on loopback, downloaded, checked, extracted outside the project and run with no
// registry and no access to the project's node_modules; written to a folder; and the
// server refuses everything that is not one of its few files.
import t from 'tap'
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { buildAppTarball, collectAppFiles, findAppRoot, serveApp, writeAppFolder, type AppServer, type AppTarball, type ShareEvent } from '../../src/share-app/index.js'
import { tempDir } from '../helpers/peers.js'

const ROOT = findAppRoot()
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** Build the tarball once for the whole file, in a fresh cache so the figure is a real build. */
let built: Promise<AppTarball> | null = null
async function tarball (): Promise<AppTarball> {
  built ??= (async () => {
    const started = Date.now()
    const events: Array<Record<string, unknown>> = []
    const b = await buildAppTarball({ cacheDir: path.join(tempDir(t, 'tamtam-share-cache-'), 'cache'), onProgress: (e) => events.push(e) })
    t.comment(`tarball ${b.name}: ${(b.size / 1048576).toFixed(1)} MiB (${b.files} files, ${(b.bytes / 1048576).toFixed(1)} MiB unpacked), built in ${((Date.now() - started) / 1000).toFixed(1)} s, ${events.length} progress events`)
    if (b.size > 50 * 1048576) t.comment('the tarball is large (over 50 MiB)')
    return b
  })()
  return await built
}

/** A server on loopback with a free port, closed at teardown; events are collected. */
async function serve (t: any): Promise<{ server: AppServer, events: ShareEvent[] }> {
  const events: ShareEvent[] = []
  const server = await serveApp({ tarball: await tarball(), host: '127.0.0.1', port: 0, onEvent: (e) => events.push(e) })
  t.teardown(() => server.close())
  return { server, events }
}

/** Run a command to completion (bounded), never rejecting. */
async function run (file: string, args: string[], opts: { cwd: string, env: NodeJS.ProcessEnv }): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(file, args, { ...opts, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

/** One request written byte for byte (fetch would normalise `..` and `%2e%2e` away). */
async function raw (port: number, request: string): Promise<{ status: number, head: string, body: string }> {
  return await new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer to ${JSON.stringify(request)}`)) }, 5000)
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const [head, ...body] = text.split('\r\n\r\n')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: body.join('\r\n\r\n') })
    })
    socket.end(request)
  })
}

t.test('the served tarball installs in a fresh folder with no registry and runs', async (t) => {
  const { server, events } = await serve(t)
  t.same(server.urls, [`http://127.0.0.1:${server.port}/`], 'the URL to give out')
  const b = server.tarball

  const started = Date.now()
  const response = await fetch(`${server.urls[0]}${b.name}`)
  t.equal(response.status, 200)
  t.equal(response.headers.get('content-type'), 'application/gzip')
  const data = Buffer.from(await response.arrayBuffer())
  t.comment(`downloaded ${(data.length / 1048576).toFixed(1)} MiB over loopback in ${Date.now() - started} ms`)
  const sums = await (await fetch(`${server.urls[0]}SHA256SUMS`)).text()
  t.equal(sums, `${sha256(data)}  ${b.name}\n`, 'the download matches SHA256SUMS')
  for (let i = 0; i < 100 && !events.some((e) => e.type === 'served' && e.path === `/${b.name}`); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.match(events.find((e) => e.type === 'served' && e.path === `/${b.name}`), { ip: '127.0.0.1', status: 200, bytes: b.size, total: b.size, complete: true }, 'the download is reported: who, how many bytes')

  // Outside the project, and no node_modules above: nothing but the extracted copy can be resolved.
  const dir = tempDir(t, 'tamtam-share-install-')
  t.ok(path.relative(ROOT, dir).startsWith('..'), 'the install folder is outside the project')
  for (let up = dir; path.dirname(up) !== up; up = path.dirname(up)) t.notOk(existsSync(path.join(path.dirname(up), 'node_modules')), `no node_modules in ${path.dirname(up)}`)
  writeFileSync(path.join(dir, b.name), data)
  execFileSync('tar', ['xzf', b.name], { cwd: dir })
  const app = path.join(dir, 'tamtam')
  const manifest = JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  const missing = Object.keys(manifest.dependencies).filter((d) => !existsSync(path.join(app, 'node_modules', d, 'package.json')))
  t.same(missing, [], 'every dependency is in the extracted node_modules')
  for (const native of b.native) t.ok(existsSync(path.join(app, native.file)), `${native.name}'s binary for ${b.target} is there`)
  t.ok(b.native.some((n) => n.name === 'rocksdb-native'), 'rocksdb-native is among the native parts')

  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9' }
  for (const key of ['NODE_OPTIONS', 'NODE_PATH', 'TAMTAM_HOME']) delete env[key]
  const resolved = await run(process.execPath, ['-p', 'require.resolve("rocksdb-native")'], { cwd: app, env })
  t.equal(path.dirname(resolved.stdout.trim()), path.join(app, 'node_modules', 'rocksdb-native'), 'modules resolve inside the extracted copy')

  const bin = path.join(app, 'bin', 'tamtam.js')
  const help = await run(process.execPath, [bin, '--help'], { cwd: dir, env })
  t.equal(help.code, 0, `tamtam --help runs from the copy ${help.stderr}`)
  t.match(help.stdout, /Usage: tamtam/)
  const home = ['--home', path.join(dir, 'home')]
  const init = await run(process.execPath, [bin, ...home, 'init', '--name', 'X'], { cwd: dir, env })
  t.equal(init.code, 0, `init runs from the copy ${init.stderr}`)
  const room = await run(process.execPath, [bin, ...home, 'room', 'create', 'r', '--json'], { cwd: dir, env })
  t.equal(room.code, 0, `room create opens the native store from the copy ${room.stderr}`)
  t.match(JSON.parse(room.stdout), { room: 'r', invite: /^tamtam1/ })

  // Carried on across networks: the copy packs itself into the very same bytes, so the fingerprint holds at every hop.
  t.same(collectAppFiles(app).packages, collectAppFiles(ROOT).packages, 'the copy finds the same packages in itself')
  const again = await buildAppTarball({ root: app, cacheDir: path.join(dir, 'cache') })
  t.equal(again.sha256, b.sha256, 'shared on from the copy, the tarball is byte for byte the same')
})

t.test('--out writes the files to a folder, and the sha256 matches', async (t) => {
  const dir = path.join(tempDir(t, 'tamtam-share-out-'), 'usb', 'tamtam')
  const result = await writeAppFolder({ dir, tarball: await tarball(), lang: 'en' })
  const b = result.tarball
  t.same(result.files.map((f) => f.name).sort(), [b.name, 'index.html', 'SHA256SUMS', 'LISEZMOI.txt', 'README.txt'].sort())
  const copy = readFileSync(path.join(dir, b.name))
  t.equal(readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8'), `${sha256(copy)}  ${b.name}\n`, 'the copy matches SHA256SUMS')
  t.equal(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }).trim(), `${b.name}: OK`, 'sha256sum -c agrees')
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8')
  t.match(html, /<section id="en" lang="en">[\s\S]*<section id="fr" lang="fr">/, 'English first, as asked')
  t.match(html, new RegExp(`href="${b.name.replace(/\./g, '\\.')}"`), 'the page links the tarball beside it')
  t.match(readFileSync(path.join(dir, 'LISEZMOI.txt'), 'utf8'), /Vérifier l'empreinte/)
  t.match(readFileSync(path.join(dir, 'README.txt'), 'utf8'), /Check the fingerprint/)
})

t.test('the page, and nothing but the known files', async (t) => {
  const { server, events } = await serve(t)
  const b = server.tarball
  const page = await fetch(server.urls[0])
  t.equal(page.status, 200)
  t.match(page.headers.get('content-security-policy'), /default-src 'none'/, 'the page may load nothing')
  t.equal(page.headers.get('x-content-type-options'), 'nosniff')
  const html = await page.text()
  t.match(html, /Installer sans Internet|installer sans Internet/, 'French instructions')
  t.match(html, /install with no Internet/, 'English instructions')
  t.match(html, new RegExp(`ne marche que sur [^<]*\\(<code>${b.target}</code>`), 'the platform limit, in French')
  t.match(html, new RegExp(`only runs on [^<]*\\(<code>${b.target}</code>`), 'the platform limit, in English')
  t.match(html, new RegExp(`Node\\.js ${process.version.replace(/\./g, '\\.')}`), 'the sharer\'s Node.js version')
  t.match(html, b.sha256, 'the sha256')
  t.match(html, `curl -O http://127.0.0.1:${server.port}/${b.name}`, 'curl lines use the address the page was opened with')
  t.match(await (await fetch(`${server.urls[0]}LISEZMOI.txt`)).text(), /Télécharger/)

  const secrets = /"dependencies"|"name": ?"tamtam"|root:|import\(|#!\/usr\/bin\/env/
  // [request line, expected status, why]
  const hostile: Array<[string, number, string]> = [
    ['GET /../package.json', 404, 'dot-dot'],
    ['GET /%2e%2e/package.json', 404, 'encoded dot-dot'],
    ['GET /%2e%2e/', 404, 'encoded dot-dot folder'],
    ['GET /..%2fpackage.json', 404, 'encoded slash'],
    ['GET /package.json', 404, 'a real file of the app'],
    ['GET /node_modules/x', 404, 'node_modules'],
    ['GET /dist/cli/main.js', 404, 'built code'],
    ['GET //etc/passwd', 404, 'double slash'],
    [`GET /${b.name}/../package.json`, 404, 'through the tarball\'s name'],
    ['GET /index.html/..', 404, 'dot-dot after a known file'],
    ['GET http://evil.example/ ', 404, 'absolute form'],
    ['GET *', 404, 'asterisk form'],
    ['POST /', 405, 'POST'],
    ['PUT /index.html', 405, 'PUT'],
    ['DELETE /SHA256SUMS', 405, 'DELETE'],
    ['OPTIONS *', 405, 'OPTIONS']
  ]
  for (const [line, status, why] of hostile) {
    const r = await raw(server.port, `${line.trim()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    t.equal(r.status, status, `${why}: ${status}`)
    t.notMatch(r.body, secrets, `${why}: nothing leaked`)
    t.ok(r.body.length < 40, `${why}: a short body that echoes nothing`)
  }
  t.match((await raw(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')).head, /Allow: GET, HEAD/i, '405 says what is allowed')
  t.equal(events.filter((e) => e.type === 'refused').length, hostile.length + 1, 'each refusal is reported')

  t.equal((await fetch(`${server.urls[0]}favicon.ico`)).status, 404, 'the browser\'s favicon request gets a 404')
  t.equal(events.filter((e) => e.type === 'refused').length, hostile.length + 1, 'but is not reported: every page view would print a refusal')

  const evilHost = await raw(server.port, 'GET / HTTP/1.1\r\nHost: "><script>x</script>\r\nConnection: close\r\n\r\n')
  t.equal(evilHost.status, 200)
  t.notMatch(evilHost.body, /<script|curl -O/, 'a hostile Host header is not used for the curl lines')

  const head = await raw(server.port, `HEAD /${b.name} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
  t.match(head.head, new RegExp(`Content-Length: ${b.size}`, 'i'), 'HEAD gives the size')
  t.equal(head.body, '', 'and no body')
  const part = await fetch(`${server.urls[0]}${b.name}`, { headers: { Range: 'bytes=100-199' } })
  t.equal(part.status, 206, 'a range resumes an interrupted download')
  t.same(Buffer.from(await part.arrayBuffer()), readFileSync(b.file).subarray(100, 200))
  t.equal((await fetch(`${server.urls[0]}${b.name}`, { headers: { Range: `bytes=${b.size}-` } })).status, 416)
})

t.test('a busy port falls back to a free one; close is idempotent', async (t) => {
  const blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const busy = (blocker.address() as net.AddressInfo).port
  const server = await serveApp({ tarball: await tarball(), host: '127.0.0.1', port: busy })
  t.equal(server.portBusy, true, 'the busy port is reported')
  t.equal(server.requestedPort, busy)
  t.not(server.port, busy, 'another port is used')
  t.equal((await fetch(server.urls[0])).status, 200, 'and it serves')
  await Promise.all([server.close(), server.close()])
  await server.close()
  await t.rejects(fetch(server.urls[0]), 'closed: nothing listens any more')
  await t.rejects(serveApp({ tarball: await tarball(), host: '127.0.0.1', port: busy, fallback: false }), { code: 'USAGE', message: /EADDRINUSE/ }, 'without fallback, a busy port is an error')
})

t.test('one URL per LAN address, Wi-Fi and Ethernet before virtual interfaces; loopback when there is no LAN', async (t) => {
  const lan = await serveApp({ tarball: await tarball(), port: 0, addresses: () => [{ name: 'docker0', address: '172.17.0.1', netmask: '255.255.0.0' }, { name: 'wlp2s0', address: '192.168.1.20', netmask: '255.255.255.0' }, { name: 'eth0', address: '10.0.0.5', netmask: '255.255.255.0' }] })
  t.teardown(() => lan.close())
  t.same(lan.urls, [`http://192.168.1.20:${lan.port}/`, `http://10.0.0.5:${lan.port}/`, `http://172.17.0.1:${lan.port}/`])
  t.equal(lan.lan, true)
  const alone = await serveApp({ tarball: await tarball(), port: 0, addresses: () => [] })
  t.teardown(() => alone.close())
  t.same(alone.urls, [`http://127.0.0.1:${alone.port}/`], 'with no LAN address, the page is only reachable here')
  t.equal(alone.lan, false, 'and that is said')
  t.equal((await fetch(alone.urls[0])).status, 200)
})

t.test('connections are capped', async (t) => {
  const server = await serveApp({ tarball: await tarball(), host: '127.0.0.1', port: 0, maxConnections: 2 })
  t.teardown(() => server.close())
  const idle = await Promise.all([0, 1].map(async () => await new Promise<net.Socket>((resolve) => { const s = net.connect(server.port, '127.0.0.1', () => resolve(s)) })))
  t.teardown(() => { for (const s of idle) s.destroy() })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const third = await raw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n').catch(() => ({ status: 0 }))
  t.equal(third.status, 0, 'a connection over the cap is closed without an answer')
  for (const s of idle) s.destroy()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal((await raw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status, 200, 'and served again once others leave')
})
