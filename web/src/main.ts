/**
 * The phone page (issue 20): take the invite from the address fragment, keep an identity
 * in this browser, connect to the host that served the page, and chat. The order of what
 * the page shows: no invite → say so; no name yet → ask it; then connect.
 */
import { phoneHandshakeKey } from '../../src/phone/index.js'
import { Link, type Ending } from './connection.js'
import { DmView } from './dm-view.js'
import type { DocsState } from './docs.js'
import { connectDocs, DocsView } from './docs-view.js'
import { PhoneDms } from './dms.js'
import { ProbeWatch } from './drill.js'
import { browserLang, type Lang } from './i18n.js'
import { adoptKeys, cleanName, hasIdentity, loadKeys, loadName, publicOf, saveName, shortFingerprint, type PhoneKeys } from './identity.js'
import { hostOrigin, moveTo, receiveMove } from './move.js'
import { confirmMove, onMoveAsked } from './move-view.js'
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
/** What outlives a connection: drill probes acked, and private messages opened (with their cursor). */
interface Kept { probes: ProbeWatch, dms: PhoneDms, dmView: DmView, docsView: DocsView }

function connect (view: View, memberKey: Uint8Array, me: PhoneKeys, name: string, kept: Kept): void {
  view.say('connecting')
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  let session: Session | null = null
  let docs: DocsState | null = null
  // The document list changes only with a `doc` record: asked again when one shows in the
  // history, not on every update (each request is a frame of the phone's quota).
  const docItems = new Set<string>()
  const link = new Link(url, memberKey, {
    open: () => {
      docs = connectDocs(kept.docsView, (m) => link.send(m), (record) => session?.announce(record))
      session = new Session((m) => link.send(m), me, name, {
        room: (room) => { view.showRoom(room); view.showChat(true); view.say(null); docs?.refresh() },
        expiry: (seconds) => view.showExpiry(seconds),
        items: (items, shown) => {
          const fresh = items.filter((i) => i.type === 'doc' && !docItems.has(i.id))
          for (const i of fresh) docItems.add(i.id)
          if (fresh.length > 0) docs?.refresh()
          view.showItems(items, shown.older)
          view.extras.showOlder(shown.moreBefore)
        },
        people: (people) => view.extras.showPeople(people),
        seen: (seen) => view.extras.showSeen(seen),
        refused: (detail) => view.say('refusedMsg', false, { detail }),
        dms: () => kept.dmView.update(),
        members: (members) => kept.dmView.setMembers(members)
      }, kept.probes, kept.dms)
      view.onSend((text) => session?.write(text))
      view.extras.onOlder(() => session?.older())
      kept.dmView.onSend((to, text) => session?.writeDm(to, text) ?? 'badKey')
      session.start()
    },
    message: (m) => {
      if (docs?.receive(m) === true) return
      session?.receive(m)
    },
    end: (why) => {
      docs?.stop()
      const ending = ENDINGS[why]
      if (why === 'refused') view.showChat(false)
      view.onSend(() => {})
      view.say(ending.key, ending.retry)
    }
  })
  view.onRetry(() => connect(view, memberKey, me, name, kept))
}

async function main (): Promise<void> {
  // A link pasted or edited in place changes only the fragment: start again with it.
  window.addEventListener('hashchange', () => location.reload())
  const view = new View(pickLang())
  let dmView: DmView | null = null
  const docsView = new DocsView(view.lang)
  view.onSwitch((lang) => {
    localStorage.setItem(LANG_SLOT, lang)
    view.setLang(lang)
    dmView?.setLang(lang)
    docsView.setLang(lang)
  })
  const secret = secretFromHash(location.hash)
  if (secret === null) return view.say('noInvite')
  // A page opened by this phone's page on another host may be handed that identity (move.ts).
  if (!hasIdentity(localStorage)) {
    const moved = await receiveMove()
    // The name comes from another page: held to the rules of a typed one (1 to 64 characters).
    const movedName = moved === null ? null : cleanName(moved.identity.name)
    if (moved !== null && movedName !== null && await confirmMove(view.lang, movedName, shortFingerprint(publicOf(moved.identity.secretKey)), moved.from)) {
      adoptKeys(localStorage, moved.identity.secretKey, movedName)
    }
  }
  const me = loadKeys(localStorage)
  const name = loadName(localStorage) ?? await view.askName(cleanName)
  saveName(localStorage, name)
  view.showMe(name, shortFingerprint(me.publicKey), me.hex)
  // Drill probes are acknowledged while the page is open, once each, across reconnects; private messages are opened here.
  const dms = new PhoneDms(me)
  dmView = new DmView(view.lang, dms, me.hex, localStorage)
  onMoveAsked(() => view.lang, (address) => {
    const origin = hostOrigin(address)
    if (origin === null) return 'bad'
    return moveTo(origin, location.hash, me, name) ? 'opened' : 'blocked'
  })
  connect(view, phoneHandshakeKey(secret), me, name, { probes: new ProbeWatch(), dms, dmView, docsView })
}

main().catch((err) => console.error(err))
