// Proves test/helpers/lan.ts builds real, isolated namespace LANs. Needs root and `ip netns`; otherwise every
// test here is reported as SKIP with the reason.
import t from 'tap'
import type { ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { createLan, skipUnlessLan, lanSupport, type Lan } from './lan.js'
import { impairMissing } from '../../harness/netns/index.js'
import { requirePrerequisite } from './prereq.js'

const NODE = process.execPath
const PORT = 40123

// A TCP server that greets with its host name.
const SERVER = `
const net = require('net'); const name = process.argv[1];
net.createServer(s => s.end('hi from ' + name)).listen(${PORT}, '0.0.0.0', () => console.log('listening'));
`
// A TCP client: prints OK <greeting>, or ERR <code>, or TIMEOUT.
const CLIENT = `
const net = require('net'); const [host, port, ms] = process.argv.slice(1);
const s = net.connect({ host, port: +port }); let data = '';
setTimeout(() => { console.log('TIMEOUT'); process.exit(2) }, +ms);
s.on('data', d => data += d);
s.on('end', () => { console.log('OK ' + data); process.exit(0) });
s.on('error', e => { console.log('ERR ' + e.code); process.exit(1) });
`
// TCP handshake time in ms (one round trip), measured inside the client so node's start does not count.
const RTT = `
const net = require('net'); const [host, port] = process.argv.slice(1); const t0 = process.hrtime.bigint();
const s = net.connect({ host, port: +port });
setTimeout(() => { console.log('TIMEOUT'); process.exit(2) }, 5000);
let ms = NaN; s.on('connect', () => { ms = Number(process.hrtime.bigint() - t0) / 1e6 });
// Exit only after the greeting: an abrupt exit resets the socket, and the test server dies of ECONNRESET.
s.on('data', () => {}); s.on('end', () => { console.log(ms); process.exit(0) });
s.on('error', e => { console.log('ERR ' + e.code); process.exit(1) });
`
// Multicast receiver: joins the group on its own interface address, prints 'ready', then GOT <msg> FROM <addr>.
const MRECV = `
const dgram = require('dgram'); const [group, ip, port, ms] = process.argv.slice(1);
const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
setTimeout(() => { console.log('TIMEOUT'); process.exit(2) }, +ms);
s.on('message', (m, r) => { console.log('GOT ' + m + ' FROM ' + r.address); process.exit(0) });
s.bind(+port, '0.0.0.0', () => {
  try { if (ip) s.addMembership(group, ip); else s.addMembership(group); console.log('ready') }
  catch (e) { console.log('JOINERR ' + e.code); process.exit(3) }
});
`
// Multicast sender: sends msg 10 times, 100 ms apart; with ip set, on that interface. Prints SENT n or ERR code.
const MSEND = `
const dgram = require('dgram'); const [group, ip, port, msg] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
s.bind(0, () => {
  if (ip) s.setMulticastInterface(ip);
  let n = 0;
  const tick = () => s.send(msg, +port, group, err => {
    if (err) { console.log('ERR ' + err.code); process.exit(1) }
    if (++n >= 10) { console.log('SENT ' + n); s.close() } else setTimeout(tick, 100);
  });
  tick();
});
`

/** Resolves with stdout once it matches `re`, or rejects after `ms` or on exit. */
function waitOutput(child: ChildProcess, re: RegExp, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => done(new Error(`no ${re} within ${ms} ms; output: ${JSON.stringify(out)}`)), ms)
    const onData = (b: Buffer): void => {
      out += b.toString()
      if (re.test(out)) done()
    }
    const onExit = (code: number | null): void => done(re.test(out) ? undefined : new Error(`exited (${code}) before ${re}; output: ${JSON.stringify(out)}`))
    const done = (err?: Error): void => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
      if (err) reject(err)
      else resolve(out)
    }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

async function startServer(lan: Lan, host: string): Promise<ChildProcess> {
  const c = lan.spawn(host, [NODE, '-e', SERVER, host], { stdio: ['ignore', 'pipe', 'pipe'] })
  await waitOutput(c, /listening/, 10_000)
  return c
}

async function connect(lan: Lan, from: string, ip: string, ms = 1500): Promise<string> {
  const r = await lan.exec(from, [NODE, '-e', CLIENT, ip, String(PORT), String(ms)], { timeout: ms + 10_000 })
  return r.stdout.trim() || `no output (code ${r.code}): ${r.stderr.trim()}`
}

/** The faster of two handshakes (the first may wait for ARP); NaN if either failed. */
async function rtt(lan: Lan, from: string, ip: string): Promise<number> {
  const once = async (): Promise<number> => Number((await lan.exec(from, [NODE, '-e', RTT, ip, String(PORT)], { timeout: 15_000 })).stdout.trim())
  return Math.round(Math.min(await once(), await once()))
}

/** Whether a bridge port is enslaved to a bridge. */
function onBridge(lan: Lan, host: string, segment: string): boolean {
  const port = lan.linkEnds(host, segment)[1]!
  return /\bmaster\b/.test(execFileSync('ip', ['-n', port.ns, '-o', 'link', 'show', 'dev', port.dev], { encoding: 'utf8' }))
}

