/** Sneakernet from the command line: A exports, B imports from "the USB stick", B reads. */
import t from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cli } from '../helpers/cli.js'
import { tempDir } from '../helpers/peers.js'

t.test('tamtam export, then tamtam import on another machine with no network', async (t) => {
  const dir = tempDir(t)
  const a = ['--home', path.join(dir, 'a')]
  const b = ['--home', path.join(dir, 'b')]
  await cli([...a, 'init', '--name', 'Awa'])
  await cli([...b, 'init', '--name', 'Bintou'])
  const { invite } = JSON.parse((await cli([...a, '--json', 'room', 'create', 'atelier'])).stdout)
  await cli([...b, 'room', 'join', invite])
  for (let i = 0; i < 3; i++) await cli([...a, 'send', 'atelier', `par clé USB ${i}`])
  const usb = path.join(dir, 'usb.tamtam')
  const exported = await cli([...a, '--json', 'export', 'atelier', usb])
  t.equal(exported.code, 0, `export exits 0: ${exported.stderr.trim()}`)
  const ex = JSON.parse(exported.stdout.trim().split('\n').pop() as string)
  t.ok(ex.blocks >= 4, `the bundle holds ${String(ex.blocks)} blocks`)

  // A damaged copy is refused with a code, and nothing is imported.
  const bad = path.join(dir, 'bad.tamtam')
  const bytes = readFileSync(usb)
  bytes[Math.floor(bytes.length / 2)] ^= 1
  writeFileSync(bad, bytes)
  const refused = await cli([...b, 'import', bad])
  t.equal(refused.code, 1, 'a flipped byte: exit 1')
  t.match(refused.stderr, /BUNDLE_INVALID/, 'BUNDLE_INVALID')
  t.notMatch((await cli([...b, 'log', 'atelier'])).stdout, /par clé USB/, 'nothing was imported')

  const imported = await cli([...b, '--json', 'import', usb])
  t.equal(imported.code, 0, `import exits 0: ${imported.stderr.trim()}`)
  const log = (await cli([...b, 'log', 'atelier'])).stdout
  t.match(log, /Awa.*par clé USB 2/s, 'B reads A\'s messages from the stick')
  const again = JSON.parse((await cli([...b, '--json', 'import', usb])).stdout.trim().split('\n').pop() as string)
  t.equal(again.newBlocks, 0, 'importing it again adds nothing')
  t.match((await cli(['export', '--help'])).stdout, /Usage: tamtam export/, 'export --help')
  t.match((await cli(['import', '--help'])).stdout, /Usage: tamtam import/, 'import --help')
})
