import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { TamtamNode } from '../../src/node/index.js'
import { Tamtam } from '../../src/tamtam.js'
import { tempDir } from '../helpers/peers.js'

async function initialised (t: any): Promise<string> {
  const home = path.join(tempDir(t), 'awa')
  const tt = new Tamtam({ home })
  await tt.init('Awa')
  await tt.createRoom('atelier')
  await tt.close()
  return home
}

t.test('openLocal opens the store and rooms without the control socket; open adds it', async (t) => {
  const node = new TamtamNode({ home: await initialised(t), network: false })
  t.teardown(() => node.close())
  await node.openLocal()
  t.equal(node.tt.rooms.list().length, 1, 'the room is open')
  t.notOk(existsSync(node.tt.paths.socket), 'no control socket before open')
  await node.open()
  t.ok(existsSync(node.tt.paths.socket), 'the control socket after open')
})

t.test('an open that comes after close (the app quit before its network started) starts nothing', async (t) => {
  const node = new TamtamNode({ home: await initialised(t), network: false })
  await node.openLocal()
  await node.close()
  await node.open()
  t.ok(node.tt.closed, 'the home stays closed')
  t.notOk(existsSync(node.tt.paths.socket), 'no control socket was left listening')
  t.equal(node.network, null, 'no network')
})
