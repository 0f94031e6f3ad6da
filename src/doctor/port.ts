/**
 * Check 4: is a tamtam node listening, and does its port accept a TCP connection on a LAN
 * address of this host? Connecting to our own address proves the listener is bound there;
 * it cannot prove that other hosts get through (see INBOUND_CONNECTION for that).
 */
import net from 'node:net'
import { finding, type Finding } from './types.js'

/** Try a TCP connection; true once it connects, false on error or after `timeoutMs`. */
export async function canConnect (host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok: boolean): void => { clearTimeout(timer); socket.destroy(); resolve(ok) }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Findings for the node's port: null port means no node runs on this home. */
export async function checkPort (port: number | null, addresses: string[]): Promise<Finding[]> {
  if (port === null || port === 0) return [finding('PORT_NOT_LISTENING', 'problem')]
  const out: Finding[] = []
  for (const address of addresses) {
    const ok = await canConnect(address, port)
    out.push(ok ? finding('PORT_REACHABLE', 'ok', { port, address }) : finding('PORT_NOT_REACHABLE', 'problem', { port, address }))
  }
  return out
}
