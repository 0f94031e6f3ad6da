/**
 * The documents panel of the page: the room's documents with size and author, a download
 * button and progress for each, and an upload button (a file picker). Names and authors
 * are peer text: they go in with textContent only. A downloaded file is offered (a Blob, an
 * object URL, a link with `download`) only once docs.ts found its bytes match the sha256.
 */
import { text, type Key, type Lang } from './i18n.js'
import type { PhoneMessage } from '../../src/phone/index.js'
import { DocsState, type DocInfo, type Download, type Outgoing } from './docs.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** A size for people: 1.5 MiB, 20 KiB. */
export function sizeText (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`
}

export class DocsView {
  private lang: Lang
  private docs: DocInfo[] = []
  private status: { key: Key, fields?: Record<string, string> } | null = null
  private readonly progress = new Map<string, string>()
  private readonly saved = new Map<string, { url: string, name: string }>()
  private fetch: (id: string) => void = () => {}

  constructor (lang: Lang) {
    this.lang = lang
  }

  setLang (lang: Lang): void {
    this.lang = lang
    this.render()
  }

  /** Call `fetch` with the id of a document the person wants, `put` with a picked file. */
  onActions (fetch: (id: string) => void, put: (file: Outgoing) => void): void {
    this.fetch = fetch
    const input = $<HTMLInputElement>('doc-file')
    input.onchange = () => {
      const file = input.files?.[0]
      input.value = ''
      if (file === undefined) return
      file.arrayBuffer().then((buffer) => put({ name: file.name, mime: file.type, bytes: new Uint8Array(buffer) }), () => this.say('docError', { detail: file.name }))
    }
  }

  list (docs: DocInfo[]): void {
    this.docs = docs
    this.render()
  }

  say (key: Key | null, fields?: Record<string, string>): void {
    this.status = key === null ? null : { key, fields }
    this.render()
  }

  showProgress (id: string, bytes: number, total: number): void {
    this.progress.set(id, `${sizeText(bytes)} / ${sizeText(total)}`)
    this.render()
  }

  /** The checked file: a link that saves it, clicked once for the person. */
  offer (info: Download['info'], parts: Uint8Array[]): void {
    this.progress.delete(info.id)
    const old = this.saved.get(info.id)
    if (old !== undefined) URL.revokeObjectURL(old.url)
    const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: /^[\w.+-]+\/[\w.+-]+$/.test(info.mime) ? info.mime : 'application/octet-stream' }))
    this.saved.set(info.id, { url, name: info.name })
    this.render()
    document.querySelector<HTMLAnchorElement>(`#doc-list a[data-id="${CSS.escape(info.id)}"]`)?.click()
  }

  /** A download that ended without a file. */
  dropped (id: string | null): void {
    if (id !== null) this.progress.delete(id)
    this.render()
  }

  private render (): void {
    const list = $('doc-list')
    list.textContent = ''
    for (const doc of this.docs) list.appendChild(this.row(doc))
    $('doc-empty').hidden = this.docs.length > 0
    const s = this.status
    $('doc-status').textContent = s === null ? '' : text(this.lang, s.key, s.fields)
  }

  private row (doc: DocInfo): HTMLElement {
    const li = document.createElement('li')
    const name = document.createElement('span')
    name.className = 'doc-name'
    name.textContent = String(doc.name)
    const meta = document.createElement('span')
    meta.className = 'doc-meta'
    meta.textContent = text(this.lang, 'docMeta', { size: sizeText(Number(doc.size)), author: String(doc.authorName), fp: String(doc.author) })
    li.append(name, meta)
    const saved = this.saved.get(doc.id)
    const progress = this.progress.get(doc.id)
    if (saved !== undefined) {
      const a = document.createElement('a')
      a.href = saved.url
      a.download = saved.name
      a.dataset.id = doc.id
      a.textContent = text(this.lang, 'docSave')
      li.append(a)
    } else if (progress !== undefined) {
      const p = document.createElement('span')
      p.className = 'doc-progress'
      p.textContent = progress
      li.append(p)
    } else {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'doc-get'
      button.textContent = text(this.lang, 'docGet')
      button.onclick = () => this.fetch(doc.id)
      li.append(button)
    }
    return li
  }
}

/** The documents of one connection, shown in `panel`; `announce` appends a record through the session. */
export function connectDocs (panel: DocsView, send: (m: PhoneMessage) => boolean, announce: DocsState['announce']): DocsState {
  const docs = new DocsState(send, (record) => announce(record), {
    list: (list) => panel.list(list),
    progress: (id, bytes, total) => panel.showProgress(id, bytes, total),
    offer: (info, parts) => { panel.say(null); panel.offer(info, parts) },
    failed: (id, why, detail) => { panel.dropped(id); panel.say(why === 'bad' ? 'docBad' : 'docError', { detail }) },
    sending: (name, bytes, total) => panel.say('docSending', { name, done: sizeText(bytes), total: sizeText(total) }),
    uploaded: (name) => panel.say('docSent', { name })
  })
  panel.onActions((id) => docs.fetch(id), (file) => docs.put(file))
  return docs
}
