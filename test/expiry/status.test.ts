// The terminal app's status bar shows the room's lifetime, in both languages (issue 21).
import t from 'tap'
import { emptyState, type TuiState } from '../../cli/tui/state.js'
import { statusView } from '../../cli/tui/views.js'
import { loadLang, translator } from '../../src/i18n/index.js'

const state = (lang: string, expire?: number): TuiState => ({ ...emptyState(lang), status: { lanPeers: 1, internet: true, missing: 0, seen: null, expire } })

t.test('the status bar says when messages disappear', async (t) => {
  await loadLang('fr')
  const en = translator('en')
  const fr = translator('fr')
  t.match(statusView(state('en', 86_400), en), / \| disappear after 1d$/, 'English: 24 h shows as 1d')
  t.match(statusView(state('fr', 1800), fr), / \| disparaissent après 30m$/, 'French')
  t.notMatch(statusView(state('en', 0), en), /disappear/, 'nothing when expiry is off')
  t.notMatch(statusView(state('en'), en), /disappear/, 'nor from a node that does not say (an older one)')
})
