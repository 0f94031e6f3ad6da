/**
 * The phone page (issue 20): take the invite from the address fragment, keep an identity
 * in this browser, connect to the host that served the page, and chat. The order of what
 * the page shows: no invite → say so; no name yet → ask it; then connect.
 */
import { phoneHandshakeKey } from '../../src/phone/index.js'
import { Link, type Ending } from './connection.js'
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
function connect (view: View, memberKey: Uint8Array, me: PhoneKeys, name: string, probes: ProbeWatch): void {
  view.say('connecting')
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
  let session: Session | null = null
  const link = new Link(url, memberKey, {
    open: () => {
      session = new Session((m) => link.send(m), me, name, {
        room: (room) => { view.showRoom(room); view.showChat(true); view.say(null) },
        items: (items, shown) => {
          view.showItems(items, shown.older)
          view.extras.showOlder(shown.moreBefore)
        },
        people: (people) => view.extras.showPeople(people),
        seen: (seen) => view.extras.showSeen(seen),
        refused: (detail) => view.say('refusedMsg', false, { detail })
      }, probes)
      view.onSend((text) => session?.write(text))
      view.extras.onOlder(() => session?.older())
      session.start()
    },
    message: (m) => session?.receive(m),
    end: (why) => {
      const ending = ENDINGS[why]
      if (why === 'refused') view.showChat(false)
      view.onSend(() => {})
      view.say(ending.key, ending.retry)
    }
  })
  view.onRetry(() => connect(view, memberKey, me, name, probes))
}

async function main (): Promise<void> {
  // A link pasted or edited in place changes only the fragment: start again with it.
  window.addEventListener('hashchange', () => location.reload())
  const view = new View(pickLang())
  view.onSwitch((lang) => {
    localStorage.setItem(LANG_SLOT, lang)
    view.setLang(lang)
  })
  const secret = secretFromHash(location.hash)
  if (secret === null) return view.say('noInvite')
  const me = loadKeys(localStorage)
  const name = loadName(localStorage) ?? await view.askName(cleanName)
  saveName(localStorage, name)
  view.showMe(name, shortFingerprint(me.publicKey), me.hex)
  // Drill probes are acknowledged while the page is open, once each, across reconnects.
  connect(view, phoneHandshakeKey(secret), me, name, new ProbeWatch())
}

main().catch((err) => console.error(err))
