/**
 * The two screens of moving to another host (move.ts): on the page the phone has, a form
 * for the other host's address; on the new page, the question whether to take the
 * identity handed over. Names go in as text only.
 */
import { text, type Lang } from './i18n.js'

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

/** Call `move` with each address typed; it says whether the tab opened. */
export function onMoveAsked (lang: () => Lang, move: (address: string) => 'opened' | 'blocked' | 'bad'): void {
  const form = $<HTMLFormElement>('move-form')
  form.onsubmit = (e) => {
    e.preventDefault()
    const result = move($<HTMLInputElement>('move-address').value)
    const note = $('move-note')
    note.textContent = result === 'opened' ? '' : text(lang(), result === 'bad' ? 'moveBad' : 'moveBlocked')
  }
}

/** Ask whether to keep the identity of `name · fp` from `from`; resolves with the answer. */
export async function confirmMove (lang: Lang, name: string, fp: string, from: string): Promise<boolean> {
  const box = $('move-ask')
  $('move-text').textContent = text(lang, 'moveAsk', { name, fp, from })
  box.hidden = false
  return await new Promise((resolve) => {
    const answer = (yes: boolean): void => {
      box.hidden = true
      resolve(yes)
    }
    $('move-yes').onclick = () => answer(true)
    $('move-no').onclick = () => answer(false)
  })
}
