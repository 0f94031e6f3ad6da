/**
 * The host remembers the hosted blocks it opened (src/log/hosted-opened.ts), so a phone's
 * signature is checked once, not on every history page. Remembering must never let other
 * bytes pass: a block changed at a position already opened is checked again and refused.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { generateIdentity } from '../../src/identity/index.js'
import { signHostedBlock } from '../../src/log/hosted.js'
import { MAX_HOSTED_OPENED, OpenedHostedBlocks } from '../../src/log/hosted-opened.js'

const room = randomBytes(32)
const core = randomBytes(32)

t.test('a block opened once is not checked again; other bytes at that position are', async (t) => {
  const phone = generateIdentity('Moussa')
  const hex = phone.publicKey.toString('hex')
  const opened = new OpenedHostedBlocks()
  const real = signHostedBlock({ type: 'msg', text: 'Je suis là', ts: 1000 } as any, 3, room, core, phone.secretKey)
  const first = opened.open(real, hex, room, core, 3)
  t.ok(first.ok, 'the phone\'s block opens')
  t.equal(opened.open(Buffer.from(real), hex, room, core, 3), first, 'the same bytes again: the same result, not checked again')

  const altered = Buffer.from(real.toString().replace('Je suis là', 'Je suis ici'))
  t.notOk(opened.open(altered, hex, room, core, 3).ok, 'changed text at a position already opened: refused')
  const other = signHostedBlock({ type: 'msg', text: 'autre', ts: 1000 } as any, 3, room, core, generateIdentity('Moussa').secretKey)
  t.notOk(opened.open(other, hex, room, core, 3).ok, 'a block signed by another key at that position: refused')
  t.notOk(opened.open(real, hex, room, core, 4).ok, 'the real block moved to another position: refused')
  t.ok(opened.open(real, hex, room, core, 3).ok, 'and the real one still opens')
})

t.test('what is remembered is bounded', async (t) => {
  const phone = generateIdentity('Moussa')
  const hex = phone.publicKey.toString('hex')
  const opened = new OpenedHostedBlocks()
  for (let seq = 1; seq <= MAX_HOSTED_OPENED + 10; seq++) opened.open(signHostedBlock({ type: 'msg', text: `m${seq}`, ts: seq } as any, seq, room, core, phone.secretKey), hex, room, core, seq)
  t.ok((opened as any).kept.size <= MAX_HOSTED_OPENED, `at most ${MAX_HOSTED_OPENED} blocks kept`)
})
