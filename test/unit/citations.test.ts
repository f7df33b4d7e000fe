// Every citation in the code resolves to a section of a file in docs/ (the rule is docs/architecture.md § 8):
// `docs/protocols/<file>.md § N` anywhere, a bare `§ N` only in a file of one provider (its folder, or a test or
// bench named for it), `docs/architecture.md § N`, `docs/rules.md R<n>` (R-numbers exist only there) and
// `docs/protocols/README.md S<n>` (S-numbers exist only there). Forms that name nothing in the repository — the old
// "README R…", "DESIGN §", "protocols/x.md" without docs/, an issue number — fail with the line that holds them.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const SCANNED = ['workers', 'src', 'sandbox', 'server', 'console', 'test', 'bench', 'scripts']
const SKIPPED = ['test/lint-fixtures', 'node_modules']
const EXTENSIONS = /\.(ts|mts|js|mjs|svelte|css|html|sql)$/
const SELF = ['test/unit/citations.test.ts', 'scripts/fix-citations.mjs']

/** The provider documents, and the names a folder or a test file may carry for each. */
const PROVIDER_DOC: Record<string, string> = {
  clickpass: 'docs/protocols/clickpass.md',
  payme: 'docs/protocols/payme.md',
  oplati: 'docs/protocols/oplati.md',
  sendy: 'docs/protocols/sendy.md',
  'inpas-sbp': 'docs/protocols/inpas-sbp.md',
  inpas: 'docs/protocols/inpas-sbp.md',
  pinpad: 'docs/protocols/inpas-sbp.md',
}

function walk(dir: string, out: string[]): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of names) {
    const path = join(dir, name)
    const rel = relative(ROOT, path).split(sep).join('/')
    if (SKIPPED.some((s) => rel === s || rel.startsWith(s + '/'))) continue
    if (statSync(path).isDirectory()) walk(path, out)
    else if (EXTENSIONS.test(name)) out.push(rel)
  }
  return out
}

/**
 * The anchors of one markdown file: numbered headings (`## 4.`, `### 4.3 Pay`, `## 4a.`, `### R5.`, `### S3.`) and the
 * numbered list items under them (`1.` under `### 4.3` is `4.3.1`; an indented `1.` under that is `4.3.1.1`).
 */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  let heading: string | undefined
  let item: string | undefined
  let inFence = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence
    if (inFence) continue
    const h = /^#{1,6}\s+((?:[RS]\d+)|(?:\d+[a-z]?(?:\.\d+)*))\.?\s/.exec(line)
    if (h?.[1]) {
      heading = h[1]
      item = undefined
      anchors.add(heading)
      continue
    }
    if (/^#{1,6}\s/.test(line)) {
      heading = undefined
      continue
    }
    if (!heading) continue
    const top = /^(\d+)\.\s/.exec(line)
    if (top) {
      item = `${heading}.${top[1]}`
      anchors.add(item)
      continue
    }
    const nested = /^\s{2,}(\d+)\.\s/.exec(line)
    if (nested && item) anchors.add(`${item}.${nested[1]}`)
  }
  return anchors
}

const docAnchors = new Map<string, Set<string>>()
function anchors(doc: string): Set<string> | undefined {
  if (!docAnchors.has(doc)) {
    try {
      docAnchors.set(doc, anchorsOf(readFileSync(join(ROOT, doc), 'utf8')))
    } catch {
      return undefined
    }
  }
  return docAnchors.get(doc)
}

/** A section resolves when it is an anchor; a deeper number (a step inside a section) when its section does. */
function resolves(doc: string, section: string): boolean {
  const a = anchors(doc)
  if (!a) return false
  if (a.has(section)) return true
  const parts = section.split('.')
  for (let n = parts.length - 1; n >= 2; n--) if (a.has(parts.slice(0, n).join('.'))) return true
  return false
}

