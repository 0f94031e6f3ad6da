/**
 * The scene of the hostile Wi-Fi tests of the phone web server (issue 20), on one
 * namespace Wi-Fi: `host` runs member Aminata with `tamtam up --web`, `laptop` member
 * Bakary, `phone` an honest phone (Fatou) that chats all along, `outsider` an attacker with
 * no invite and several addresses. Helpers check, after each attack, that the honest
 * phone's newest message still reaches the laptop and that the host's node is alive.
 */
import { readFileSync } from 'node:fs'
import { phoneHandshakeKey } from '../../src/phone/index.js'
import { secretFromHash } from '../../web/src/invite.js'
import type { EventLog } from '../../harness/netns/index.js'
import { createLan, type Lan } from '../helpers/lan.js'
import { FAST, makeHome, startNode, tamtam, texts, type LanNode } from '../helpers/lan-nodes.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { spawnScript } from './web-hostile-scripts.js'

export const WEB_PORT = 8080
/** Member names: no byte an outsider receives may contain them, nor the room's name. */
export const SECRETS = ['atelier', 'Aminata', 'Bakary', 'Fatou']

export interface Scene {
  lan: Lan
  a: LanNode
  b: LanNode
  invite: string
  /** The room's member key (§16), hex: what phones hold. */
  memberKey: string
  hostIp: string
  wsUrl: string
  /** Extra addresses of the outsider, and of the phone host (for many phones). */
  outsiderIps: string[]
  phoneIps: string[]
  /** The honest phone's JSON lines. */
  phone: EventLog
}

/** Add `count` addresses 10.x.y.(from + i) to `host`'s Wi-Fi interface. */
async function aliases (lan: Lan, host: string, from: number, count: number): Promise<string[]> {
  const dev = lan.linkEnds(host, 'wifi')[0].dev
  const base = lan.ipOn(host, 'wifi').split('.').slice(0, 3).join('.')
  const ips = Array.from({ length: count }, (_, i) => `${base}.${from + i}`)
  for (const ip of ips) {
    const r = await lan.exec(host, ['ip', 'addr', 'add', `${ip}/24`, 'dev', dev])
    if (r.code !== 0) throw new Error(`ip addr add ${ip}: ${r.stderr}`)
  }
  return ips
}

/** Build the scene; `web` adds flags to the host's `up --web`. Torn down with the test. */
export async function hostileScene (t: any, web: string[] = [], phoneMs = 240_000): Promise<Scene> {
  const lan = await createLan({ segments: { wifi: ['host', 'laptop', 'phone', 'outsider'] } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const homeA = await makeHome(dir, 'Aminata')
  const homeB = await makeHome(dir, 'Bakary')
  const { invite } = JSON.parse(await tamtam(homeA, 'room', 'create', 'atelier', '--json'))
  await tamtam(homeB, 'room', 'join', invite)
  const a = await startNode(lan, 'host', homeA, ['--lan-only', ...FAST, '--web', '--web-port', String(WEB_PORT), ...web])
  t.teardown(async () => { await a.stop() })
  const b = await startNode(lan, 'laptop', homeB)
  t.teardown(async () => { await b.stop() })
  const secret = secretFromHash(`#${String(invite)}`)
  if (secret === null) throw new Error('the invite does not decode')
  const memberKey = Buffer.from(phoneHandshakeKey(secret)).toString('hex')
  const hostIp = lan.ipOn('host', 'wifi')
  const wsUrl = `ws://${hostIp}:${WEB_PORT}/ws`
  const outsiderIps = await aliases(lan, 'outsider', 100, 8)
  const phoneIps = await aliases(lan, 'phone', 150, 8)
  const phone = spawnScript(lan, 'phone', 'chat', [wsUrl, memberKey, 'Fatou', 'chat', 500, phoneMs])
  t.teardown(() => { phone.child.kill('SIGKILL') })
  await phone.waitFor((e) => e.event === 'chatting', 20_000, 'the honest phone binds its log')
  return { lan, a, b, invite, memberKey, hostIp, wsUrl, outsiderIps, phoneIps, phone }
}

/**
 * The honest phone's next message, stored after now, reaches the laptop: resolves with
 * the ms from its storing to the laptop showing it, or null (not within `withinMs`).
 */
export async function phoneStillDelivers (scene: Scene, withinMs = 20_000): Promise<number | null> {
  const from = scene.phone.events.length
  const stored = await scene.phone.waitFor((e) => e.event === 'appended' && scene.phone.events.indexOf(e) >= from, 10_000, 'the honest phone stores a new message').catch(() => null)
  if (stored === null) return null
  const arrived = await eventually(async () => (await texts(scene.b, 'atelier')).includes(stored.text), withinMs, 250)
  return arrived ? Date.now() - Number(stored.at) : null
}

/** The host's node answers `tamtam status` through its control socket. */
export async function hostAlive (scene: Scene): Promise<boolean> {
  return await tamtam(scene.a.home, 'status').then(() => true, () => false)
}

/** Resident memory of the host's node, in MiB (`ip netns exec` execs node itself: same pid). */
export function hostRssMiB (scene: Scene): number {
  const status = readFileSync(`/proc/${String(scene.a.child.pid)}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024
}

/** Established TCP connections the host holds on its web port from any of `ips` (its own view, `ss`). */
export async function heldFrom (scene: Scene, ips: string[]): Promise<number> {
  const r = await scene.lan.exec('host', ['ss', '-Htn', 'state', 'established', `( sport = :${WEB_PORT} )`])
  if (r.code !== 0) throw new Error(`ss: ${r.stderr}`)
  return r.stdout.split('\n').filter((line) => ips.some((ip) => line.includes(` ${ip}:`))).length
}

/** Whether no `secret` appears in `hex` bytes (as UTF-8 text). */
export function leaks (hex: string): string[] {
  const text = Buffer.from(hex, 'hex').toString('latin1')
  return SECRETS.filter((s) => text.includes(s))
}
