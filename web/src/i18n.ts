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
  expiry: 'les messages disparaissent après {after}',
  refusedMsg: 'Message refusé par l\'hôte : {detail}',
  empty: 'Aucun message pour l\'instant.',
  people: 'Membres : {online} en ligne sur {all}',
  online: 'en ligne',
  offline: 'hors ligne',
  seenBy: 'Votre dernier message : vu par {k} sur {n}',
  older: 'Messages plus anciens',
  edited: '(modifié)',
  dmTitle: 'Messages privés',
  dmNobody: 'Personne d\'autre dans le salon pour l\'instant.',
  dmWith: 'Privé avec {name} · {fp}',
  dmBack: 'Retour au salon',
  dmEmpty: 'Aucun message privé avec cette personne. Seule elle pourra lire ce que vous écrivez ici.',
  dmPlaceholder: 'Message privé',
  dmYou: 'Vous',
  dmUnread: '{n} non lu(s)',
  dmEmptyText: 'Le message est vide.',
  dmTooLong: 'Message privé trop long.',
  dmBadKey: 'Impossible de chiffrer pour ce membre : sa clé n\'est pas utilisable.',
  moveTitle: 'Passer par un autre hôte',
  moveLabel: 'Adresse de l\'autre hôte (sous son code QR), par ex. 10.42.0.2:8080 :',
  moveGo: 'Ouvrir avec mon identité',
  moveBad: 'Ce n\'est pas une adresse.',
  moveBlocked: 'Le navigateur a bloqué le nouvel onglet : autorisez les fenêtres pour cette page.',
  moveAsk: 'La page de {from} vous passe son identité : {name} · {fp}. La reprendre ici, pour rester le même membre ?',
  moveYes: 'Oui, la reprendre',
  moveNo: 'Non, nouvelle identité',
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
  expiry: 'messages disappear after {after}',
  refusedMsg: 'The host refused the message: {detail}',
  empty: 'No messages yet.',
  people: 'Members: {online} online of {all}',
  online: 'online',
  offline: 'offline',
  seenBy: 'Your last message: seen by {k} of {n}',
  older: 'Older messages',
  edited: '(edited)',
  dmTitle: 'Private messages',
  dmNobody: 'Nobody else in the room yet.',
  dmWith: 'Private with {name} · {fp}',
  dmBack: 'Back to the room',
  dmEmpty: 'No private messages with this person yet. Only they can read what you write here.',
  dmPlaceholder: 'Private message',
  dmYou: 'You',
  dmUnread: '{n} unread',
  dmEmptyText: 'The message is empty.',
  dmTooLong: 'The private message is too long.',
  dmBadKey: 'Cannot encrypt for this member: their key is not usable.',
  moveTitle: 'Go through another host',
  moveLabel: 'Address of the other host (under its QR code), e.g. 10.42.0.2:8080:',
  moveGo: 'Open with my identity',
  moveBad: 'That is not an address.',
  moveBlocked: 'The browser blocked the new tab: allow pop-ups for this page.',
  moveAsk: 'The page of {from} hands you its identity: {name} · {fp}. Take it here, to stay the same member?',
  moveYes: 'Yes, take it',
  moveNo: 'No, a new identity',
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

/** A lifetime in seconds as the CLI writes it: 86400 → "1d", 5400 → "90m" (src/expiry/duration.ts). */
export function lifetime (seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`
  return `${seconds}s`
}
