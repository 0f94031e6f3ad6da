/**
 * Every string the page shows, in French and English: one catalogue per language. The
 * language comes from the browser, and a switch changes it (kept with the identity).
 */
const fr = {
  title: 'tamtam',
  connecting: 'Connexion à l\'hôte…',
  noInvite: 'Ce lien ne contient pas d\'invitation. Demandez le lien complet (il se termine par #tamtam1…).',
  refused: 'L\'hôte a refusé cette invitation : elle est fausse, ou ce salon n\'est pas sur cet hôte.',
  full: 'L\'hôte est plein : trop de téléphones connectés. Réessayez dans un moment.',
  lost: 'Connexion perdue.',
  retry: 'Réessayer',
  askName: 'Votre nom, tel que les autres le verront :',
  nameOk: 'Entrer',
  placeholder: 'Votre message',
  send: 'Envoyer',
  you: 'Vous : {name} · {fp}',
  room: 'Salon : {name}',
  refusedMsg: 'Message refusé par l\'hôte : {detail}',
  empty: 'Aucun message pour l\'instant.',
  docsTitle: 'Documents',
  docsEmpty: 'Aucun document pour l\'instant.',
  docPick: 'Partager un fichier',
  docGet: 'Télécharger',
  docSave: 'Enregistrer',
  docMeta: '{size} · {author} · {fp}',
  docBad: 'Le fichier reçu ne correspond pas à son empreinte sha256 : il n\'est pas proposé.',
  docError: 'Document refusé par l\'hôte : {detail}',
  docSending: 'Envoi de {name} : {done} sur {total}',
  docSent: 'Partagé : {name}',
  other: 'English'
}

type Catalogue = typeof fr
/** A key of the catalogues. */
export type Key = keyof Catalogue

const en: Catalogue = {
  title: 'tamtam',
  connecting: 'Connecting to the host…',
  noInvite: 'This link holds no invite. Ask for the whole link (it ends with #tamtam1…).',
  refused: 'The host refused this invite: it is wrong, or this room is not on this host.',
  full: 'The host is full: too many phones connected. Try again in a moment.',
  lost: 'Connection lost.',
  retry: 'Try again',
  askName: 'Your name, as others will see it:',
  nameOk: 'Enter',
  placeholder: 'Your message',
  send: 'Send',
  you: 'You: {name} · {fp}',
  room: 'Room: {name}',
  refusedMsg: 'The host refused the message: {detail}',
  empty: 'No messages yet.',
  docsTitle: 'Documents',
  docsEmpty: 'No documents yet.',
  docPick: 'Share a file',
  docGet: 'Download',
  docSave: 'Save',
  docMeta: '{size} · {author} · {fp}',
  docBad: 'The file received does not match its sha256: it is not offered.',
  docError: 'The host refused the document: {detail}',
  docSending: 'Sending {name}: {done} of {total}',
  docSent: 'Shared: {name}',
  other: 'Français'
}

/** The languages of the page. */
export type Lang = 'fr' | 'en'
const CATALOGUES: Record<Lang, Catalogue> = { fr, en }

/** French when the browser prefers it, else English. */
export const browserLang = (language: string | undefined): Lang => (language ?? '').toLowerCase().startsWith('fr') ? 'fr' : 'en'

/** The text of `key` in `lang`, with `{name}` fields filled from `fields`. */
export function text (lang: Lang, key: Key, fields: Record<string, string> = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (all, field: string) => fields[field] ?? all)
}
