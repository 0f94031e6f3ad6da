/**
 * Private messages for the Node phone of phone-client.ts: the page's own code
 * (web/src/dms.ts opens and seals, web/src/signing.ts signs) over a real session, so the
 * tests check what the browser runs. `pullDms` asks `dms` from the cursor until the host
 * says there is no more, as web/src/dm-sync.ts does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { PhoneMessage } from '../../src/phone/index.js'
import { PhoneDms, type PhoneDm } from '../../web/src/dms.js'
import { signRecord, type HostedLog } from '../../web/src/signing.js'
import type { PhoneIdentity, TestPhone } from './phone-client.js'

/** What one pull saw: the messages that opened, and every frame of the answers. */
export interface Pulled { opened: PhoneDm[], frames: PhoneMessage[], requests: number }

/** Ask `dms` from the cursor until `more` is false; each answer's last frame moves the cursor. */
export async function pullDms (phone: TestPhone, dms: PhoneDms, limit?: number): Promise<Pulled> {
  const pulled: Pulled = { opened: [], frames: [], requests: 0 }
  for (;;) {
    pulled.requests++
    phone.send({ t: 'dms', since: dms.cursor, ...(limit === undefined ? {} : { limit }) })
    let last: PhoneMessage
    do {
      last = await phone.next((m) => m.t === 'dm-records' || m.t === 'error')
      if (last.t === 'error') throw new Error(`dms refused: ${JSON.stringify(last)}`)
      pulled.frames.push(last)
      pulled.opened.push(...dms.take(last.records as unknown[]))
    } while (last.last !== true)
    dms.cursor = last.cursor as Record<string, number>
    if (last.more !== true) return pulled
  }
}

/** The phone's DM state; fed the member lists the phone has received so far. */
export function phoneDms (me: PhoneIdentity): PhoneDms {
  return new PhoneDms({ secretKey: me.secretKey, hex: me.hex })
}

/** Seal `text` to `to` with the page's code, sign it for `seq` and append it; resolves to the answer. */
export async function sendPhoneDm (phone: TestPhone, me: PhoneIdentity, dms: PhoneDms, log: HostedLog, seq: number, to: string, text: string): Promise<PhoneMessage> {
  const sealed = dms.seal(to, text)
  if (typeof sealed === 'string') throw new Error(`cannot seal: ${sealed}`)
  const block = signRecord({ ...me }, log, seq, { type: 'dm', ...sealed }, Date.now())
  return await phone.ask({ t: 'append', seq, block }, 'appended')
}

/** Every file under `dir` whose bytes contain `needle` (UTF-8), as paths relative to `dir`. */
export function filesContaining (dir: string, needle: string): string[] {
  const bytes = Buffer.from(needle)
  const found: string[] = []
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name)
      const st = statSync(full, { throwIfNoEntry: false })
      if (st === undefined) continue
      if (st.isDirectory()) walk(full)
      else if (st.isFile() && readFileSync(full).includes(bytes)) found.push(path.relative(dir, full))
    }
  }
  walk(dir)
  return found
}
