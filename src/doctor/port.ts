/**
 * Check 4: is a tamtam node listening, and does its port accept a TCP connection on a LAN
 * address of this host? Connecting to our own address proves the listener is bound there;
 * it cannot prove that other hosts get through (see INBOUND_CONNECTION for that).
 */
import { canConnect } from '../transport/probe.js'
import { finding, type Finding } from './types.js'

export { canConnect }

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
