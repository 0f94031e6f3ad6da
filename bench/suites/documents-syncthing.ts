/**
 * Syncthing side by side with the documents suite (issue 5): the same 50 MB over the same
 * 50 Mbit/s tbf link between two namespace hosts, Internet cut, with raw TCP measured on
 * that link in the same run. Syncthing 1.19 (Debian's package) runs with global discovery,
 * relays, NAT traversal, usage reporting, crash reporting and upgrades off, and each device
 * given the other's address. Folder A is send-only and holds the file; folder B is
 * receive-only. The time is from B's `ItemStarted` to its `ItemFinished` audit event for
 * the file: the transfer, like tamtam's fetch figure, without discovery, connection or scan.
 */
import { execFile } from 'node:child_process'
import { link, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { BenchContext } from '../lib/measure.js'
import { EventLog, runHelper, startHelper } from '../lib/lan-node.js'
import type { NetnsLan } from '../lib/netns.js'

const FOLDER = 'tamtam-bench'
const PORT = 22000

/** The syncthing binary, installed with apt-get when missing; null when it cannot be had. */
export async function findSyncthing (ctx: BenchContext): Promise<string | null> {
  const which = async (): Promise<string | null> => await new Promise((resolve) => execFile('which', ['syncthing'], (err, out) => resolve(err === null ? out.trim() : null)))
  const found = await which()
  if (found !== null) return found
  ctx.progress('  syncthing is not installed: apt-get install -y syncthing')
  await new Promise<void>((resolve) => execFile('apt-get', ['install', '-y', 'syncthing'], { timeout: 300_000 }, () => resolve()))
  return await which()
}

async function run (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return await new Promise((resolve, reject) => execFile(file, args, { env, timeout: 60_000 }, (err, out, errOut) => err === null ? resolve(String(out) + String(errOut)) : reject(err)))
}

/** Keys for a device in `home`; returns its device id. */
async function generate (bin: string, home: string): Promise<string> {
  const out = await run(bin, ['generate', `--home=${home}`, '--no-default-folder', '--skip-port-probing'], { ...process.env, HOME: home })
  const m = /Device ID: ([A-Z0-9-]+)/.exec(out)
  if (m === null) throw new Error(`syncthing generate printed no device id: ${out.slice(0, 300)}`)
  return m[1]
}

/** A config with everything that would reach beyond the LAN turned off. */
function config (self: string, other: string, otherIp: string, folder: string, type: 'sendonly' | 'receiveonly'): string {
  return `<configuration version="36">
  <folder id="${FOLDER}" label="${FOLDER}" path="${folder}" type="${type}" rescanIntervalS="3600" fsWatcherEnabled="false" ignorePerms="true" autoNormalize="true">
    <filesystemType>basic</filesystemType>
    <device id="${self}" introducedBy=""></device>
    <device id="${other}" introducedBy=""></device>
    <minDiskFree unit="%">0</minDiskFree>
  </folder>
  <device id="${self}" name="self" compression="metadata"><address>dynamic</address></device>
  <device id="${other}" name="other" compression="metadata"><address>tcp://${otherIp}:${PORT}</address></device>
  <gui enabled="false"><address>127.0.0.1:8384</address></gui>
  <options>
    <listenAddress>tcp://0.0.0.0:${PORT}</listenAddress>
    <globalAnnounceEnabled>false</globalAnnounceEnabled>
    <localAnnounceEnabled>true</localAnnounceEnabled>
    <relaysEnabled>false</relaysEnabled>
    <natEnabled>false</natEnabled>
    <urAccepted>-1</urAccepted>
    <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
    <crashReportingEnabled>false</crashReportingEnabled>
    <startBrowser>false</startBrowser>
    <setLowPriority>false</setLowPriority>
    <reconnectionIntervalS>1</reconnectionIntervalS>
  </options>
</configuration>
`
}

/** One Syncthing transfer of `payload` from host 0 to host 1; MB/s from ItemStarted to ItemFinished on host 1. */
export async function syncthingOnce (lan: NetnsLan, bin: string, root: string, payload: string, bytes: number): Promise<number> {
  const homes = [path.join(root, 'home-a'), path.join(root, 'home-b')]
  const folders = [path.join(root, 'folder-a'), path.join(root, 'folder-b')]
  for (const dir of [...homes, ...folders]) await mkdir(dir, { recursive: true })
  for (const folder of folders) await mkdir(path.join(folder, '.stfolder'), { recursive: true })
  await link(payload, path.join(folders[0], path.basename(payload)))
  const ids = [await generate(bin, homes[0]), await generate(bin, homes[1])]
  await writeFile(path.join(homes[0], 'config.xml'), config(ids[0], ids[1], lan.host(1).ip, folders[0], 'sendonly'))
  await writeFile(path.join(homes[1], 'config.xml'), config(ids[1], ids[0], lan.host(0).ip, folders[1], 'receiveonly'))
  const logs = homes.map((home, i) => new EventLog(lan.spawn(i, bin, ['serve', `--home=${home}`, '--no-browser', '--no-restart', '--no-upgrade', '--audit', '--auditfile=-'])))
  try {
    const name = path.basename(payload)
    const isItem = (type: string) => (e: Record<string, any>): boolean => e.type === type && e.data?.item === name
    await logs[1].waitFor(isItem('ItemStarted'), 120_000, 'syncthing ItemStarted')
    const started = Date.now()
    const finished = await logs[1].waitFor(isItem('ItemFinished'), 600_000, 'syncthing ItemFinished')
    if (finished.data?.error !== null && finished.data?.error !== undefined) throw new Error(`syncthing failed the file: ${String(finished.data.error)}`)
    return bytes / 1e6 / ((Date.now() - started) / 1000)
  } finally {
    await Promise.all(logs.map(async (l) => await l.stop(5000)))
  }
}

/** Raw TCP of `bytes` from host 0 to host 1, MB/s (helper processes of lan-child.js). */
export async function rawOnce (lan: NetnsLan, script: string, bytes: number): Promise<number> {
  const source = await startHelper(lan, 0, script, ['tcp-source', String(bytes)])
  try {
    const r = await runHelper(lan, 1, script, ['tcp-sink', lan.host(0).ip, String(source.ready.port), String(bytes)], 120_000)
    return bytes / 1e6 / (Number(r.ms) / 1000)
  } finally {
    await source.log.stop(2000)
  }
}
