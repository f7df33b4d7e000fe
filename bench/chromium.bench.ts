// Engine overhead per payment in Debian's Chromium (issue 10): the engine in a module worker
// on real IndexedDB with strict durability, against the bare sandbox request timed in the
// same run, plus the page→worker Comlink hop. Built and served like the app (vite build +
// preview with the sandbox on the same origin), driven by playwright-core.
import { build, preview } from 'vite'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { existsSync } from 'node:fs'
import { paydeskSandbox } from '../sandbox/vite-plugin.ts'
import type { Figure } from './engine.bench.ts'

const RUNS = 100
const root = fileURLToPath(new URL('./chromium/', import.meta.url))
const outDir = fileURLToPath(new URL('../dist-bench/', import.meta.url))
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))

export async function benchChromium(): Promise<Figure[]> {
  if (!CHROMIUM) return [{ name: 'engine overhead in Chromium', value: NaN, unit: 'ms', budget: 'skipped: no Chromium (CHROMIUM_PATH)' }]
  process.env.NODE_ENV = 'production'
  await build({ configFile: false, root, logLevel: 'silent', mode: 'production', worker: { format: 'es' }, build: { outDir, emptyOutDir: true, target: 'es2022' } })
  const server = await preview({ configFile: false, root, logLevel: 'silent', plugins: [paydeskSandbox()], build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } })
  const address = server.httpServer.address()
  if (!address || typeof address === 'string') throw new Error('bench preview has no port')
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${address.port}/`)
    await page.waitForFunction(() => document.title === 'ready')
    type Run = { bareMs: number; engineMs: number; hopMs: number; durability: string }
    const bench = (durability: 'strict' | 'relaxed') =>
      page.evaluate(([runs, d]) => (window as unknown as { runBench(n: number, d: string): Promise<Run> }).runBench(runs, d), [RUNS, durability] as const)
    // Relaxed first, for what strict durability costs; then strict, as the app runs.
    const relaxed = await bench('relaxed')
    const r = await bench('strict')
    const overhead = r.engineMs - r.bareMs + r.hopMs
    const relaxedOverhead = relaxed.engineMs - relaxed.bareMs + relaxed.hopMs
    return [
      { name: 'Chromium: bare sandbox pay request', value: round(r.bareMs), unit: 'ms', budget: '(reference)' },
      { name: `Chromium: engine pay (IndexedDB, ${r.durability})`, value: round(r.engineMs), unit: 'ms', budget: '(reference)' },
      { name: 'Chromium: page→worker round trip', value: round(r.hopMs), unit: 'ms', budget: '(part of overhead)' },
      { name: 'Chromium: engine overhead per payment', value: round(overhead), unit: 'ms', budget: '≤ 10 ms' },
      { name: 'Chromium: engine / bare request time', value: round((r.engineMs + r.hopMs) / r.bareMs), unit: '×', budget: '(ratio, informative)' },
      { name: 'Chromium: the same overhead with relaxed durability', value: round(relaxedOverhead), unit: 'ms', budget: '(what strict costs)' },
    ]
  } finally {
    await browser.close()
    await server.close()
  }
}

const round = (n: number) => Math.round(n * 100) / 100
