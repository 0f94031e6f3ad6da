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
  p50: 'Half in under',
  p90: '90% in under',
  max: 'Slowest',
  hops: 'Hops',
  unknown: 'unknown',
  hopsNote: 'Hops are the relays between the facilitator and a participant: 1 means received straight from the facilitator. "Unknown" means the path cannot be traced: the receiving computer did not know which member\'s connection brought the probe (for example just after it reconnected), or the probe went through someone whose computer does not acknowledge probes.',
  probeTable: 'Probes',
  probe: 'Probe',
  sentAfter: 'Sent at',
  reachedWithin5s: 'Reached within 5 s',
  reachedInTheEnd: 'Reached in the end',
  participants: 'Participants',
  name: 'Name',
  fingerprint: 'Fingerprint',
  probesReceived: 'Probes received',
  bestLatency: 'Best latency',
  path: 'Path',
  lateProbes: 'Probes received late',
  lateList: '{probes} (up to {late})',
  clock: 'Clock offset',
  'round-trip': 'measured (round trip)',
  unverified: 'not measured',
  participantsNote: 'Sorted by name. The clock offset is measured from the round trips of a participant\'s acknowledgements; "not measured" says nothing about the person: the facilitator received no acknowledgement from that computer to time.',
  caughtUp: 'Caught up',
  caughtUpNote: 'Received probes {late} or more after they were sent: away for a while (computer stopped or asleep, another network), then caught up on return.',
  caughtUpLine: '{who}: probes {probes}, up to {late} late',
  neverReached: 'Never reached',
  none: 'None.',
  method: 'Method',
  methodText: 'Latency is the time from the facilitator writing a probe to a participant receiving it, on the facilitator\'s clock. Each participant\'s clock offset is estimated NTP-style from the round trip of its acknowledgements as timed by the facilitator (the sample with the shortest round trip wins), and each latency is kept between 0 and that round trip. For participants whose acknowledgements the facilitator never saw, the offset is "not measured": their own clock is used, floored at 0.',
  built: 'Built on {at} from {logs} logs.',
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
  p50: 'La moitié en moins de',
  p90: '90\u00a0% en moins de',
  max: 'Le plus lent',
  hops: 'Sauts',
  unknown: 'inconnu',
  hopsNote: 'Les sauts sont les relais entre l\'animateur et un participant : 1 veut dire reçu directement de l\'animateur. « Inconnu » veut dire que le chemin ne peut pas être retracé : l\'ordinateur qui a reçu la sonde ne savait pas par la connexion de quel membre elle arrivait (par exemple juste après s\'être reconnecté), ou la sonde est passée par quelqu\'un dont l\'ordinateur ne répond pas aux sondes.',
  probeTable: 'Sondes',
  probe: 'Sonde',
  sentAfter: 'Envoyée à',
  reachedWithin5s: 'Atteints en 5 s',
  reachedInTheEnd: 'Atteints à la fin',
  participants: 'Participants',
  name: 'Nom',
  fingerprint: 'Empreinte',
  probesReceived: 'Sondes reçues',
  bestLatency: 'Meilleure latence',
  path: 'Chemin',
  lateProbes: 'Sondes reçues en retard',
  lateList: '{probes} (jusqu\'à {late})',
  clock: 'Décalage d\'horloge',
  'round-trip': 'mesuré (aller-retour)',
  unverified: 'non mesuré',
  participantsNote: 'Par ordre alphabétique. Le décalage d\'horloge est mesuré à partir des allers-retours des accusés de réception ; « non mesuré » ne dit rien de la personne : l\'animateur n\'a reçu de cet ordinateur aucun accusé à chronométrer.',
  caughtUp: 'Rattrapés',
  caughtUpNote: 'Ont reçu des sondes {late} ou plus après leur envoi : absents un moment (ordinateur arrêté ou en veille, autre réseau), puis rattrapés à leur retour.',
  caughtUpLine: '{who} : sondes {probes}, jusqu\'à {late} de retard',
  neverReached: 'Jamais atteints',
  none: 'Aucun.',
  method: 'Méthode',
  methodText: 'La latence est le temps entre l\'écriture d\'une sonde par l\'animateur et sa réception par un participant, mesuré sur l\'horloge de l\'animateur. Le décalage d\'horloge de chaque participant est estimé à la manière de NTP à partir de l\'aller-retour de ses accusés de réception, chronométrés par l\'animateur (l\'échantillon à l\'aller-retour le plus court l\'emporte), et chaque latence est bornée entre 0 et cet aller-retour. Pour les participants dont l\'animateur n\'a jamais vu les accusés, le décalage est « non mesuré » : leur propre horloge est utilisée, ramenée à 0 au minimum.',
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
