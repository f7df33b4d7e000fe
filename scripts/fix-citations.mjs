// `node scripts/fix-citations.mjs`: rewrites citations in the old forms to the ones test/unit/citations.test.ts
// accepts (docs/architecture.md § 8) — "README R5" → "docs/rules.md R5", "README S3" → "docs/protocols/README.md S3",
// "DESIGN § 4" → "docs/architecture.md § 4", "fleet design § 4" → "docs/fleet.md § 4", "clickpass.md § 2" →
// "docs/protocols/clickpass.md § 2", "O!plati § 4.4" → "docs/protocols/oplati.md § 4.4", a bare § outside a
// provider's own files → the protocol file that file cited last — and drops issue numbers ("(issue 10)", "Issue 8: ")
// so the comment says the rule in words. Mechanical: read the diff, then run the citations test; what it cannot
// guess, it leaves for a person.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'

const PROVIDER = { clickpass: 'clickpass', payme: 'payme', oplati: 'oplati', sendy: 'sendy', 'inpas-sbp': 'inpas-sbp', inpas: 'inpas-sbp', pinpad: 'inpas-sbp' }
const NAME = {
  ClickPass: 'clickpass',
  clickpass: 'clickpass',
  PaymeGO: 'payme',
  Payme: 'payme',
  payme: 'payme',
  'O!plati': 'oplati',
  oplati: 'oplati',
  Sendy: 'sendy',
  sendy: 'sendy',
  'inpas-sbp': 'inpas-sbp',
  Inpas: 'inpas-sbp',
}

/** The protocol a file's bare § means, when its path names one provider (the rule of the citations test). */
function providerOf(path) {
  const folder = /^(?:workers\/providers|sandbox)\/([a-z-]+)\//.exec(path)
  if (folder) return PROVIDER[folder[1]]
  if (!/^(test|bench)\//.test(path)) return undefined
  const found = new Set(
    path
      .slice(path.lastIndexOf('/') + 1)
      .split(/[-.]/)
      .map((t) => PROVIDER[t])
      .filter(Boolean),
  )
  return found.size === 1 ? [...found][0] : undefined
}

const ISSUE = String.raw`#?\d+(?:\.\d+)?`
const FORMS = [
  // Phrases that name an issue as a thing: said in words.
  [/(?:the )?four (?:known )?losses of issue 10/g, 'the four known losses'],
  [/each known loss of issue 10/g, 'each known loss'],
  [/the DataCloneError of issue 8/g, 'the DataCloneError Settings once met'],
  [/ ?\(keys of this block belong to issue 8\)/g, ''],
  [/\/\/ end issue 8/g, '// end of the settings block'],
  [/The schema as released before issue (\d+) \(version (\d+)\)/g, 'The schema as released in version $2'],
  [/Issue \d+ in the browser: /g, 'In the browser: '],
  [/Issue \d+ end to end in the engine/g, 'End to end in the engine'],
  [/Issue \d+ against IndexedDB/g, 'Against IndexedDB'],
  [/Issue \d+, the engine side of Settings/g, 'The engine side of Settings'],
  [/Issue \d+ faults the browser fault matrix meets/g, 'Faults the browser fault matrix meets'],
  [/\(app shell precache, README § 6\)/g, '(app shell precache, docs/architecture.md § 6)'],
  [/README\.md § Deploying/g, 'docs/kiosk.md (Deploying)'],
  [/\(sandbox\/inpas\/ws-bridge\.ts\): § 5\.3 controls/g, '(sandbox/inpas/ws-bridge.ts): docs/protocols/inpas-sbp.md § 5.3 controls'],
  [/is for a person to check \(§ 4\.4\)/g, 'is for a person to check (docs/protocols/clickpass.md § 4.4)'],
  // The forms.
  [/\b(?:protocols )?README(?:\.md`?)? (R\d)/g, 'docs/rules.md $1'],
  [/\b(?:protocols )?README(?:\.md`?)? §? ?(S\d)/g, 'docs/protocols/README.md $1'],
  [/\bDESIGN ?§ ?/g, 'docs/architecture.md § '],
  [/\b(?:the )?fleet(?:\.md| design),? ?§ ?/g, 'docs/fleet.md § '],
  [/(?<![\w/])fleet\.md/g, 'docs/fleet.md'],
  [/\bREADME «Host POS contract v1»/g, 'docs/host-contract.md'],
  [/\bREADME scenario (\d+)/g, 'docs/rules.md scenario $1'],
  [/(?<![\w/])protocols\/([\w-]+\.md)/g, 'docs/protocols/$1'],
  [/(?<![\w/])(clickpass|payme|oplati|sendy|inpas-sbp)\.md/g, 'docs/protocols/$1.md'],
  [/(?<![\w/!.-])(ClickPass|clickpass|PaymeGO|Payme|payme|O!plati|oplati|Sendy|sendy|inpas-sbp|Inpas) §/g, (_, name) => `docs/protocols/${NAME[name]}.md §`],
  [new RegExp(String.raw`(\/\/\s*)issues? ${ISSUE}: `, 'g'), '$1'],
  [new RegExp(String.raw`\(issues? ${ISSUE}[:;,] `, 'g'), '('],
  [new RegExp(String.raw`[,;] issues? ${ISSUE}\)`, 'g'), ')'],
  [new RegExp(String.raw` ?\(issues? ${ISSUE}\)`, 'g'), ''],
  [new RegExp(String.raw`Issues? ${ISSUE}: (\S)`, 'g'), (_, c) => c.toUpperCase()],
  [new RegExp(String.raw`issues? ${ISSUE}: (\S)`, 'g'), '$1'],
]

/** In a file of no single provider, a bare § gets the protocol file that the file named last before it. */
function qualify(text) {
  let last
  return text
    .split('\n')
    .map((line) =>
      line.replace(/docs\/[\w/-]+\.md|§/g, (token, at) => {
        if (token !== '§') {
          last = token
          return token
        }
        const named = /docs\/[\w/-]+\.md/.test(line.slice(0, at))
        return !named && last?.startsWith('docs/protocols/') && last !== 'docs/protocols/README.md' ? `${last} §` : token
      }),
    )
    .join('\n')
}

const files = execFileSync('git', ['ls-files', 'workers', 'src', 'sandbox', 'server', 'console', 'test', 'bench', 'scripts'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|js|mjs|svelte|css|html|sql)$/.test(f) && !f.startsWith('test/lint-fixtures/'))
  .filter((f) => !['test/unit/citations.test.ts', 'scripts/fix-citations.mjs'].includes(f))

let changed = 0
for (const file of files) {
  const before = readFileSync(file, 'utf8')
  let text = before
  for (const [pattern, to] of FORMS) text = text.replace(pattern, to)
  if (!providerOf(file)) text = qualify(text)
  if (text !== before) {
    writeFileSync(file, text)
    changed++
  }
}
console.log(`fix-citations: ${changed} files changed; now run the citations test (test/unit/citations.test.ts)`)
