/**
 * Phones on a namespace LAN (issue 20): Debian's Chromium run inside a phone's namespace,
 * so the page's traffic crosses the bridge like a real phone's crosses the Wi-Fi; the
 * phone link a node prints; the page's join and chat; and a capture of the bridge
 * (capture.py) for what an eavesdropper on the Wi-Fi sees.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { CHROMIUM } from '../helpers/browser.js'
import { FAST, makeHome, startNode, tamtam, type LanNode } from '../helpers/lan-nodes.js'
import { createLan, type Lan } from '../helpers/lan.js'
import { eventually, tempDir } from '../helpers/peers.js'
import { EventLog } from '../../harness/netns/index.js'
import { findTool, IP } from '../../harness/netns/processes.js'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const VIEWPORT = { width: 360, height: 740 }
/** The port phones connect to on every --web host of these tests. */
export const WEB_PORT = '8080'

/**
 * A headless Chromium inside `host`'s namespace, closed at teardown: playwright-core starts
 * a wrapper that enters the namespace, and drives the browser over its pipe, which crosses
 * namespaces. The phone's only network is then the bridge.
 */
export async function phoneBrowser (t: any, lan: Lan, host: string, dir: string): Promise<Browser> {
  const wrapper = path.join(dir, `chromium-in-${host}.sh`)
  writeFileSync(wrapper, `#!/bin/sh\nexec ${IP()} netns exec ${lan.host(host).ns} ${CHROMIUM} "$@"\n`)
  chmodSync(wrapper, 0o755)
  const browser = await chromium.launch({
    executablePath: wrapper,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  t.teardown(async () => await browser.close())
  return browser
}

/** Start `tamtam up --web` on `host`, phones served on {@link WEB_PORT}. */
export async function startWebNode (lan: Lan, host: string, home: string): Promise<LanNode> {
  return await startNode(lan, host, home, ['--lan-only', ...FAST, '--web', '--web-port', WEB_PORT])
}

/** The first phone link `tamtam web ROOM --json` prints for a node (its address on the bridge). */
export async function phoneLink (node: LanNode, room: string): Promise<string> {
  const { links } = JSON.parse(await tamtam(node.home, '--json', 'web', room)) as { links: string[] }
  if (links.length === 0) throw new Error(`${node.host}: tamtam web ${room} printed no link`)
  return links[0]!
}

/** The texts of the messages the page shows. */
export const shown = async (page: Page): Promise<string[]> => await page.locator('#items li .text').allTextContents()

/** Whether the page shows `text` within `ms`. */
export const showsText = async (page: Page, text: string, ms = 20_000): Promise<boolean> =>
  await eventually(async () => (await shown(page)).includes(text), ms, 200)

/** Open `link`, give `name` if the page asks it, and wait for the chat. */
export async function openPhone (page: Page, link: string, name: string | null): Promise<void> {
  await page.goto(link, { waitUntil: 'load', timeout: 30_000 })
  if (name !== null) {
    await page.locator('#name-form').waitFor({ state: 'visible', timeout: 15_000 })
    await page.fill('#name-input', name)
    await page.click('#name-form button[type=submit]')
  }
  await page.locator('#chat').waitFor({ state: 'visible', timeout: 30_000 })
}

/** Write `text` from the page. */
export async function write (page: Page, text: string): Promise<void> {
  await page.fill('#message', text)
  await page.click('#send')
}

/** The short fingerprint of a hex identity, as the page and the CLI show it. */
export function fingerprintOf (identityHex: string): string {
  return (createHash('sha256').update(Buffer.from(identityHex, 'hex')).digest('hex').slice(0, 16).match(/.{4}/g) as string[]).join('-')
}

/** A room's messages as a node's `tamtam log ROOM --json --all` prints them. */
export async function logItems (node: LanNode, room: string): Promise<Array<Record<string, any>>> {
  const out = await tamtam(node.home, 'log', room, '--json', '--all')
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((i) => i.type === 'msg')
}

/** The log item with this text on `node`, within `ms`, or undefined. */
export async function itemWithText (node: LanNode, room: string, text: string, ms = 20_000): Promise<Record<string, any> | undefined> {
  let found: Record<string, any> | undefined
  await eventually(async () => (found = (await logItems(node, room)).find((i) => i.text === text)) !== undefined, ms, 250)
  return found
}

/** One TCP direction's payload, in order: `flow` is "src:port>dst:port". */
export interface Flow { flow: string, bytes: Buffer }

/** What the bridge carried: every frame, and each TCP direction's payload in order. */
export interface Captured { frames: Buffer, streams: Buffer, flows: Flow[], summary: Record<string, any> }

/** A capture running on the bridge; `stop` ends it and reads what it recorded. */
export interface Capture { stop: () => Promise<Captured> }

/** Why the bridge cannot be recorded here (capture.py needs python3), or null. */
export function captureMissing (): string | null {
  return existsSync(findTool('python3')) ? null : 'python3 is missing (apt-get install python3)'
}

/** Most the capture records; an exchange of a few messages is far below. */
const CAPTURE_MAX_BYTES = 64 * 1024 * 1024
const CAPTURE_MAX_SECONDS = 120

/**
 * Start recording every frame on the LAN's bridges (capture.py in the bridge namespace);
 * resolves once its socket is open, so what the test does next is recorded.
 */
export async function startCapture (t: any, lan: Lan, dir: string): Promise<Capture> {
  const out = path.join(dir, 'bridge-capture')
  const stopFile = `${out}.stop`
  const log = new EventLog(spawnInBridge(lan, ['python3', path.join(HERE, 'capture.py'), out, stopFile, String(CAPTURE_MAX_SECONDS), String(CAPTURE_MAX_BYTES)]))
  t.teardown(() => { if (!log.exited) log.child.kill('SIGKILL') })
  await log.waitFor((e) => e.event === 'listening', 15_000, 'capture').catch(() => { throw new Error(`capture did not start: ${log.stderr}`) })
  return {
    stop: async () => {
      writeFileSync(stopFile, '')
      const summary = await log.waitFor((e) => e.event === 'done', 30_000, 'capture end').catch(() => { throw new Error(`capture did not end: ${log.stderr}`) })
      if (!existsSync(`${out}.frames`)) throw new Error(`capture wrote nothing: ${log.stderr}`)
      const streams = readFileSync(`${out}.streams`)
      const index = JSON.parse(readFileSync(`${out}.flows.json`, 'utf8')) as Array<{ flow: string, offset: number, length: number }>
      const flows = index.map((f) => ({ flow: f.flow, bytes: streams.subarray(f.offset, f.offset + f.length) }))
      return { frames: readFileSync(`${out}.frames`), streams, flows, summary }
    }
  }
}

/** Lan.spawn knows hosts only: the bridge namespace is entered the same way (the capture ends by itself, bounded). */
function spawnInBridge (lan: Lan, cmd: string[]): ChildProcess {
  return spawn(IP(), ['netns', 'exec', lan.bridgeNs, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Where `needle` occurs in what the bridge carried (frames or reassembled streams), or null. */
export function foundIn (captured: Captured, needle: string | Buffer): string | null {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle
  if (captured.frames.includes(bytes)) return 'frames'
  if (captured.streams.includes(bytes)) return 'streams'
  return null
}

/** Print what the nodes said when a test fails, to see why. */
export function explainOnFailure (t: any, nodes: LanNode[]): void {
  t.teardown(() => {
    if (t.passing()) return
    for (const n of nodes) t.comment(`--- ${n.host} ---\n${n.events.map((e) => JSON.stringify(e)).join('\n').slice(-4000)}`)
  })
}

/** A LAN of `hosts` on one bridge, a home for each of `members`, the first creating `room`, the others joining. */
export async function scene (t: any, hosts: string[], members: string[], room: string): Promise<{ lan: Lan, dir: string, homes: Record<string, string>, invite: string }> {
  const lan = await createLan({ segments: { wifi: hosts } })
  t.teardown(() => lan.destroy())
  const dir = tempDir(t)
  const homes: Record<string, string> = {}
  for (const m of members) homes[m] = await makeHome(dir, m)
  const { invite } = JSON.parse(await tamtam(homes[members[0]!]!, 'room', 'create', room, '--json'))
  for (const m of members.slice(1)) await tamtam(homes[m]!, 'room', 'join', invite)
  return { lan, dir, homes, invite }
}

/** Stop each node, checking it exits cleanly. */
export async function stopAll (t: any, nodes: LanNode[]): Promise<void> {
  for (const n of nodes) t.equal(await n.stop(), 0, `${n.host} stops cleanly`)
}
