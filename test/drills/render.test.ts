import t from 'tap'

// Reports print local times: pin the zone so the expected text is the same on every machine.
process.env.TZ = 'Europe/Paris'
import fc from 'fast-check'
import type { DrillReport, Participant } from '../../src/drills/types.js'
import {
  CSV_HEADER, formatFromPath, formatMs, latencyHistogramSvg, reachChartSvg, renderCsv, renderHtml,
  renderMarkdown, renderReport, REPORT_FORMATS, type ReportFormat
} from '../../src/drills/render/index.js'

// Names a peer could pick to attack whoever opens the report.
const SCRIPT = '<script>alert("x")</script>, Moussa'
const FORMULA = '=cmd|\' /C calc\'!A0'
const TERMINAL = '\u001b[31mRed\u202eevil'
const FACILITATOR = 'Awa <b>&</b>'
const METHOD = 'Latency runs from the facilitator writing a probe to its receipt, estimated on the facilitator\'s clock.'

/** One participant in a line: name, fingerprint, clock, then receipts. */
function participant (name: string, fingerprint: string, clock: Participant['clock'], receipts: Participant['receipts']): Participant {
  return { identity: fingerprint.repeat(8), fingerprint, name, receipts, clockOffsetMs: clock === 'round-trip' ? 12 : null, clock }
}

function fixture (): DrillReport {
  return {
    version: 1,
    room: 'Salle & <co>',
    drill: 'd1',
    name: 'Atelier "MaliSIG"',
    facilitator: { identity: 'f'.repeat(64), fingerprint: '3f2a-91bc', name: FACILITATOR },
    startedAt: Date.UTC(2025, 4, 20, 9, 0, 0),
    durationMs: 300_000,
    plannedProbes: 3,
    intervalMs: 60_000,
    probes: [{ probe: 0, sentAt: Date.UTC(2025, 4, 20, 9, 0, 0), reached: 2 }, { probe: 1, sentAt: Date.UTC(2025, 4, 20, 9, 1, 0), reached: 1 }],
    participants: [
      participant(SCRIPT, 'aaaa-0001', 'round-trip', [
        { probe: 0, latencyMs: 850, roundTripMs: 1700, hops: 1, path: [FACILITATOR, SCRIPT] },
        { probe: 1, latencyMs: 12_400, roundTripMs: 25_000, hops: 2, path: [FACILITATOR, 'Relay', SCRIPT] }
      ]),
      // hops unknown: the receipt came without a path
      participant(FORMULA, 'bbbb-0002', 'unverified', [
        { probe: 0, latencyMs: 4_200, roundTripMs: null, hops: null, path: [] }
      ]),
      participant(TERMINAL, 'cccc-0003', 'unverified', [])
    ],
    reach: { at5s: 2, at30s: 2, at120s: 2, total: 3 },
    latency: { count: 3, p50: 4_200, p90: 12_400, max: 12_400 },
    hops: { unknown: 1, 2: 1, 1: 1 },
    curve: [{ atMs: 0, reached: 0 }, { atMs: 850, reached: 1 }, { atMs: 4_200, reached: 2 }],
    unreached: [TERMINAL],
    behind: [],
    // 12.4 s after it was sent: late (10 s or more), so caught up
    caughtUp: [{ name: SCRIPT, fingerprint: 'aaaa-0001', probes: [1], lateMs: 12_400 }],
    method: METHOD,
    builtAt: Date.UTC(2025, 4, 20, 10, 0, 0),
    logs: 4
  }
}

function emptyReport (): DrillReport {
  return {
    ...fixture(),
    name: '',
    plannedProbes: 0,
    probes: [],
    participants: [],
    reach: { at5s: 0, at30s: 0, at120s: 0, total: 0 },
    latency: { count: 0, p50: null, p90: null, max: null },
    hops: {},
    curve: [],
    unreached: [],
    caughtUp: []
  }
}