function netnsList(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n): n is string => !!n)
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const v = await f()
  return [v, Math.round(performance.now() - t0)]
}

if (!skipUnlessLan(t)) {
  t.comment(`lanSupport: ${JSON.stringify(lanSupport())}`)
} else {
  t.test('three hosts on one segment reach each other and nothing else', async (t) => {
    const [lan, ms] = await timed(() => createLan({ segments: { s1: ['a', 'b', 'c'] } }))
    t.teardown(() => lan.destroy())
    t.comment(`createLan (3 hosts, 1 segment) took ${ms} ms`)
    const names = ['a', 'b', 'c']
    t.equal(new Set(names.map((n) => lan.host(n).ip)).size, 3, 'three distinct addresses')
    t.match(lan.host('a').ip, /^10\.(2[0-4]\d|250)\.0\.1$/, 'address scheme 10.<200-250>.<seg>.<host+1>')
    await Promise.all(names.map((n) => startServer(lan, n)))
    const pairs = names.flatMap((x) => names.filter((y) => y !== x).map((y) => [x, y] as const))
    const results = await Promise.all(pairs.map(([x, y]) => connect(lan, x, lan.host(y).ip)))
    pairs.forEach(([x, y], i) => t.equal(results[i], `OK hi from ${y}`, `${x} reaches ${y}`))

    const route = await lan.exec('a', ['ip', 'route'])
    t.equal(route.code, 0, 'ip route runs in the namespace')
    t.match(route.stdout, /^10\.\d+\.0\.0\/24 dev /m, 'a has its subnet route')
    t.notMatch(route.stdout, /default/, 'a has no default route')
    t.notMatch(route.stdout, /^224\.0\.0\.0\/4/m, 'a has no multicast route by default')
    const out = await connect(lan, 'a', '1.1.1.1')
    t.match(out, /^ERR (ENETUNREACH|EHOSTUNREACH)$/, `a cannot reach 1.1.1.1 (${out})`)
  })

  t.test('line topology: a–b–c, b does not forward', async (t) => {
    const lan = await createLan({ segments: { s1: ['a', 'b'], s2: ['b', 'c'] } })
    t.teardown(() => lan.destroy())
    t.equal(lan.host('b').ips.length, 2, 'b has an address on each segment')
    t.same(lan.host('b').ips, [lan.ipOn('b', 's1'), lan.ipOn('b', 's2')], 'ipOn agrees with ips')
    t.equal(lan.host('c').ip, lan.ipOn('c', 's2'), "c's first address is on s2")
    await Promise.all(['b', 'c'].map((n) => startServer(lan, n)))
    t.equal(await connect(lan, 'a', lan.ipOn('b', 's1')), 'OK hi from b', 'a reaches b on s1')
    t.equal(await connect(lan, 'b', lan.ipOn('c', 's2')), 'OK hi from c', 'b reaches c on s2')
    const out = await connect(lan, 'a', lan.host('c').ip)
    t.match(out, /^(ERR \w+|TIMEOUT)$/, `a cannot reach c (${out})`)
    t.notMatch(out, /^OK/, 'a got no greeting from c')
  })

  t.test('UDP multicast with explicit interface addresses, and none without', async (t) => {
    const lan = await createLan({ segments: { s1: ['tx', 'rx'] } })
    t.teardown(() => lan.destroy())
    const group = '239.255.42.99'
    const port = '42999'
    const nonce = `hello-${Math.random().toString(16).slice(2)}`
    const rx = lan.spawn('rx', [NODE, '-e', MRECV, group, lan.host('rx').ip, port, '8000'], { stdio: ['ignore', 'pipe', 'pipe'] })
    await waitOutput(rx, /ready/, 10_000)
    const got = waitOutput(rx, /GOT|TIMEOUT/, 10_000).catch((e: Error) => e.message)
    const sent = await lan.exec('tx', [NODE, '-e', MSEND, group, lan.host('tx').ip, port, nonce], { timeout: 15_000 })
    t.equal(sent.stdout.trim(), 'SENT 10', 'sender sent on its interface')
    t.match(await got, new RegExp(`GOT ${nonce} FROM ${lan.host('tx').ip.replace(/\./g, '\\.')}`), 'receiver got the datagram from tx')

    // The shutdown situation DESIGN.md describes: without the interface address, multicast fails.
    const plainSend = await lan.exec('tx', [NODE, '-e', MSEND, group, '', port, nonce], { timeout: 15_000 })
    t.equal(plainSend.stdout.trim(), 'ERR ENETUNREACH', 'send without setMulticastInterface fails (no route)')
    const plainJoin = await lan.exec('rx', [NODE, '-e', MRECV, group, '', port, '2000'], { timeout: 15_000 })
    t.equal(plainJoin.stdout.trim(), 'JOINERR ENODEV', 'addMembership without interface fails (no route)')
  })

  t.test('multicastRoute option adds the 224.0.0.0/4 route', async (t) => {
    const lan = await createLan({ segments: { s1: ['a', 'b'] }, multicastRoute: true })
    t.teardown(() => lan.destroy())
    const route = await lan.exec('a', ['ip', 'route'])
    t.match(route.stdout, /^224\.0\.0\.0\/4 dev \S+/m, 'multicast route present')
    t.notMatch(route.stdout, /default/, 'still no default route')
  })

  t.test('setLink down partitions, up heals; rateLimit installs tbf', async (t) => {
    const lan = await createLan({ segments: { s1: ['a', 'b'] } })
    t.teardown(() => lan.destroy())
    await startServer(lan, 'b')
    const bIp = lan.host('b').ip
    t.equal(await connect(lan, 'a', bIp), 'OK hi from b', 'a reaches b before the cut')

    const [, downMs] = await timed(() => lan.setLink('b', 's1', false))
    const cut = await connect(lan, 'a', bIp)
    t.match(cut, /^(ERR \w+|TIMEOUT)$/, `b unreachable while its link is down (${cut})`)

    const [, upMs] = await timed(() => lan.setLink('b', 's1', true))
    let healed = ''
    let tries = 0
    const deadline = Date.now() + 10_000
    for (; tries < 10 && Date.now() < deadline; tries++) {
      healed = await connect(lan, 'a', bIp)
      if (healed.startsWith('OK')) break
    }
    t.equal(healed, 'OK hi from b', 'a reaches b again after link up')
    t.comment(`setLink down ${downMs} ms, up ${upMs} ms, reconnect attempts ${tries + 1}`)

    await lan.rateLimit('a', 's1', 50)
    const q = await lan.exec('a', ['tc', 'qdisc', 'show'])
    t.match(q.stdout, /qdisc tbf \S+: dev \S+ root .*rate 50Mbit/, 'tbf at 50 Mbit on the host end')
    t.equal(await connect(lan, 'a', bIp), 'OK hi from b', 'still reachable through tbf')
    await lan.rateLimit('a', 's1', Infinity)
    const q2 = await lan.exec('a', ['tc', 'qdisc', 'show'])
    t.notMatch(q2.stdout, /tbf/, 'Infinity removes the limit')
  })

  t.test('impair delays and drops a segment\'s frames, then puts its ports back on the bridge', async (t) => {
    if (!requirePrerequisite(t, 'python3 and ethtool (link impairment)', impairMissing())) return
    const lan = await createLan({ segments: { s1: ['a', 'b'] } })
    t.teardown(() => lan.destroy())
    await startServer(lan, 'b')
    const bIp = lan.host('b').ip
    const before = await rtt(lan, 'a', bIp)
    const hub = await lan.impair('s1', { delayMs: 100, seconds: 60, seed: 1 })
    t.notOk(onBridge(lan, 'a', 's1'), 'the ports are off the bridge while the hub runs')
    const slow = await rtt(lan, 'a', bIp)
    t.ok(slow >= 180, `a handshake crosses two delayed frames: ${slow} ms (${before} ms unimpaired)`)
    await hub.stop()
    t.equal(await hub.done, null, 'a stopped hub reports no counts')
    t.ok(onBridge(lan, 'a', 's1') && onBridge(lan, 'b', 's1'), 'stop puts the ports back on the bridge')
    const after = await rtt(lan, 'a', bIp)
    t.ok(after < 100, `no delay once stopped (${after} ms)`)

    const short = await lan.impair('s1', { hosts: ['a'], loss: 1, seconds: 3 })
    const lost = await connect(lan, 'a', bIp, 1000)
    t.match(lost, /^(ERR \w+|TIMEOUT)$/, `every frame from a is dropped (${lost})`)
    const stats = await short.done
    t.ok(stats !== null && stats.dropped > 0, `the hub ends by itself and counts what it dropped (${JSON.stringify(stats)})`)
    t.equal(await connect(lan, 'a', bIp), 'OK hi from b', 'a reaches b once the hub has ended')
  })

  t.test('destroy removes every namespace and kills spawned processes', async (t) => {
    const lan = await createLan({ segments: { s1: ['a', 'b'] } })
    let destroyed = false
    t.teardown(() => (destroyed ? undefined : lan.destroy()))
    const mine = (): string[] => netnsList().filter((n) => n.startsWith(`${lan.prefix}-`))
    t.equal(mine().length, 3, 'two host namespaces and the bridge namespace exist')
    const sleeper = lan.spawn('a', [NODE, '-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] })
    await waitOutput(sleeper, /up/, 10_000)
    const [, ms] = await timed(() => lan.destroy())
    destroyed = true
    t.comment(`destroy (2 hosts, 1 spawned process) took ${ms} ms`)
    t.same(mine(), [], 'no namespace of this run is left')
    t.ok(sleeper.exitCode !== null || sleeper.signalCode !== null, 'spawned process was killed')
    await t.resolves(lan.destroy(), 'destroy is idempotent')
    await t.rejects(lan.exec('a', ['true']), /destroyed/, 'exec after destroy rejects')
  })
}
