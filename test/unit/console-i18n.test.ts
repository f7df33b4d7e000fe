// Every word the store console shows exists in Russian, Uzbek and English: each `console.*` key the
// console and the server's messages use is in the Russian catalogue (the others are typed to its keys).
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { consoleRu } from '../../console/messages/ru.ts'
import { consoleUz } from '../../console/messages/uz.ts'
import { consoleEn } from '../../console/messages/en.ts'

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : /\.(ts|svelte)$/.test(d.name) ? [join(dir, d.name)] : [],
  )

describe('console words', () => {
  it('every console.* key used in the console, the server and the domain is in the catalogue', () => {
    const used = new Set<string>()
    for (const f of [...files('console'), ...files('server/admin'), 'src/domain/store-config.ts', 'src/domain/store-report.ts']) {
      if (f.includes('messages')) continue
      for (const m of readFileSync(f, 'utf8').matchAll(/['"`](console\.[a-zA-Z]+\.[a-zA-Z]+|console\.[a-zA-Z]+)['"`]/g)) used.add(m[1]!)
    }
    expect(used.size).toBeGreaterThan(50)
    expect([...used].filter((k) => !(k in consoleRu))).toEqual([])
  })

  it('the three catalogues have the same keys, none empty, placeholders kept', () => {
    for (const cat of [consoleUz, consoleEn]) {
      expect(Object.keys(cat).sort()).toEqual(Object.keys(consoleRu).sort())
      for (const [k, v] of Object.entries(cat)) {
        expect(v.trim(), k).not.toBe('')
        const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
        expect(ph(v), k).toEqual(ph(consoleRu[k]!))
      }
    }
  })
})