// A small XML well-formedness checker: balanced tags, one root, quoted attributes with no
// duplicate, no raw '<' or stray '&', no character XML forbids. An HTML DOCTYPE is allowed
// before the root, since our pages keep to the XML subset of HTML.
const OPEN_TAG = /<([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y
const CLOSE_TAG = /<\/([A-Za-z][\w:.-]*)\s*>/y
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/

function strayAmpersand (text: string): boolean {
  return [...text.matchAll(/&/g)].some((a) => {
    ENTITY.lastIndex = a.index
    return !ENTITY.test(text)
  })
}

function xmlError (doc: string): string | null {
  if (ILLEGAL.test(doc)) return 'character not allowed in XML'
  const stack: string[] = []
  let roots = 0
  let i = doc.startsWith('<!DOCTYPE html>') ? '<!DOCTYPE html>'.length : 0
  while (i < doc.length) {
    const c = doc[i]
    if (c === '&') {
      ENTITY.lastIndex = i
      if (!ENTITY.test(doc)) return `stray & at ${i}: ${doc.slice(i, i + 20)}`
      i = ENTITY.lastIndex
    } else if (c === '<' && doc[i + 1] === '/') {
      CLOSE_TAG.lastIndex = i
      const m = CLOSE_TAG.exec(doc)
      if (m === null || stack.pop() !== m[1]) return `bad closing tag at ${i}: ${doc.slice(i, i + 20)}`
      i = CLOSE_TAG.lastIndex
    } else if (c === '<') {
      OPEN_TAG.lastIndex = i
      const m = OPEN_TAG.exec(doc)
      if (m === null) return `bad tag at ${i}: ${doc.slice(i, i + 40)}`
      const names = [...m[2].matchAll(/([\w:.-]+)\s*=/g)].map((a) => a[1])
      if (new Set(names).size !== names.length) return `duplicate attribute in <${m[1]}>`
      const values = [...m[2].matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)].map((a) => a[1] ?? a[2])
      if (values.some(strayAmpersand)) return `stray & in the attributes of <${m[1]}>`
      if (stack.length === 0) roots++
      if (m[3] !== '/') stack.push(m[1])
      i = OPEN_TAG.lastIndex
    } else {
      if (stack.length === 0 && !/\s/.test(c)) return `text outside the root at ${i}`
      i++
    }
  }
  if (stack.length > 0) return `unclosed <${stack[stack.length - 1]}>`
  return roots === 1 ? null : `${roots} root elements`
}

/** RFC 4180 parsing, to check the CSV the way a spreadsheet would read it. */
function parseCsv (text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') { row.push(cell); cell = '' } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell); rows.push(row); row = []; cell = ''; i++
    } else cell += c
  }
  return rows
}

const ALL_OUTPUTS = (report: DrillReport): Array<[string, string]> => [
  ...REPORT_FORMATS.flatMap((f) => (['en', 'fr'] as const).map((lang): [string, string] => [`${f}/${lang}`, renderReport(report, f, lang)])),
  ['histogram', latencyHistogramSvg(report)]
]

t.test('every format renders, in both languages, ending with a newline', async (t) => {
  for (const [name, out] of ALL_OUTPUTS(fixture())) {
    t.ok(out.length > 100, `${name} is not empty`)
    t.ok(out.endsWith('\n'), `${name} ends with a newline`)
  }
})

t.test('hostile names never reach any output raw', async (t) => {
  for (const [name, out] of ALL_OUTPUTS(fixture())) {
    // JSON is the report as data, escapes included; everything else is for people.
    // CSV is plain data, where '<' means nothing; Markdown may hold '<' only escaped.
    if (name.startsWith('json')) continue
    if (name.startsWith('md')) t.notMatch(out, /(?<!\\)</, `${name}: every < escaped`)
    else if (!name.startsWith('csv')) t.notMatch(out, /<script/i, `${name}: no script tag`)
    t.notMatch(out, /[\u001b\u202e]/, `${name}: no escape sequence or bidi override`)
  }
})

