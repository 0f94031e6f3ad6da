/**
 * The screenshot of an HTML drill report that the drill guides show (docs/drill-report.LANG.png),
 * so a facilitator sees what they will project: 1280×800, as a laptop driving a projector.
 *
 *   npm run docs:screenshot -- [fr|en] [REPORT.html]
 *
 * Without REPORT.html, a report is made first with the guides' own simulation
 * (`tamtam drill sim … -o simulation.html`, in the language asked, about a minute). The
 * committed images come from the namespace test of the guides' exam-day scenario, kept with
 * `TAMTAM_KEEP_REPORT=DIR npx tap test/drills/guide-fr.test.ts` (see the guides' "Le rapport").
 *
 * Chromium is Debian's (/usr/bin/chromium: browser downloads are blocked here), driven by
 * playwright-core, headless, with a fresh profile and nothing that reaches the network.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const CHROMIUM = '/usr/bin/chromium'
const VIEWPORT = { width: 1280, height: 800 }
/** The guides' simulation (docs/drill-guide.*.md, "Déroulé" / "Running order"). */
const SIM = ['drill', 'sim', '--peers', '30', '--degree', '3', '--loss', '5%', '--partition', '30s']
const LOCALES: Record<string, string> = { fr: 'fr_FR.UTF-8', en: 'en_US.UTF-8' }

/** A report made by `drill sim` in `lang`, in `dir`. */
function simulate (lang: string, dir: string): string {
  const out = path.join(dir, 'simulation.html')
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: LOCALES[lang], TAMTAM_HOME: path.join(dir, 'home') }
  delete env.LC_ALL
  execFileSync(process.execPath, [path.join(ROOT, 'bin/tamtam.js'), ...SIM, '-o', out], { env, stdio: 'inherit', timeout: 5 * 60_000 })
  return out
}

async function main (): Promise<void> {
  const [lang = 'fr', given] = process.argv.slice(2)
  if (!(lang in LOCALES)) throw new Error(`language must be fr or en, not ${lang}`)
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tamtam-shot-'))
  try {
    const report = given === undefined ? simulate(lang, dir) : path.resolve(given)
    // A fresh profile each run; playwright takes it as launchPersistentContext's first argument, not as --user-data-dir.
    const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      // Besides headless: keep Chromium off the network and away from any sandbox it cannot have as root.
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    })
    try {
      const page = await context.newPage()
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' })
      const file = path.join(ROOT, 'docs', `drill-report.${lang}.png`)
      await page.screenshot({ path: file })
      console.log(`${path.relative(ROOT, file)}: ${VIEWPORT.width}×${VIEWPORT.height} from ${report}`)
    } finally {
      await context.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exitCode = 1
})
