// Build the phone page into web/dist/ (git-ignored): one bundled, minified script for
// Android Chrome of 2019 (ES2018), the style sheet and the page. `npm run build:web`;
// `npm run build` runs it too, so a fresh clone (npm ci runs prepare) serves the page.
import { build } from 'esbuild'
import { copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const out = path.join(here, 'dist')
mkdirSync(out, { recursive: true })
await build({
  entryPoints: [path.join(here, 'src/main.ts')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2018', 'chrome70'],
  legalComments: 'none',
  logLevel: 'warning'
})
for (const file of ['index.html', 'app.css']) copyFileSync(path.join(here, file), path.join(out, file))
