/**
 * Bundles (sneakernet): homes with no network between them carry a room's logs on a file.
 * Every home here is a real Tamtam on a real Corestore in a temp dir; nothing is linked.
 */
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { decodeBundle, exportBundle, importBundle, openBundle } from '../../src/bundles/index.js'
import { BUNDLE_COMMANDS } from '../../src/commands/bundles.js'
import { isTamtamError, type TamtamError } from '../../src/errors/index.js'
import type { Tamtam } from '../../src/tamtam.js'
import { lines, peer, tempDir, contextOf } from '../helpers/peers.js'

// In the past: a reader places another member's record no later than when it first saw it
// (protocol §4), so records dated ahead of the import would all fall in one flood window.
let clock = Date.now() - 3_600_000

/**
 * Append `count` messages in batches of 50, 10 s of `ts` apart: views show at most 100
 * records per 10-second window of another member's log (the flood limit).
 */
async function write (tt: Tamtam, count: number, from = 0, who = 'Awa'): Promise<void> {
  const logs = await tt.logs(tt.rooms.resolve('atelier'))
  const records = Array.from({ length: count }, (_, i) => ({ type: 'msg' as const, text: `message ${from + i} de ${who}` }))
  for (let i = 0; i < records.length; i += 50) await logs.own.append(records.slice(i, i + 50), clock += 10_000)
}

/** Awa writes `count` messages in a room Bintou joined by invite; no network between them. */
async function twoHomes (t: any, count: number) {
  const awa = await peer(t, 'Awa')
  const bintou = await peer(t, 'Bintou')
  const { room, invite } = await awa.createRoom('atelier')
  await bintou.joinRoom(invite)
  await write(awa, count)
  return { awa, bintou, room, invite, dir: tempDir(t) }
}

/** Every member log's length in a home's room, by key. */
async function lengths (tt: Tamtam): Promise<Record<string, number>> {
  const logs = await tt.logs(tt.rooms.resolve('atelier'))
  return Object.fromEntries(logs.list().map((l) => [l.key, l.core.length]))
}

/** How many messages of `who` a home's timeline shows. */
async function shown (tt: Tamtam, who = 'Awa'): Promise<number> {
  return (await lines(tt, 'atelier', 10_000)).filter((l) => l.includes(`de ${who}`)).length
}

async function rejects (t: any, promise: Promise<unknown>, code: string, message: string): Promise<TamtamError | null> {
  try {
    await promise
    t.fail(`${message}: resolved`)
    return null
  } catch (err) {
    t.ok(isTamtamError(err, code as never), `${message}: ${code} (${(err as Error).message})`)
    return err as TamtamError
  }
}

t.test('round trip: Bintou reads Awa\'s messages from a bundle', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 500)
  const file = path.join(dir, 'atelier.tamtam')
  const events: any[] = []
  const exported = await exportBundle(awa, room, file, { onProgress: (e) => events.push(e) })
  t.equal(exported.blocks, 501, 'binding + 500 messages')
  t.equal(exported.cores, 1)
  t.equal(exported.bytes, readFileSync(file).length, 'bytes is the file size')
  const started = Date.now()
  const imported = await importBundle(bintou, file, { onProgress: (e) => events.push(e) })
  const importMs = Date.now() - started
  t.match(imported, { room: 'atelier', cores: 1, blocks: 501, newBlocks: 501, skippedBlocks: 0, membersAdded: 1 })
  t.equal(await shown(bintou), 500, 'all 500 messages in Bintou\'s log')
  t.match((await lines(bintou, 'atelier')).join('\n'), /Awa msg message 499 de Awa/, 'under Awa\'s name')
  const awaKey = (await awa.logs(room)).own.key
  t.ok(bintou.rooms.resolve('atelier').members.includes(awaKey), 'Awa\'s log is now a member log of the room (it replicates onward)')
  t.same([...new Set(events.map((e) => e.phase))], ['export', 'verify', 'import'], 'progress in three phases')
  t.same(events.filter((e) => e.phase === 'import').at(-1), { event: 'progress', phase: 'import', done: 501, total: 501 }, 'last progress event is complete')
  t.same(readdirSync(bintou.home).filter((f) => f.startsWith('bundle-import-')), [], 'the scratch store is gone')
  t.comment(`bundle: ${exported.blocks} blocks, ${exported.cores} cores, ${(exported.bytes / 1024).toFixed(0)} KiB, export ${exported.ms} ms, import ${importMs} ms`)
})

