/**
 * An active eavesdropper on the Wi-Fi (docs/protocol.md §16, "What an attacker on the
 * Wi-Fi can and cannot do"): it sends again, from its own host, every byte a phone sent
 * its host over one recorded WebSocket (the upgrade, the hello, the proof, the frames),
 * and reports what the host answered. The host's fresh ephemeral key changes the
 * transcript, so the recorded proof is wrong: a reply, then a refusal, then the end.
 */
import type { Lan } from '../helpers/lan.js'

/**
 * Reads the bytes to send on stdin, sends them at once to host:port, and for at most `ms`
 * collects the answer; prints { status, messages: [{ op, length, head }], closed }, where
 * `messages` are the server's WebSocket frames (unmasked, as a server sends them).
 */
const REPLAY = `
const net = require('net')
const [host, port, ms] = process.argv.slice(1).map((v, i) => i === 0 ? v : Number(v))
const chunks = []
process.stdin.on('data', (d) => chunks.push(d))
process.stdin.on('end', () => {
  const got = []; let closed = false
  const s = net.connect(port, host, () => s.write(Buffer.concat(chunks)))
  s.on('data', (d) => got.push(d)); s.on('error', () => {})
  s.on('close', () => { closed = true; done() })
  const timer = setTimeout(() => { s.destroy(); done() }, ms)
  let printed = false
  function done () {
    if (printed) return; printed = true; clearTimeout(timer)
    const all = Buffer.concat(got); const end = all.indexOf('\\r\\n\\r\\n')
    const status = all.subarray(0, Math.max(0, all.indexOf('\\r\\n'))).toString()
    const messages = []
    let at = end < 0 ? all.length : end + 4
    for (let n = 0; at + 2 <= all.length && n < 100; n++) {
      const op = all[at] & 0x0f; let len = all[at + 1] & 0x7f; let head = at + 2
      if (len === 126) { len = all.readUInt16BE(at + 2); head = at + 4 } else if (len === 127) { len = Number(all.readBigUInt64BE(at + 2)); head = at + 10 }
      messages.push({ op, length: len, head: all.subarray(head, head + Math.min(len, 3)).toString('hex') })
      at = head + len
    }
    console.log(JSON.stringify({ status, messages, closed }))
  }
})
`

/** What the host answered a replay. */
export interface ReplayAnswer { status: string, messages: Array<{ op: number, length: number, head: string }>, closed: boolean }

/** Send `bytes` to host:port from `from`'s namespace; the host's answer within `ms`. */
export async function replay (lan: Lan, from: string, host: string, port: number, bytes: Buffer, ms = 10_000): Promise<ReplayAnswer> {
  const r = await lan.exec(from, [process.execPath, '-e', REPLAY, host, String(port), String(ms)], { input: bytes, timeout: ms + 10_000 })
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '')
  } catch {
    throw new Error(`replay printed no answer (code ${String(r.code)}): ${r.stdout}${r.stderr}`.slice(0, 1000))
  }
}
