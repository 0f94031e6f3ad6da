/**
 * Labels of the drill report, in English and French. Kept here rather than in the app's
 * catalogue (src/i18n) because a report is a document read by people who may not run
 * tamtam: it must render the same whatever the local catalogue holds. French follows the
 * drill guide's words (salon, animateur, sonde, portée, jamais atteints).
 */

/** Languages a report can be rendered in. */
export type Lang = 'en' | 'fr'

const EN = {
  title: 'Drill report',
  labelled: '{label}: {value}',
  room: 'Room',
  drill: 'Drill',
  facilitator: 'Facilitator',
  started: 'Started',
  probes: 'Probes',
  probesSent: '{sent} sent of {planned} planned',
  reach: 'Reach',
  within: 'Within',
  reached: 'Reached',
  share: 'Share',
  reachAt: 'Reach at {at}',
  latency: 'Latency',
  receipts: 'Receipts',
  hops: 'Hops',
  unknown: 'unknown',
  participants: 'Participants',
  name: 'Name',
  fingerprint: 'Fingerprint',
  probesReceived: 'Probes received',
  bestLatency: 'Best latency',
  path: 'Path',
  clock: 'Clock',
  'round-trip': 'round trip',
  unverified: 'unverified',
  neverReached: 'Never reached',
  none: 'None.',
  method: 'Method',
  methodText: 'Latency is the time from the facilitator writing a probe to a participant receiving it, on the facilitator\'s clock. Each participant\'s clock offset is estimated NTP-style from the round trip of its acknowledgements as timed by the facilitator (the sample with the shortest round trip wins), and each latency is kept between 0 and that round trip. Participants whose acknowledgements the facilitator never saw are marked "unverified": their own clock is used, floored at 0.',
  built: 'Built {at} from {logs} logs.',
  reachChart: 'Reach over time',
  latencyChart: 'Receipt latencies',
  secondsSinceStart: 'seconds since the drill started',
  participantsReached: 'participants reached (of {total})',
  receiptCount: 'receipts'
}

/** The label keys (every key of the English table). */
export type LabelKey = keyof typeof EN

const FR: Record<LabelKey, string> = {
  title: 'Rapport d\'exercice',
  // French typography: a space before the colon.
  labelled: '{label}\u00a0: {value}',
  room: 'Salon',
  drill: 'Exercice',
  facilitator: 'Animateur',
  started: 'Début',
  probes: 'Sondes',
  probesSent: '{sent} envoyée(s) sur {planned} prévue(s)',
  reach: 'Portée',
  within: 'Délai',
  reached: 'Atteints',
  share: 'Part',
  reachAt: 'Portée à {at}',
  latency: 'Latence',
  receipts: 'Réceptions',
  hops: 'Sauts',
  unknown: 'inconnu',
  participants: 'Participants',
  name: 'Nom',
  fingerprint: 'Empreinte',
  probesReceived: 'Sondes reçues',
  bestLatency: 'Meilleure latence',
  path: 'Chemin',
  clock: 'Horloge',
  'round-trip': 'aller-retour',
  unverified: 'non vérifiée',
  neverReached: 'Jamais atteints',
  none: 'Aucun.',
  method: 'Méthode',
  methodText: 'La latence est le temps entre l\'écriture d\'une sonde par l\'animateur et sa réception par un participant, mesuré sur l\'horloge de l\'animateur. Le décalage d\'horloge de chaque participant est estimé à la manière de NTP à partir de l\'aller-retour de ses accusés de réception, chronométrés par l\'animateur (l\'échantillon à l\'aller-retour le plus court l\'emporte), et chaque latence est bornée entre 0 et cet aller-retour. Les participants dont l\'animateur n\'a jamais vu les accusés sont marqués « non vérifié » : leur propre horloge est utilisée, ramenée à 0 au minimum.',
  built: 'Établi le {at} à partir de {logs} journaux.',
  reachChart: 'Portée au fil du temps',
  latencyChart: 'Latences de réception',
  secondsSinceStart: 'secondes depuis le début de l\'exercice',
  participantsReached: 'participants atteints (sur {total})',
  receiptCount: 'réceptions'
}

const TABLES: Record<Lang, Record<LabelKey, string>> = { en: EN, fr: FR }

/** A language we can render in; anything else falls back to English rather than failing. */
export function toLang (lang: string | undefined): Lang {
  return lang === 'fr' ? 'fr' : 'en'
}

/** The label `key` in `lang`, with `{param}` placeholders filled in. */
export function label (lang: Lang, key: LabelKey, params: Record<string, string | number> = {}): string {
  return TABLES[toLang(lang)][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole)
}
