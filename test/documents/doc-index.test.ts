import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { DocIndex } from '../../src/documents/index.js'
import type { NewRecord } from '../../src/log/records.js'
import { Tamtam } from '../../src/tamtam.js'
import { appendMany, peer, tempDir, contextOf } from '../helpers/peers.js'
import { countReads } from '../helpers/reads.js'

t.test('the document index of a big room reads the doc records only, also in a fresh process', async (t) => {
  const tt = await peer(t, 'Awa')
  const { room } = await tt.createRoom('atelier')
  const dir = tempDir(t)
  for (const name of ['rapport.pdf', 'photo.jpg']) {
    writeFileSync(path.join(dir, name), `contenu de ${name}`)
    await (await contextOf(tt).documents()).share(room, path.join(dir, name))
  }
  await appendMany(tt, 'atelier', 20_000, (i) => ({ type: 'msg', text: `message ${i}` }) as NewRecord)

  const home = tt.home
  await tt.close()
  const again = new Tamtam({ home })
  t.teardown(() => again.close())
  await again.open()
  const index = new DocIndex(await again.logs(again.rooms.resolve('atelier')))
  const { n } = await countReads(async () => await index.refresh())
  t.same(index.list().map((d) => d.doc.name).sort(), ['photo.jpg', 'rapport.pdf'], 'both documents are listed')
  t.ok(n <= 4, `the index read ${n} blocks of 20,003`)
})
