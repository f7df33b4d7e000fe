// The engine has no import cycle (docs/architecture.md § 2): engine.ts is the composition root, and its parts
// (the verbs, the operation context, drive, recovery, the queue) import what they need and never the engine or
// each other in a ring. Type-only and dynamic imports count too: a ring of types is still a ring to read.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm

/** Each file's relative imports that stay inside `dir`, as repository paths. */
export function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of files(dir)) {
    const targets = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
      .map((m) => resolve(dirname(file), m[1]!))
      .filter((t) => t.startsWith(dir + sep))
      .map((t) => relative(ROOT, t).split(sep).join('/'))
    graph.set(relative(ROOT, file).split(sep).join('/'), [...new Set(targets)])
  }
  return graph
}

/** Every cycle, as the ring of files (each found once, from its smallest file). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>()
  const walk = (path: string[], at: string) => {
    for (const next of graph.get(at) ?? []) {
      const i = path.indexOf(next)
      if (i >= 0) {
        const ring = path.slice(i)
        const start = ring.indexOf([...ring].sort()[0]!)
        const canon = [...ring.slice(start), ...ring.slice(0, start)]
        found.set(canon.join(' → '), canon)
      } else if (path.length < 40) walk([...path, next], next)
    }
  }
  for (const file of graph.keys()) walk([file], file)
  return [...found.values()]
}

describe('the engine’s imports', () => {
  it('form no cycle', () => {
    const ring = cycles(importGraph(join(ROOT, 'workers', 'engine')))
    expect(ring.map((r) => [...r, r[0]].join(' → '))).toEqual([])
  })

  it('a cycle is found when there is one (the check itself works)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ])
    expect(cycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('reads type-only, re-exported and dynamic imports', () => {
    const g = importGraph(join(ROOT, 'workers', 'engine'))
    expect(g.get('workers/engine/engine.ts')).toEqual(expect.arrayContaining(['workers/engine/result.ts', 'workers/engine/check-status.ts']))
  })
})
