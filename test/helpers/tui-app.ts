/** The TUI's model over a real in-process node (listening only: it never announces), in room "atelier". */
import { randomInt } from 'node:crypto'
import path from 'node:path'
import { TamtamNode } from '../../src/node/index.js'
import { TuiModel } from '../../cli/tui/model.js'
import { tempDir } from './peers.js'

/** Awa's app with the room atelier created; closed at teardown. */
export async function appInRoom (t: any, opts: { webLater?: { port: number, host: string } } = {}): Promise<{ model: TuiModel, node: TamtamNode }> {
  const node = new TamtamNode({ home: path.join(tempDir(t), 'awa'), network: { lanOnly: true, mode: 'listen-only', beaconPort: randomInt(20000, 60000) }, webLater: opts.webLater })
  await node.tt.init('Awa')
  await node.open()
  t.teardown(async () => await node.close())
  const model = new TuiModel(node, 'en')
  await model.submit('/create atelier')
  return { model, node }
}
