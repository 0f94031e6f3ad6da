/** The CLI side of bundles: flags to args (paths resolved here), human output, progress lines, in English and French. */
import t from 'tap'
import path from 'node:path'
import { Command } from 'commander'
import { bundleProgress, bundleProgressLine, formatBundles, registerBundleCommands } from '../../cli/bundles.js'
import { loadLang, translator } from '../../src/i18n/index.js'

/** A program with only the bundle commands, recording what they would run. */
function program (calls: Array<[string, Record<string, unknown>]>, lang = 'en'): Command {
  const p = new Command('tamtam').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} })
  registerBundleCommands(p, async (name, args) => { calls.push([name, args]) }, translator(lang))
  return p
}

t.test('flags become args, with paths made absolute against the user\'s folder', async (t) => {
  const calls: Array<[string, Record<string, unknown>]> = []
  await program(calls).parseAsync(['export', 'atelier', 'b.tamtam'], { from: 'user' })
  await program(calls).parseAsync(['export', 'atelier', 'b2.tamtam', '--since', '../b.tamtam'], { from: 'user' })
  await program(calls).parseAsync(['import', 'cle/b.tamtam'], { from: 'user' })
  t.same(calls, [
    ['export', { room: 'atelier', file: path.resolve('b.tamtam'), since: undefined }],
    ['export', { room: 'atelier', file: path.resolve('b2.tamtam'), since: path.resolve('../b.tamtam') }],
    ['import', { file: path.resolve('cle/b.tamtam') }]
  ])
  t.throws(() => program([]).parse(['import'], { from: 'user' }), { code: 'commander.missingArgument' }, 'import needs a file')
})

t.test('human output and progress lines', async (t) => {
  await loadLang('fr')
  const exported = { room: 'atelier', file: '/media/usb/a.tamtam', cores: 3, blocks: 3003, bytes: 380_000 }
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['en', 'export', exported, /^wrote \/media\/usb\/a\.tamtam: 3003 block\(s\) of 3 member log\(s\) of atelier, 371 KiB$/],
    ['en', 'export', { ...exported, since: '/media/usb/old.tamtam' }, /3003 new block\(s\) .* since \/media\/usb\/old\.tamtam/],
    ['en', 'import', { room: 'atelier', blocks: 10, newBlocks: 7, skippedBlocks: 3, membersAdded: 1 }, /^imported into atelier: 7 new block\(s\), 3 already here; 1 new member log\(s\)$/],
    ['en', 'import', { room: 'atelier', blocks: 10, newBlocks: 0, skippedBlocks: 10, membersAdded: 0 }, /^nothing new for atelier: all 10 block\(s\)/],
    ['fr', 'export', exported, /^\/media\/usb\/a\.tamtam écrit : 3003 bloc\(s\) de 3 journal\(aux\) de membres de atelier/],
    ['fr', 'import', { room: 'atelier', blocks: 10, newBlocks: 0 }, /^rien de nouveau pour atelier/]
  ]
  for (const [lang, command, result, expected] of cases) t.match(formatBundles(command, result, translator(lang)), expected, `${lang} ${command}`)
  t.equal(formatBundles('send', {}), null, 'other commands are not ours')
  t.equal(bundleProgressLine({ event: 'progress', phase: 'verify', done: 50, total: 200 }), ' 25% [#####...............] verifying 50/200 blocks')
  t.match(bundleProgressLine({ event: 'progress', phase: 'import', done: 0, total: 0 }, translator('fr')), /100% .* import 0\/0 blocs/)
  const lines: string[] = []
  const sink = { write: (s: string) => lines.push(s), isTTY: false } as unknown as NodeJS.WriteStream
  const json = bundleProgress(true, translator('en'), sink, sink)
  json({ event: 'progress', phase: 'export', done: 1, total: 2 })
  t.same(JSON.parse(lines[0]), { event: 'progress', phase: 'export', done: 1, total: 2 }, '--json: one JSON line per event')
  const plain = bundleProgress(false, translator('en'), sink, sink)
  plain({ event: 'progress', phase: 'verify', done: 1, total: 3 })
  plain({ event: 'progress', phase: 'verify', done: 2, total: 3 })
  plain({ event: 'progress', phase: 'verify', done: 3, total: 3 })
  t.same(lines.slice(1).map((l) => l.trim().split(' ').pop()), ['blocks', 'blocks'], 'not a terminal: throttled, but the last line always comes')
})
