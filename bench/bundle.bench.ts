// First-load JS: what the browser must fetch before the till works (the page's entry chunk, what it imports —
// src/main.ts starts the worker, then imports the page, src/start.ts — and the chunks those preload, and the
// payment worker), gzip-compressed. Everything else is a lazy chunk
// loaded when needed (docs/performance.md, First load): the other screens and dialogs, Uzbek and
// English, Russian beyond the sale screen, the settings schemas, each provider's client, the camera
// scanner; and, once the till is up, the page's read-only journal view (Dexie), the host adapter,
// the status bar's shift and store readers, the QR and the slip's views.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import type { Figure } from './engine.bench.ts'

export async function benchBundle(): Promise<Figure[]> {
  process.env.NODE_ENV = 'production'
  await build({ logLevel: 'silent', mode: 'production', build: { manifest: true } })
  const dir = 'dist/assets'
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'))
  // The page's first load from Vite's manifest: the entry and its static imports, and the same for each module the
  // entry itself imports dynamically (the page it loads at once); deeper dynamic imports are lazy.
  const manifest = JSON.parse(readFileSync('dist/.vite/manifest.json', 'utf8')) as Record<
    string,
    { file: string; imports?: string[]; dynamicImports?: string[] }
  >
  const first = new Set<string>()
  const closure = (key: string) => {
    const m = manifest[key]
    if (!m || first.has(m.file)) return
    first.add(m.file)
    for (const i of m.imports ?? []) closure(i)
  }
  closure('index.html')
  for (const d of manifest['index.html']?.dynamicImports ?? []) closure(d)
  const entry = files.filter((f) => first.has(`assets/${f}`))
  // The worker's entry only: its own lazy chunks — each provider's client with its wire codec and ports (preloaded
  // after the till is ready), the store sync (a till with a store), the engine's parts a first sale never needs —
  // count as lazy (docs/performance.md: first load); the cold-start bench counts any fetched before the till is ready.
  const worker = files.filter((f) => f.startsWith('payment.worker'))
  const gz = (list: string[]) => list.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0) / 1024
  const lazy = files.filter((f) => !entry.includes(f) && !worker.includes(f))
  const total = gz(entry) + gz(worker)
  return [
    { name: 'first-load JS, page entry (gzip)', value: round(gz(entry)), unit: 'kB', budget: '(part of first load)' },
    { name: 'first-load JS, payment worker (gzip)', value: round(gz(worker)), unit: 'kB', budget: '(part of first load)' },
    { name: 'first-load JS total (gzip)', value: round(total), unit: 'kB', budget: `≤ 120 kB${total > 120 ? ' OVER' : ''}` },
    { name: 'lazy chunks, all (gzip)', value: round(gz(lazy)), unit: 'kB', budget: '(loaded on demand)' },
  ]
}

const round = (n: number) => Math.round(n * 10) / 10
