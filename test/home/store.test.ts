import t from 'tap'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { Tamtam } from '../../src/tamtam.js'
import { tempDir } from '../helpers/peers.js'

/** Bytes of the store's files whose names match `pattern`. */
function bytesOf (home: string, pattern: RegExp): number {
  const db = path.join(home, 'store', 'db')
  return readdirSync(db).filter((f) => pattern.test(f)).reduce((n, f) => n + statSync(path.join(db, f)).size, 0)
}

t.test('messages sent one at a time leave no write-ahead log after close, and the store stays near the record bytes', async (t) => {
  const home = path.join(tempDir(t), 'home')
  const tt = new Tamtam({ home })
  await tt.init('Awa')
  const { room } = await tt.createRoom('atelier')
  // 2,000 one-at-a-time appends write about 9 MB to RocksDB (a 4 KiB bitfield page each),
  // all still in the memtable and its write-ahead log unless the store is flushed on close.
  const text = 'x'.repeat(160)
  for (let i = 0; i < 2000; i++) await tt.send(room, `${i} ${text}`)
  const recordBytes = (await tt.logs(room)).own.core.byteLength
  await tt.close()

  t.ok(bytesOf(home, /^\d+\.log$/) < 64 * 1024, `write-ahead log after close: ${bytesOf(home, /^\d+\.log$/)} bytes`)
  const tables = bytesOf(home, /\.(sst|blob)$/)
  t.ok(tables < 3 * recordBytes, `table files ${tables} bytes for ${recordBytes} record bytes`)

  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  const items = await (await again.timeline(again.rooms.resolve('atelier'))).page({ limit: 1 })
  t.equal(items[0]?.text, `1999 ${text}`, 'the last message is there after reopening')
})

t.test('old RocksDB info logs are pruned when the store opens', async (t) => {
  const home = path.join(tempDir(t), 'home')
  for (let i = 0; i < 6; i++) {
    const tt = new Tamtam({ home })
    if (i === 0) await tt.init('Awa')
    else await tt.store()
    await tt.close()
  }
  const old = readdirSync(path.join(home, 'store', 'db')).filter((f) => f.startsWith('LOG.old.'))
  t.ok(old.length <= 2, `${old.length} old info logs kept after six opens`)
})