/** The one provider document a file's own § citations mean, if its path names exactly one provider. */
export function providerDocOf(file: string): string | undefined {
  const folder = /^(?:workers\/providers|sandbox)\/([a-z-]+)\//.exec(file)
  if (folder) return PROVIDER_DOC[folder[1] ?? '']
  if (!/^(test|bench)\//.test(file)) return undefined
  const name = file.slice(file.lastIndexOf('/') + 1)
  const found = new Set(
    name
      .split(/[-.]/)
      .map((token) => PROVIDER_DOC[token])
      .filter((doc): doc is string => doc !== undefined),
  )
  return found.size === 1 ? [...found][0] : undefined
}

const DOC_REF = /docs\/[\w/-]+\.md/g
const SECTION = /§\s*(S\d+|\d+[a-z]?(?:\.\d+)*)(?:\s*[–-]\s*§?\s*(\d+[a-z]?(?:\.\d+)*))?/g
const STALE: [RegExp, string][] = [
  [/(?<!docs\/protocols\/)\bREADME(?:\.md)?`?\s+(?:R\d|S\d|§)/, 'write docs/rules.md R<n> or docs/protocols/README.md S<n>'],
  [/\bDESIGN\s*§/, 'write docs/architecture.md § <n>'],
  [/(?<!docs\/)\bprotocols\/[\w-]+\.md/, 'write docs/protocols/<file>.md'],
  [/\bissues?\s+#?\d+\b/i, 'say the rule in words or cite docs/'],
]

/** Whether the text between a named file and a § holds only more § citations of that file (`, § 4.5 and § 4.6`). */
function chained(gap: string): boolean {
  return /^(?:[\s,;/&()–-]|and|or|§\s*[\w.]+)*$/.test(gap)
}

export interface Problem {
  file: string
  line: number
  text: string
  why: string
}

/** Every citation problem of one file's text. */
export function problemsOf(file: string, text: string): Problem[] {
  const problems: Problem[] = []
  const own = providerDocOf(file)
  text.split('\n').forEach((line, index) => {
    const report = (why: string): void => {
      problems.push({ file, line: index + 1, text: line.trim(), why })
    }
    for (const [pattern, why] of STALE) if (pattern.test(line)) report(why)
    const refs = [...line.matchAll(DOC_REF)].map((m) => ({ at: m.index, doc: m[0] }))
    for (const ref of refs) if (!anchors(ref.doc)) report(`${ref.doc} does not exist`)
    for (const m of line.matchAll(SECTION)) {
      if (/\bRFC\s*\d+\s*$/.test(line.slice(0, m.index))) continue // another standard's section
      const before = refs.filter((r) => r.at < m.index).pop()
      const named = before && chained(line.slice(before.at + before.doc.length, m.index)) ? before.doc : undefined
      const section = m[1] ?? ''
      const doc = named ?? (section.startsWith('S') ? 'docs/protocols/README.md' : own)
      if (!doc) {
        report(`§ ${section}: name the file (docs/protocols/<file>.md § N) outside a provider's own files`)
        continue
      }
      for (const cited of [m[1], m[2]].filter((s): s is string => s !== undefined)) if (!resolves(doc, cited)) report(`${doc} has no § ${cited}`)
    }
    for (const m of line.matchAll(/\bR\d+(?:\.\d+)?\b/g)) if (!resolves('docs/rules.md', m[0])) report(`docs/rules.md has no ${m[0]}`)
    for (const m of line.matchAll(/\bS([1-9])\b/g)) if (!resolves('docs/protocols/README.md', `S${m[1]}`)) report(`docs/protocols/README.md has no S${m[1]}`)
  })
  return problems
}

describe('citations in the code resolve to docs/', () => {
  it('each docs file a citation may name exists and has numbered sections', () => {
    for (const doc of [...new Set(Object.values(PROVIDER_DOC)), 'docs/rules.md', 'docs/architecture.md', 'docs/protocols/README.md'])
      expect(anchors(doc)?.size ?? 0, doc).toBeGreaterThan(3)
  })

  it('the anchors include headings, steps and scenarios', () => {
    const a = anchorsOf('## 4. Client\n\n### 4.3 Pay\n\n1. one\n   1. one one\n2. two\n\n## 5. Scenarios\n\n7. seven\n')
    expect([...a].sort()).toEqual(['4', '4.3', '4.3.1', '4.3.1.1', '4.3.2', '5', '5.7'])
  })

  it('a bare § is read in the provider its file belongs to, and only there', () => {
    expect(providerDocOf('workers/providers/oplati/client.ts')).toBe('docs/protocols/oplati.md')
    expect(providerDocOf('sandbox/inpas/pinpad.ts')).toBe('docs/protocols/inpas-sbp.md')
    expect(providerDocOf('test/integration/sandbox-sendy.test.ts')).toBe('docs/protocols/sendy.md')
    expect(providerDocOf('test/unit/pinpad-core.test.ts')).toBe('docs/protocols/inpas-sbp.md')
    expect(providerDocOf('workers/engine/engine.ts')).toBeUndefined()
    expect(providerDocOf('test/browser/fault-matrix.test.ts')).toBeUndefined()
    expect(problemsOf('workers/engine/x.ts', '// as § 4.4 says').map((p) => p.why)).toHaveLength(1)
    expect(problemsOf('workers/engine/x.ts', '// docs/protocols/oplati.md § 4.4, § 4.5')).toEqual([])
    expect(problemsOf('workers/engine/x.ts', '// docs/protocols/oplati.md § 4.99')).toHaveLength(1)
    expect(problemsOf('workers/engine/x.ts', '// README R5 and DESIGN § 4 (issue 10)').map((p) => p.why)).toHaveLength(4)
    expect(problemsOf('workers/engine/x.ts', '// docs/rules.md R4.4, R99')).toHaveLength(1)
  })

  it('every § and R cited in workers/, src/, sandbox/, server/, test/, bench/ exists', () => {
    const files = SCANNED.flatMap((dir) => walk(join(ROOT, dir), [])).filter((f) => !SELF.includes(f))
    expect(files.length).toBeGreaterThan(100)
    const problems = files.flatMap((file) => problemsOf(file, readFileSync(join(ROOT, file), 'utf8')))
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.why}\n    ${p.text}`)).toEqual([])
  })
})
