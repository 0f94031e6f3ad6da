import t from 'tap'
import { createLan, skipUnlessLan } from '../helpers/lan.js'
import { makeHome, startNode, tamtam, texts } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'

/** A node script that sends `payload` (hex) to host:port, optionally stalls, and reports. */
const ATTACK = `
const net = require('net')
const [host, port, hex, stallMs] = process.argv.slice(1)
const bytes = hex.startsWith('random:') ? require('crypto').randomBytes(Number(hex.slice(7))) : Buffer.from(hex, 'hex')
const s = net.connect(Number(port), host, () => { s.write(bytes) })
s.on('data', () => {})
const timer = setTimeout(() => { console.log('still-open'); s.destroy(); process.exit(0) }, Number(stallMs))
s.on('close', () => { clearTimeout(timer); console.log('closed-by-node'); process.exit(0) })
s.on('error', (e) => { console.log('error ' + e.code); process.exit(0) })
`

t.test('garbage and a truncated handshake on the TCP port: that connection is dropped, the node keeps serving', async (t) => {
  if (!skipUnlessLan(t)) return
  const lan = await createLan({ segments: { wifi: ['a', 'b', 'm'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const [a, b] = await Promise.all(['a', 'b'].map((n) => makeHome(dir, n)))
  const { invite } = JSON.parse(await tamtam(a, 'room', 'create', 'atelier', '--json'))
  await tamtam(b, 'room', 'join', invite)
  const na = await startNode(lan, 'a', a)
  const port = na.events.find((e) => e.event === 'up')?.port
  t.ok(port > 0, `A listens on TCP port ${String(port)}`)

  const garbage = 'random:65536'
  const truncated = Buffer.from([0x30, 0x00, 0x00, 0x01, 0x02, 0x03]).toString('hex') // a length prefix, then a few bytes
  const attacks = [
    lan.exec('m', [process.execPath, '-e', ATTACK, lan.host('a').ip, String(port), garbage, '15000'], { timeout: 20_000 }),
    lan.exec('m', [process.execPath, '-e', ATTACK, lan.host('a').ip, String(port), truncated, '15000'], { timeout: 20_000 })
  ]
  const nb = await startNode(lan, 'b', b)
  await tamtam(a, 'send', 'atelier', 'toujours là')
  t.ok(await eventually(async () => (await texts(b, 'atelier')).includes('toujours là'), 5000, 50), 'an honest peer still syncs while the attacks are running')
  const results = await Promise.all(attacks)
  t.match(results[0].stdout, /closed-by-node|error/, `the garbage connection was closed by the node: ${results[0].stdout}${results[0].stderr}`)
  t.match(results[1].stdout, /closed-by-node/, 'the truncated handshake was closed by the node (handshake timeout)')
  t.equal(na.child.exitCode, null, 'A is still running')
  await tamtam(b, 'send', 'atelier', 'et après ?')
  t.ok(await eventually(async () => (await texts(a, 'atelier')).includes('et après ?'), 5000, 50), 'and keeps serving afterwards')
  await na.stop()
  await nb.stop()
})
