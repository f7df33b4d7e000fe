// The payment worker's first load (docs/performance.md: first load) holds what the till needs before its first sale:
// Dexie and the journal, the engine's start and pay path, and each provider's small description — its index,
// about, config schema and local checks (`codec-local.ts`). Each provider's client and wire codec, its ports, the
// store sync and the parts of the engine a first sale never needs are dynamic imports: chunks of their own. This
// reads the worker's static imports from its entry, as the bundler follows them (type-only imports erased,
// `import()` not followed), and fails when one of those reaches the first load again.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const ENTRY = 'workers/payment.worker.ts'

/** Static import and re-export statements (not `import()`), with what they import and from where. */
const STATIC = /^\s*(import|export)\s+(type\s+)?([^'";()=]*?)\s*from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm

/** A statement's imports that stay in the code: not `import type`, not a list of `type` names only. */
function keeps(typeKeyword: string | undefined, clause: string): boolean {
  if (typeKeyword) return false
  const braces = /^\{([^}]*)\}$/.exec(clause.trim())
  if (!braces) return true
  const names = braces[1]!
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  // `import {} from` stays (verbatimModuleSyntax keeps it as a side-effect import).
  return names.length === 0 || names.some((n) => !n.startsWith('type '))
}

/** Every module the entry reaches by static imports: repository paths, and packages by name. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    if (!file.endsWith('.ts')) return
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const m of text.matchAll(STATIC)) {
      const spec = m[4] ?? m[5]!
      if (m[4] !== undefined && !keeps(m[2], m[3]!)) continue
      if (!spec.startsWith('.')) {
        seen.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
        continue
      }
      const target = resolve(dirname(join(ROOT, file)), spec)
      if (!existsSync(target)) throw new Error(`${file}: ${spec} does not resolve`)
      visit(relative(ROOT, target).split(sep).join('/'))
    }
  }
  visit(entry)
  return seen
}

/** What a provider's folder may put in the first load: its description, and the small key lists it reads. */
const DESCRIPTION = /^workers\/providers\/(registry|types|lazy)\.ts$|^workers\/providers\/[a-z-]+\/(index|about|config|codec-local|messages|store)\.ts$/

describe('the payment worker’s first load', () => {
  const graph = staticGraph(ENTRY)

  it('is read from the entry: the engine, Dexie, Comlink and every provider’s index are there', () => {
    expect([...graph]).toEqual(
      expect.arrayContaining([
        'workers/engine/engine.ts',
        'workers/engine/db.ts',
        'dexie',
        'comlink',
        ...['clickpass', 'payme', 'oplati', 'sendy', 'inpas-sbp'].map((id) => `workers/providers/${id}/index.ts`),
      ]),
    )
  })

  it('holds each provider’s description only: no client, wire codec or port', () => {
    const provider = [...graph].filter((f) => f.startsWith('workers/providers/'))
    expect(provider.filter((f) => !DESCRIPTION.test(f))).toEqual([])
    expect(graph.has('workers/transport/serial.ts')).toBe(false)
  })

  it('holds no store sync (its wire contract, valibot) and none of the engine’s parts a first sale never needs', () => {
    const later = [
      'workers/engine/sync/sync.ts',
      'workers/engine/sync/transport.ts',
      'valibot',
      'workers/engine/settings-api.ts',
      'workers/engine/shift.ts',
      'workers/engine/journal-query.ts',
      'workers/engine/check-status.ts',
      'workers/engine/verbs/reverse.ts',
      'workers/engine/verbs/void.ts',
      'workers/engine/verbs/reconcile.ts',
    ]
    expect(later.filter((f) => graph.has(f))).toEqual([])
  })

  it('tells a type-only import from one that stays', () => {
    expect(keeps('type ', '{ A }')).toBe(false)
    expect(keeps(undefined, '{ type A, type B }')).toBe(false)
    expect(keeps(undefined, '{ type A, b }')).toBe(true)
    expect(keeps(undefined, '{}')).toBe(true)
    expect(keeps(undefined, '* as v')).toBe(true)
    expect(keeps(undefined, 'Dexie, { type Table }')).toBe(true)
  })
})
