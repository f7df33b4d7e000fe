// The layers hold by lint, not by habit (docs/architecture.md § 9): each file in test/lint-fixtures/ mimics a file of
// the repository (test/lint-fixtures/src/domain/x.ts is linted as src/domain/x.ts) and breaks a layer on purpose;
// every line that must fail ends with `// ✗ <rule>: <words of the message>`. The fixtures are excluded from
// `npm run lint` and from the typecheck; here the project's own eslint.config.mjs lints them, and a rule that stops
// matching — or starts matching an allowed line — fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const FIXTURES = join(ROOT, 'test', 'lint-fixtures')

function fixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? fixtures(path) : [path]
  })
}

interface Expected {
  line: number
  rule: string
  words: string
}

/** The errors a fixture declares, one per `// ✗ rule: words` marker. */
function expectedOf(text: string): Expected[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /\/\/ ✗ ([\w/@-]+)(?::\s*(.*))?$/.exec(line)
    return m?.[1] ? [{ line: i + 1, rule: m[1], words: (m[2] ?? '').trim() }] : []
  })
}

// The fixtures are not on disk where they pretend to be, so the TypeScript project cannot type them: lint them
// without type information (the layer rules need none).
const eslint = new ESLint({ cwd: ROOT, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] })

describe('lint holds every layer (test/lint-fixtures/)', () => {
  const files = fixtures(FIXTURES)

  it('has fixtures for the domain, the engine, a provider, a pure codec and the page', () => {
    const mimics = files.map((f) => relative(FIXTURES, f).split(sep).join('/'))
    for (const folder of ['src/domain/', 'workers/engine/', 'workers/providers/payme/', 'workers/providers/oplati/codec', 'src/app/'])
      expect(
        mimics.some((m) => m.startsWith(folder)),
        folder,
      ).toBe(true)
  })

  for (const file of files) {
    const mimics = relative(FIXTURES, file).split(sep).join('/')
    it(`${mimics}: exactly the marked lines fail, each with the rule and the advice marked`, { timeout: 120_000 }, async () => {
      const text = readFileSync(file, 'utf8')
      const expected = expectedOf(text)
      expect(expected.length).toBeGreaterThan(0)
      const [result] = await eslint.lintText(text, { filePath: join(ROOT, mimics) })
      const errors = (result?.messages ?? []).filter((m) => m.severity === 2)
      const got = errors.map((m) => `${m.line} ${m.ruleId ?? 'parse'}`).sort()
      expect(got, errors.map((m) => `${m.line}: ${m.message}`).join('\n')).toEqual(expected.map((e) => `${e.line} ${e.rule}`).sort())
      for (const e of expected) {
        const error = errors.find((m) => m.line === e.line && m.ruleId === e.rule)
        expect(error?.message, `line ${e.line}`).toContain(e.words)
      }
    })
  }
})
