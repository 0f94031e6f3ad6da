/**
 * Documents for the Node phone of phone-client.ts (docs/protocol.md §17 "Documents"): list,
 * download and upload as the page does, with the page's own checking code (web/src/docs.ts),
 * so a test that the phone refuses wrong bytes tests what the browser runs.
 */
import { signHostedBlock } from '../../src/log/hosted.js'
import type { PhoneMessage } from '../../src/phone/index.js'
import { Download, docRecord, putFrame, Sender, type DocInfo, type Outgoing, type Received } from '../../web/src/docs.js'
import type { PhoneIdentity, TestPhone } from './phone-client.js'

/** Every document the host lists, across `docs` frames. */
export async function listDocs (phone: TestPhone): Promise<DocInfo[]> {
  phone.send({ t: 'docs' })
  const docs: DocInfo[] = []
  for (;;) {
    const m = await phone.next((x) => x.t === 'docs' || (x.t === 'error' && x.re === 'docs'))
    if (m.t === 'error') throw new Error(`docs: ${String(m.code)}`)
    docs.push(...(m.docs as DocInfo[]))
    if (m.last === true) return docs
  }
}

/** What a download gave: the verdict, or the host's error; and the progress frames seen. */
export interface Downloaded { result: Received | null, error: PhoneMessage | null, chunks: number }

/** Ask for document `id` and take every frame of the answer. */
export async function downloadDoc (phone: TestPhone, id: string, ms = 30_000): Promise<Downloaded> {
  phone.send({ t: 'doc-get', id })
  const first = await phone.next((m) => m.t === 'doc-start' || (m.t === 'error' && m.re === 'doc-get'), ms)
  if (first.t === 'error') return { result: null, error: first, chunks: 0 }
  const download = new Download(first)
  let chunks = 0
  for (;;) {
    const m = await phone.next((x) => x.t === 'doc-chunk' || x.t === 'doc-end' || (x.t === 'error' && x.re === 'doc-get'), ms)
    if (m.t === 'error') return { result: null, error: m, chunks }
    if (m.t === 'doc-end') return { result: download.end(), error: null, chunks }
    download.chunk(m)
    chunks++
  }
}

/** Where the phone writes: room, its hosted log and the next position. */
export interface PhoneLog { me: PhoneIdentity, room: string, core: string, seq: number }

/** What an upload gave: the host's `doc-stored` and `appended`, or the error that stopped it. */
export interface Uploaded { stored: PhoneMessage | null, appended: PhoneMessage | null, error: PhoneMessage | null }

/** Send a file, then announce it with a `doc` record signed for `log.seq` (the caller moves seq on). */
export async function uploadDoc (phone: TestPhone, log: PhoneLog, file: Outgoing, sent: (frames: number) => boolean = () => true): Promise<Uploaded> {
  const accept = await phone.ask(putFrame(file), 'doc-accept')
  if (accept.t === 'error') return { stored: null, appended: null, error: accept }
  const sender = new Sender(file.bytes, accept)
  let frames = 0
  let stored: PhoneMessage | null = null
  while (stored === null) {
    for (const m of sender.next()) {
      if (!sent(frames)) return { stored: null, appended: null, error: null }
      phone.send(m)
      frames++
    }
    const m = await phone.next((x) => x.t === 'doc-got' || x.t === 'doc-stored' || (x.t === 'error' && x.re === 'doc-data'))
    if (m.t === 'error') return { stored: null, appended: null, error: m }
    if (m.t === 'doc-stored') stored = m
    else sender.got(m)
  }
  const record = docRecord(file, stored)
  const block = signHostedBlock({ ...record, ts: Date.now() } as any, log.seq, Buffer.from(log.room, 'hex'), Buffer.from(log.core, 'hex'), log.me.secretKey).toString()
  const appended = await phone.ask({ t: 'append', seq: log.seq, block }, 'appended')
  return { stored, appended: appended.t === 'appended' ? appended : null, error: appended.t === 'error' ? appended : null }
}