t.test('a log that grows while it is exported', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 2000)
  const file = path.join(dir, 'growing.tamtam')
  const exporting = exportBundle(awa, room, file)
  for (let i = 0; i < 20; i++) {
    await awa.send(room, `pendant l'export ${i}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
  const exported = await exporting
  const imported = await importBundle(bintou, file)
  t.equal(imported.newBlocks, exported.blocks, `every block carried is imported (${exported.blocks})`)
  t.ok(exported.blocks >= 2001 && exported.blocks <= 2021, 'up to the length read when the export began')
  const first = decodeBundle(readFileSync(file), [room]).proofs[0].proof.upgrade
  t.comment(`bundle: 20 messages sent during an export of ${exported.blocks} blocks; first proof signed for ${String(first?.length)} blocks + ${String(first?.additionalNodes.length)} additional node(s)`)
})

t.test('importing the same bundle twice changes nothing', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 120)
  const file = path.join(dir, 'b.tamtam')
  await exportBundle(awa, room, file)
  await importBundle(bintou, file)
  const before = await lengths(bintou)
  const again = await importBundle(bintou, file)
  t.match(again, { newBlocks: 0, skippedBlocks: 121, membersAdded: 0 }, 'second import: 0 new blocks')
  t.same(await lengths(bintou), before, 'same logs, same lengths')
  t.equal(await shown(bintou), 120, 'no message twice')
  t.comment(`bundle: re-import of ${again.blocks} blocks in ${again.ms} ms, 0 new`)
})

t.test('partial overlap: a --since bundle carries only what the previous one did not', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 100)
  const first = path.join(dir, 'b1.tamtam')
  const second = path.join(dir, 'b2.tamtam')
  const full = path.join(dir, 'full.tamtam')
  t.equal((await exportBundle(awa, room, first)).blocks, 101)
  t.equal((await importBundle(bintou, first)).newBlocks, 101)
  await write(awa, 60, 100)
  const since = await exportBundle(awa, room, second, { since: first })
  t.match(since, { blocks: 60, cores: 1, since: first }, 'the --since bundle holds the 60 new blocks only')
  const decoded = decodeBundle(readFileSync(second), [room])
  t.match(decoded.index.cores[0], { start: 101, length: 161, blocks: 60 }, 'its index starts where the first bundle stopped')
  const fullExport = await exportBundle(awa, room, full)
  t.ok(since.bytes < fullExport.bytes / 2, `smaller than a full bundle (${since.bytes} < ${fullExport.bytes} bytes)`)
  t.match(await importBundle(bintou, second), { newBlocks: 60, skippedBlocks: 0, membersAdded: 0 }, 'Bintou gets the 60 new blocks')
  t.equal(await shown(bintou), 160)
  t.match(await importBundle(bintou, full), { newBlocks: 0, skippedBlocks: 161 }, 'a full bundle afterwards adds nothing')

  // Coumba gets the bundles in the wrong order, and a full one when she already has part.
  const coumba = await peer(t, 'Coumba')
  await coumba.joinRoom(awa.invite(room))
  t.match(await importBundle(coumba, second), { newBlocks: 60, membersAdded: 1 }, 'the --since bundle alone verifies and imports')
  t.match(await importBundle(coumba, first), { newBlocks: 101, skippedBlocks: 0 }, 'then the earlier one fills the start')
  t.equal(await shown(coumba), 160, 'Coumba sees all 160')
  const daouda = await peer(t, 'Daouda')
  await daouda.joinRoom(awa.invite(room))
  await importBundle(daouda, first)
  t.match(await importBundle(daouda, full), { newBlocks: 60, skippedBlocks: 101 }, 'a full bundle over part of the log adds only the missing blocks')
  t.equal(await shown(daouda), 160)
  const third = path.join(dir, 'b3.tamtam')
  t.match(await exportBundle(awa, room, third, { since: second }), { blocks: 0, cores: 0 }, 'nothing new since the second: an empty bundle')
  t.match(await importBundle(daouda, third), { newBlocks: 0, blocks: 0 })
  t.comment(`bundle: --since ${since.blocks} blocks, ${since.bytes} bytes vs full ${fullExport.blocks} blocks, ${fullExport.bytes} bytes`)
})

t.test('a home carries every member log it holds, not only its own', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 30)
  await write(bintou, 20, 0, 'Bintou')
  await exportBundle(bintou, bintou.rooms.resolve('atelier'), path.join(dir, 'from-bintou.tamtam'))
  t.match(await importBundle(awa, path.join(dir, 'from-bintou.tamtam')), { newBlocks: 21, membersAdded: 1 })
  const both = await exportBundle(awa, room, path.join(dir, 'both.tamtam'))
  t.match(both, { cores: 2, blocks: 52 }, 'Awa\'s bundle holds her log and Bintou\'s')
  const coumba = await peer(t, 'Coumba')
  await coumba.joinRoom(awa.invite(room))
  t.match(await importBundle(coumba, path.join(dir, 'both.tamtam')), { cores: 2, newBlocks: 52, membersAdded: 2 })
  t.equal(await shown(coumba, 'Awa'), 30)
  t.equal(await shown(coumba, 'Bintou'), 20, 'Bintou\'s messages reached Coumba through Awa')
  t.match(await importBundle(bintou, path.join(dir, 'both.tamtam')), { newBlocks: 31, skippedBlocks: 21, membersAdded: 1 }, 'Bintou\'s own log is left alone')
})

t.test('a bundle for another room, or for a room not joined, is refused with nothing stored', async (t) => {
  const { awa, bintou, dir } = await twoHomes(t, 10)
  const { room: other } = await awa.createRoom('autre')
  await awa.send(other, 'dans un autre salon')
  const file = path.join(dir, 'other.tamtam')
  await exportBundle(awa, other, file)
  const before = await lengths(bintou)
  const err = await rejects(t, importBundle(bintou, file), 'BUNDLE_WRONG_ROOM', 'Bintou has not joined "autre"')
  t.match(err?.hint, /join the room with its invite/, 'the error says to join with the invite first')
  t.same(await lengths(bintou), before, 'nothing stored')
  t.equal(bintou.rooms.resolve('atelier').members.length, 0, 'no member added')
  const coumba = await peer(t, 'Coumba')
  await rejects(t, importBundle(coumba, file), 'BUNDLE_WRONG_ROOM', 'a home with no room at all')
  await rejects(t, exportBundle(awa, awa.rooms.resolve('atelier'), path.join(dir, 'x.tamtam'), { since: file }), 'BUNDLE_WRONG_ROOM', '--since a bundle of another room')
  await rejects(t, importBundle(bintou, path.join(dir, 'missing.tamtam')), 'FILE_NOT_FOUND', 'a file that does not exist')
  await rejects(t, importBundle(bintou, dir), 'USAGE', 'a folder')
})

t.test('a bundle reveals nothing without the room secret', async (t) => {
  const { awa, room, dir } = await twoHomes(t, 0)
  const secret = 'le code du coffre est 4417'
  await awa.send(room, secret)
  const file = path.join(dir, 'b.tamtam')
  await exportBundle(awa, room, file)
  const bytes = readFileSync(file)
  const awaKey = (await awa.logs(room)).own.core.key
  t.equal(bytes.indexOf(secret), -1, 'the message is not in the file')
  t.ok(Buffer.concat([bytes, Buffer.from(secret)]).indexOf(secret) >= 0, 'control: the same search finds it in plain bytes')
  for (const [what, needle] of [['room id', room.keys.id], ['room id (hex)', Buffer.from(room.id)], ['room name', Buffer.from('atelier')], ['author name', Buffer.from('Awa')], ['log key', awaKey], ['identity key', (await awa.identity()).publicKey]] as const) {
    t.equal(bytes.indexOf(needle), -1, `the ${what} is not in the file`)
  }
  const { body } = openBundle(bytes, [room])
  t.ok(body.indexOf(awaKey) >= 0, 'control: the opened body does hold the log key')
  t.equal(body.indexOf(secret), -1, 'even opened, blocks stay under the room\'s block encryption')
  await exportBundle(awa, room, path.join(dir, 'b2.tamtam'))
  const other = readFileSync(path.join(dir, 'b2.tamtam'))
  t.not(other.subarray(8, 56).toString('hex'), bytes.subarray(8, 56).toString('hex'), 'two bundles of one room share no header bytes but magic and version')
})

t.test('the export and import commands', async (t) => {
  const { awa, bintou, dir } = await twoHomes(t, 5)
  const [exportCmd, importCmd] = BUNDLE_COMMANDS
  const notes: string[] = []
  const progress: any[] = []
  const out = { info: (m: string) => notes.push(m), warn: (m: string) => notes.push(m), progress: (e: any) => progress.push(e) }
  const file = path.join(dir, 'cmd.tamtam')
  const exported = await exportCmd.run(contextOf(awa), { room: 'atelier', file }, out) as Record<string, unknown>
  t.match(exported, { room: 'atelier', file, cores: 1, blocks: 6 })
  t.ok(typeof exported.bytes === 'number' && exported.since === undefined)
  const second = path.join(dir, 'cmd2.tamtam')
  t.match(await exportCmd.run(contextOf(awa), { room: 'atelier', file: second, since: file }, out), { since: file, blocks: 0 })
  const imported = await importCmd.run(contextOf(bintou), { file }, out)
  t.match(imported, { room: 'atelier', cores: 1, newBlocks: 6, skippedBlocks: 0, membersAdded: 1 })
  t.same(JSON.parse(JSON.stringify(imported)), imported, 'the result is plain JSON')
  t.ok(progress.length > 0 && progress.every((e) => e.event === 'progress'), 'progress reaches out.progress')
  await rejects(t, importCmd.run(contextOf(bintou), { file: 'cmd.tamtam' }, out), 'USAGE', 'a relative path')
  await rejects(t, exportCmd.run(contextOf(awa), { room: 'nulle-part', file }, out), 'ROOM_NOT_FOUND', 'an unknown room')
  await rejects(t, exportCmd.run(contextOf(awa), { room: 'atelier', file: path.join(dir, 'no', 'such', 'dir.tamtam') }, out), 'FILE_WRITE_FAILED', 'a folder that does not exist')
})

t.test('a --since bundle that does not connect to what a home holds: verified, not stored, explained', async (t) => {
  const { awa, room, dir } = await twoHomes(t, 50)
  const [b0, b1, b2] = ['b0', 'b1', 'b2'].map((n) => path.join(dir, `${n}.tamtam`))
  await exportBundle(awa, room, b0)
  await write(awa, 50, 50)
  await exportBundle(awa, room, b1, { since: b0 })
  await write(awa, 60, 100)
  await exportBundle(awa, room, b2, { since: b1 })
  const daouda = await peer(t, 'Daouda')
  await daouda.joinRoom(awa.invite(room))
  t.match(await importBundle(daouda, b0), { newBlocks: 51 })
  const warnings: string[] = []
  const gap = await importBundle(daouda, b2, { onWarning: (w) => warnings.push(w) })
  t.match(gap, { blocks: 60, newBlocks: 0, skippedBlocks: 60 }, 'the third bundle alone cannot extend a log held up to block 50')
  t.match(warnings.join('\n'), /60 block\(s\) of log .* not imported .*import the earlier bundles first/, 'and the warning says what to do')
  t.equal(await shown(daouda), 50, 'what was there is intact')
  t.match(await importBundle(daouda, b1), { newBlocks: 50 }, 'the missing middle bundle connects')
  t.match(await importBundle(daouda, b2), { newBlocks: 60 }, 'then the third one imports')
  t.equal(await shown(daouda), 160)
})

t.test('figure: three member logs carried to a fourth home', async (t) => {
  const { awa, bintou, room, dir } = await twoHomes(t, 2000)
  const coumba = await peer(t, 'Coumba')
  await coumba.joinRoom(awa.invite(room))
  await write(bintou, 500, 0, 'Bintou')
  await write(coumba, 500, 0, 'Coumba')
  for (const from of [bintou, coumba]) {
    const file = path.join(dir, `${from.home.split(path.sep).pop() as string}.tamtam`)
    await exportBundle(from, from.rooms.resolve('atelier'), file)
    await importBundle(awa, file)
  }
  const file = path.join(dir, 'all.tamtam')
  const exported = await exportBundle(awa, room, file)
  t.match(exported, { cores: 3, blocks: 3003 })
  const daouda = await peer(t, 'Daouda')
  await daouda.joinRoom(awa.invite(room))
  const imported = await importBundle(daouda, file)
  t.match(imported, { cores: 3, newBlocks: 3003, membersAdded: 3 })
  t.same([await shown(daouda, 'Awa'), await shown(daouda, 'Bintou'), await shown(daouda, 'Coumba')], [2000, 500, 500], 'every message of the three members')
  t.comment(`bundle: ${exported.blocks} blocks, ${exported.cores} cores, ${(exported.bytes / 1024).toFixed(0)} KiB, export ${exported.ms} ms, import ${imported.ms} ms`)
})
