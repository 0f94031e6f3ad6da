/**
 * The phone page (issue 20): take the invite from the address fragment, keep an identity
 * in this browser, connect to the host that served the page, and chat. The order of what
 * the page shows: no invite → say so; no name yet → ask it; then connect.
 */
import { phoneHandshakeKey, type PhoneMessage } from '../../src/phone/index.js'
import { Link, type Ending } from './connection.js'
import { DocsState } from './docs.js'
import { DocsView, sizeText } from './docs-view.js'
import { ProbeWatch } from './drill.js'
import { browserLang, type Lang } from './i18n.js'
import { cleanName, loadKeys, loadName, saveName, shortFingerprint, type PhoneKeys } from './identity.js'
import { secretFromHash } from './invite.js'
import { Session } from './session.js'
import { View } from './view.js'

const LANG_SLOT = 'tamtam.lang'
const ENDINGS: Record<Ending, { key: 'refused' | 'full' | 'lost', retry: boolean }> = {
  refused: { key: 'refused', retry: false },
  full: { key: 'full', retry: true },
  lost: { key: 'lost', retry: true }
}

function pickLang (): Lang {
  const kept = localStorage.getItem(LANG_SLOT)
  return kept === 'fr' || kept === 'en' ? kept : browserLang(navigator.language)
}

/** Connect once; on an ending, say why (and offer a retry when one can help). */
function connect (view: View, docsView: DocsView, memberKey: Uint8Array, me: PhoneKeys, name: string, probes: ProbeWatch): void {
  view.say('connecting')
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  let session: Session | null = null
  let docs: DocsState | null = null
  const link = new Link(url, memberKey, {
    open: () => {
      docs = documents(docsView, (m) => link.send(m), (record) => session?.announce(record))
      session = new Session((m) => link.send(m), me, name, {
        room: (room) => { view.showRoom(room); view.showChat(true); view.say(null); docs?.refresh() },
        items: (items) => view.showItems(items),
        refused: (detail) => view.say('refusedMsg', false, { detail })
      }, probes)
      view.onSend((text) => session?.write(text))
      session.start()
    },
    message: (m) => {
      if (docs?.receive(m) === true) return
      session?.receive(m)
      if (m.t === 'update') docs?.refresh()
    },
    end: (why) => {
      docs?.stop()
      const ending = ENDINGS[why]
      if (why === 'refused') view.showChat(false)
      view.onSend(() => {})
      view.say(ending.key, ending.retry)
    }
  })
  view.onRetry(() => connect(view, docsView, memberKey, me, name, probes))
}

/** The documents of one connection, shown in the panel. */
function documents (panel: DocsView, send: (m: PhoneMessage) => boolean, announce: DocsState['announce']): DocsState {
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

async function main (): Promise<void> {
  // A link pasted or edited in place changes only the fragment: start again with it.
  window.addEventListener('hashchange', () => location.reload())
  const view = new View(pickLang())
  const docsView = new DocsView(view.lang)
  view.onSwitch((lang) => {
    localStorage.setItem(LANG_SLOT, lang)
    view.setLang(lang)
    docsView.setLang(lang)
  })
  const secret = secretFromHash(location.hash)
  if (secret === null) return view.say('noInvite')
  const me = loadKeys(localStorage)
  const name = loadName(localStorage) ?? await view.askName(cleanName)
  saveName(localStorage, name)
  view.showMe(name, shortFingerprint(me.publicKey))
  // Drill probes are acknowledged while the page is open, once each, across reconnects.
  connect(view, docsView, phoneHandshakeKey(secret), me, name, new ProbeWatch())
}

main().catch((err) => console.error(err))
