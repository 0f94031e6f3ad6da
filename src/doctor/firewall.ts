/**
 * Check 5: does the host firewall probably block the port? A heuristic over whichever of
 * `nft list ruleset`, `iptables -S INPUT` and `ufw status verbose` can be read (they usually
 * need root; the doctor never does). It looks only at INPUT rules: a drop or reject that
 * names the port, or a drop policy with no accept naming it.
 */
import { execFile } from 'node:child_process'
import { finding, type Finding } from './types.js'

/** What one ruleset says about a port. */
export type Verdict = { blocks: true, rule: string } | { blocks: false } | { defaultDrop: true, rule: string }

const mentionsPort = (text: string, port: number): boolean => {
  for (const m of text.matchAll(/(\d+)(?:\s*[-:]\s*(\d+))?/g)) {
    const low = Number(m[1]); const high = m[2] === undefined ? low : Number(m[2])
    if (port >= low && port <= high) return true
  }
  return false
}

const portPart = (line: string): string => /dport\s+(\{[^}]*\}|\S+)/.exec(line)?.[1] ?? ''
const judge = (policyDrop: string | null, drops: string[], accepts: string[], port: number | null): Verdict => {
  if (port !== null) {
    const drop = drops.find((l) => mentionsPort(portPart(l), port))
    if (drop !== undefined) return { blocks: true, rule: drop }
    const bare = drops.find((l) => !/dport|saddr|--source|-s |ct state|--ctstate|--state|iif|-i /.test(l))
    if (bare !== undefined && !accepts.some((l) => mentionsPort(portPart(l), port))) return { blocks: true, rule: bare }
    if (policyDrop !== null && !accepts.some((l) => mentionsPort(portPart(l), port))) return { blocks: true, rule: policyDrop }
    return { blocks: false }
  }
  return policyDrop !== null ? { defaultDrop: true, rule: policyDrop } : { blocks: false }
}

/** Judge `nft list ruleset` text: rules of chains hooked on input. */
export function judgeNft (text: string, port: number | null): Verdict {
  let inInput = false; let policyDrop: string | null = null
  const drops: string[] = []; const accepts: string[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (/^chain\s/.test(line)) inInput = false
    if (/hook\s+input\b/.test(line)) {
      inInput = true
      if (/policy\s+drop/.test(line)) policyDrop = line
      continue
    }
    if (!inInput) continue
    if (/\b(drop|reject)\b/.test(line)) drops.push(line)
    else if (/\baccept\b/.test(line)) accepts.push(line)
  }
  return judge(policyDrop, drops, accepts, port)
}

/** Judge `iptables -S` text: -P INPUT and -A INPUT rules. */
export function judgeIptables (text: string, port: number | null): Verdict {
  const lines = text.split('\n').map((l) => l.trim())
  const policyDrop = lines.find((l) => /^-P INPUT (DROP|REJECT)/.test(l)) ?? null
  const input = lines.filter((l) => l.startsWith('-A INPUT')).map((l) => l.replace(/--dports?\s+(\S+)/, 'dport $1'))
  return judge(policyDrop, input.filter((l) => /-j (DROP|REJECT)/.test(l)), input.filter((l) => /-j ACCEPT/.test(l)), port)
}

/** Judge `ufw status verbose` text. */
export function judgeUfw (text: string, port: number | null): Verdict | null {
  if (!/Status:\s*active/i.test(text)) return /Status:\s*inactive/i.test(text) ? { blocks: false } : null
  const deny = /Default:.*(deny|reject) \(incoming\)/i.exec(text)
  const allows = text.split('\n').filter((l) => /ALLOW/i.test(l))
  const denies = text.split('\n').filter((l) => /\b(DENY|REJECT)\b/.test(l) && !/^Default/.test(l))
  if (port === null) return deny !== null ? { defaultDrop: true, rule: deny[0] } : { blocks: false }
  const named = (l: string): boolean => mentionsPort(l.split(/\s+(ALLOW|DENY|REJECT)/i)[0] ?? '', port)
  const denied = denies.find(named)
  if (denied !== undefined) return { blocks: true, rule: denied.trim() }
  if (deny !== null && !allows.some(named)) return { blocks: true, rule: deny[0] }
  return { blocks: false }
}

async function read (cmd: string, args: string[]): Promise<{ text: string } | { error: string }> {
  return await new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3000 }, (err, stdout, stderr) => {
      if (err === null) resolve({ text: String(stdout) })
      else resolve({ error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed' : (String(stderr).trim().split('\n')[0] || err.message) })
    })
  })
}

const TOOLS: Array<{ tool: string, cmd: string, args: string[], judge: (text: string, port: number | null) => Verdict | null }> = [
  { tool: 'nft', cmd: 'nft', args: ['list', 'ruleset'], judge: judgeNft },
  { tool: 'iptables', cmd: 'iptables', args: ['-S', 'INPUT'], judge: judgeIptables },
  { tool: 'ufw', cmd: 'ufw', args: ['status', 'verbose'], judge: judgeUfw }
]

/** Findings about the firewall, from every tool that could be read; FIREWALL_UNKNOWN if none. */
export async function checkFirewall (port: number | null): Promise<Finding[]> {
  const out: Finding[] = []
  const tried: string[] = []
  for (const t of TOOLS) {
    const r = await read(t.cmd, t.args)
    const verdict = 'text' in r ? t.judge(r.text, port) : null
    if (verdict === null) { tried.push(`${t.tool}: ${'error' in r ? r.error : 'unreadable output'}`); continue }
    if ('defaultDrop' in verdict) out.push(finding('FIREWALL_DEFAULT_DROP', 'warn', { tool: t.tool, rule: verdict.rule, heuristic: true }))
    else if (verdict.blocks) out.push(finding('FIREWALL_BLOCKS_PORT', 'problem', { tool: t.tool, port: port ?? 0, rule: verdict.rule, heuristic: true }))
    else out.push(finding('FIREWALL_NO_BLOCK', 'ok', { tool: t.tool, heuristic: true }))
  }
  if (out.length === 0) out.push(finding('FIREWALL_UNKNOWN', 'info', { tried: tried.join('; ') }))
  return out
}