t.test('SVG charts and the HTML page are well-formed XML', async (t) => {
  const report = fixture()
  const docs: Array<[string, string]> = [
    ['reach', reachChartSvg(report)],
    ['histogram', latencyHistogramSvg(report, { lang: 'fr' })],
    ['html', renderHtml(report, 'en')],
    ['tiny reach', reachChartSvg(report, { width: Number.NaN, height: -5 })],
    ['empty reach', reachChartSvg(emptyReport())],
    ['empty histogram', latencyHistogramSvg(emptyReport())],
    ['empty html', renderHtml(emptyReport(), 'fr')]
  ]
  for (const [name, doc] of docs) t.equal(xmlError(doc), null, name)
  // the checker itself must be able to fail
  t.not(xmlError('<svg><text>a & b</text></svg>'), null, 'checker catches a stray &')
  t.not(xmlError('<svg><g></svg>'), null, 'checker catches unbalanced tags')
  t.not(xmlError('<svg><text>\u001b</text></svg>'), null, 'checker catches control characters')
})

t.test('names are escaped, not dropped', async (t) => {
  const html = renderHtml(fixture(), 'en')
  t.match(html, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, Moussa', 'script name shown as text')
  t.match(html, 'Awa &lt;b&gt;&amp;&lt;/b&gt; (3f2a-91bc)', 'facilitator with fingerprint')
  t.match(html, 'Salle &amp; &lt;co&gt;', 'room')
  t.match(html, '<li>Redevil</li>', 'unreached name with controls stripped')
  t.match(html, '<td>Awa &lt;b&gt;&amp;&lt;/b&gt; → &lt;script&gt;', 'path of the fastest receipt, joined with arrows')
  t.match(reachChartSvg(fixture()), 'Atelier &quot;MaliSIG&quot;', 'drill name in the chart title')
})

t.test('random names keep the SVG and HTML well-formed', async (t) => {
  const hostile = fc.string({ unit: fc.constantFrom('<', '>', '&', '"', '\'', '\u001b', '[', '\u202e', '\ufffe', '\ud800', 'é', ']]>', '<!--', 'a', ' ') })
  let bad = 0
  fc.assert(fc.property(hostile, hostile, (name, room) => {
    const report = fixture()
    report.room = room
    report.participants[0].name = name
    report.unreached = [name]
    const error = xmlError(renderHtml(report, 'fr')) ?? xmlError(reachChartSvg(report))
    if (error !== null) bad++
    return error === null
  }), { numRuns: 300 })
  t.equal(bad, 0)
})

t.test('csv: one row per receipt plus one per unreached participant', async (t) => {
  const rows = parseCsv(renderCsv(fixture()))
  t.same(rows[0], [...CSV_HEADER], 'header')
  t.equal(rows.length, 1 + 3 + 1, 'header, 3 receipts, 1 unreached')
  for (const row of rows) t.equal(row.length, 8, `8 cells: ${row[0]}`)
  t.same(rows[1].slice(0, 8), [SCRIPT, 'aaaa-0001', '0', '850', '1700', '1', `Awa <b>&</b> → ${SCRIPT}`, 'round-trip'],
    'quotes and commas survive quoting')
  t.equal(rows[3][0], `'${FORMULA}`, 'formula neutralised with an apostrophe')
  t.same(rows[3].slice(4, 7), ['', '', ''], 'unknown round trip, hops and path are empty')
  t.same(rows[4], ['Redevil', 'cccc-0003', '', '', '', '', '', ''], 'unreached: name only, controls stripped')
})

t.test('csv keeps negative latencies as numbers', async (t) => {
  const report = fixture()
  report.participants[1].receipts[0].latencyMs = -40
  t.equal(parseCsv(renderCsv(report))[3][3], '-40')
})

t.test('markdown: reach, latency, hops, participants, method', async (t) => {
  const md = renderMarkdown(fixture(), 'en')
  t.match(md, '| 5 s | 2/3 | 67% |', 'reach at 5 s')
  t.match(md, '| 120 s | 2/3 | 67% |', 'reach at 120 s')
  t.match(md, '| 4.2 s | 12.4 s | 12.4 s | 3 |', 'latency p50 p90 max')
  t.match(md, '| 850 ms |', 'best latency in ms')
  t.match(md, METHOD, 'method sentence')
  t.match(md, 'Facilitator: Awa \\<b\\>\\&\\</b\\> (3f2a-91bc)', 'facilitator escaped, with fingerprint')
  t.match(md, 'Started: 20 May 2025 at 11:00:00 CEST', 'local start time, zone named (TZ is Europe/Paris here)')
  t.match(md, '2 sent of 3 planned')
  t.match(md, '| =cmd\\|\' /C calc\'!A0 |', 'pipe escaped inside the name')
  t.match(md, '| unknown | 1 |', 'unknown hops last in their table')
  t.match(md, '## Never reached\n\n- Redevil', 'unreached listed, controls stripped')
  // every table row has as many cells as its header: no name split a row
  const rows = md.split('\n').filter((line) => line.startsWith('| ') && (line.startsWith('| ' + 'Name') || line.includes('aaaa-0001') || line.includes('bbbb-0002')))
  t.equal(rows.length, 3)
  for (const row of rows) t.equal(row.split(/(?<!\\)\|/).length - 2, 8, 'eight cells')
})

t.test('report details a room asks about: table of cases', async (t) => {
  const en = renderMarkdown(fixture(), 'en')
  const fr = renderMarkdown(fixture(), 'fr')
  const participantRows = (md: string): string[] => md.split('\n').filter((l) => /^\| .*\| [0-9a-f]{4}-[0-9]{4} \|/.test(l))
  const cases: Array<[string, () => void]> = [
    // [what, check]
    ['"unknown" hops are explained under their table', () => t.match(en, /\| unknown \| 1 \|\n\nHops are the relays[^\n]*"Unknown" means the path cannot be traced/)],
    ['… in French too', () => t.match(fr, /« Inconnu » veut dire que le chemin ne peut pas être retracé/)],
    ['participants sorted by name, and the table says so', () => {
      t.same(participantRows(en).map((l) => l.split(' | ')[1]), ['bbbb-0002', 'cccc-0003', 'aaaa-0001'], '=cmd, Redevil, <script> in alphabetical order (case and symbols ignored)')
      t.match(en, 'Sorted by name.')
    }],
    ['nobody reached: no clock word next to them, just a dash', () => t.match(participantRows(en)[1], /\| — \| — \|$/)],
    ['clock never measured: neutral words, not "unverified"', () => {
      t.match(participantRows(en)[0], /\| not measured \|$/)
      t.notMatch(en + fr, /unverified|non vérifiée/)
      t.match(fr, 'non mesuré')
    }],
    ['late receipts in the participant row (1-based probe numbers, as in the chat)', () => t.match(participantRows(en)[2], /\| 2 \(up to 12\.4 s\) \|/)],
    ['a "caught up" section names who was away', () => t.match(en, /## Caught up\n\n- \\<script\\>[^\n]*\(aaaa-0001\): probes 2, up to 12\.4 s late/)],
    ['… "Rattrapés" in French', () => t.match(fr, /## Rattrapés\n\n- [^\n]*sondes 2, jusqu'à 12,4 s de retard/)],
    ['per-probe table: reached within 5 s and in the end', () => t.match(en, '| 2/3 | 1:00 | 0/3 | 1/3 |')],
    ['dates in French words and local time', () => t.match(fr, 'Début\u00a0: 20 mai 2025 à 11:00:00 UTC+2')],
    ['latency headers in words', () => t.match(en, '| Half in under | 90% in under | Slowest | Receipts |')]
  ]
  for (const [what, check] of cases) await t.test(what, async () => check())
})

t.test('charts: the axis covers the whole drill, and the HTML charts fill the page width', async (t) => {
  const report = fixture()
  const ticks = (svg: string): number[] => [...svg.matchAll(/text-anchor="middle">(\d+)<\/text>/g)].map((m) => Number(m[1]))
  t.equal(Math.max(...ticks(reachChartSvg(report))), 300, 'a 300 s drill whose last arrival is at 4 s: the axis reaches 300 s')
  t.equal(Math.max(...ticks(reachChartSvg({ ...report, durationMs: 60_000 }))), 150, 'a short drill still shows the 120 s marker')
  const html = renderHtml(report, 'en')
  const svgs = [...html.matchAll(/<svg [^>]*>/g)].map((m) => m[0])
  t.equal(svgs.length, 2)
  for (const tag of svgs) {
    t.notMatch(tag, / width=| height=/, 'no fixed size in the page')
    t.match(tag, /viewBox="0 0 640 360"/, 'the viewBox keeps the proportions')
  }
  t.match(html, 'figure svg { width: 100%; height: auto; }')
  t.match(reachChartSvg(report), /<svg [^>]*width="640" height="360"/, 'a standalone SVG file keeps its size')
})

t.test('French labels with lang fr', async (t) => {
  const md = renderMarkdown(fixture(), 'fr')
  for (const words of ['Rapport d\'exercice', 'Portée', 'Latence', 'Sauts', 'Jamais atteints', 'Participants', 'Animateur\u00a0:', '12,4 s', '67\u00a0%', 'inconnu', 'mesuré (aller-retour)']) {
    t.match(md, words, words)
  }
  const html = renderHtml(fixture(), 'fr')
  t.match(html, '<html lang="fr">')
  t.match(html, 'Portée au fil du temps')
  t.match(renderHtml(fixture(), 'en'), '<html lang="en">')
})

t.test('an empty report renders in every format without throwing', async (t) => {
  for (const [name, out] of ALL_OUTPUTS(emptyReport())) t.ok(out.length > 0, name)
  const md = renderMarkdown(emptyReport(), 'en')
  t.match(md, '| 5 s | 0/0 | — |', 'no share of nobody')
  t.match(md, '| — | — | — | 0 |', 'no latency')
  t.equal(parseCsv(renderCsv(emptyReport())).length, 1, 'csv is just the header')
  t.match(renderHtml({ ...emptyReport(), startedAt: Number.NaN }, 'en'), '—', 'invalid start time does not throw')
})

t.test('json is the report itself', async (t) => {
  t.same(JSON.parse(renderReport(fixture(), 'json')), fixture())
  t.throws(() => renderReport(fixture(), 'pdf' as ReportFormat), TypeError)
})

t.test('formatFromPath', async (t) => {
  const cases: Array<[string, ReportFormat | null, string]> = [
    ['rapport.html', 'html', 'plain'],
    ['out/REPORT.MD', 'md', 'upper case'],
    ['C:\\drills\\a.csv', 'csv', 'windows path'],
    ['notes.markdown', 'md', 'long markdown'],
    ['page.htm', 'html', 'short html'],
    ['a.json', 'json', 'json'],
    ['chart.svg', 'svg', 'svg'],
    ['report', null, 'no extension'],
    ['.md', null, 'dot file is not an extension'],
    ['dir.md/report', null, 'dot in a folder only'],
    ['x.constructor', null, 'no prototype lookup'],
    ['x.pdf', null, 'unknown']
  ]
  for (const [file, want, why] of cases) t.equal(formatFromPath(file), want, why)
})

t.test('formatMs', async (t) => {
  const cases: Array<[number | null, 'en' | 'fr', string]> = [
    [850, 'en', '850 ms'],
    [12_400, 'en', '12.4 s'],
    [12_400, 'fr', '12,4 s'],
    [999.7, 'en', '1.0 s'], // rounds up into seconds rather than "1000 ms"
    [-40, 'en', '-40 ms'], // clock estimates may go below zero
    [null, 'en', '—'],
    [Number.NaN, 'en', '—']
  ]
  for (const [ms, lang, want] of cases) t.equal(formatMs(ms, lang), want, `${String(ms)} ${lang}`)
})
