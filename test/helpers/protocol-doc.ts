/**
 * Test vectors as docs/protocol.md lists them: the `name  value` lines of the first
 * ```text block after a heading. Tests compare them with what the code computes, so the
 * document cannot drift from the code.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const PROTOCOL = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url))

/** The name → value lines of the first ```text block after the heading `heading` matches. */
export function documentedVectors (heading: RegExp, what: string): Map<string, string> {
  const section = readFileSync(PROTOCOL, 'utf8').split(heading)[1]
  if (section === undefined) throw new Error(`docs/protocol.md has no ${what}`)
  const block = /^```text\n([\s\S]*?)^```$/m.exec(section)?.[1]
  if (block === undefined) throw new Error(`${what} has no \`\`\`text block of vectors`)
  const vectors = new Map<string, string>()
  for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
    const match = /^(\S.*?) {2,}(\S.*)$/.exec(line)
    if (match === null) throw new Error(`cannot read the vector line ${JSON.stringify(line)}`)
    vectors.set(match[1], match[2])
  }
  return vectors
}
