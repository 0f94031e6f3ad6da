/**
 * Namespace LANs for the tests: the shared harness (harness/netns, which says how a LAN is
 * laid out and torn down), plus the tap side of its prerequisite.
 */
import { lanSupport } from '../../harness/netns/index.js'
import { requirePrerequisite } from './prereq.js'

export { cleanupStale, createLan, lanSupport, type ExecOptions, type ExecResult, type Host, type Lan, type LanSpec } from '../../harness/netns/index.js'

/**
 * For a tap test: true when {@link lanSupport} is ok. Otherwise, through prereq.ts, records
 * a SKIP with the reason, or a FAILURE under CI=true, and returns false.
 * Use as `if (!skipUnlessLan(t)) return`.
 */
export function skipUnlessLan (t: any): boolean {
  const s = lanSupport()
  return requirePrerequisite(t, 'root and ip netns (a namespace LAN)', s.ok ? null : s.reason)
}
