// The journal at scale, in Debian's Chromium against real IndexedDB: a Vite dev server
// serves bench/journal/ (the engine's own journal-query and shift modules), playwright-core opens
// it, and the page seeds 500 000 operations and times each query beside a bare IndexedDB cursor.
import { createServer } from 'vite'
import type { AddressInfo } from 'node:net'
import { chromium } from 'playwright-core'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import type { Figure } from './engine.bench.ts'
import type { Result, run } from './journal/page.ts'
import { CHROMIUM, FLAGS } from '../scripts/chromium-flags.ts'

export async function benchJournal(): Promise<Figure[]> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  // PAYDESK_BENCH_PROFILE=<folder>: keep Chromium's profile there, so a second run reuses the seeded journal
  // (the seed takes a minute or more; a journal seeded under an older schema is upgraded on open). The
  // journal belongs to the origin, so a kept profile is served on one port (PAYDESK_BENCH_PORT, default 40081).
  const load0 = os.loadavg()[0]!
  const keep = process.env.PAYDESK_BENCH_PROFILE
  const port0 = keep ? Number(process.env.PAYDESK_BENCH_PORT ?? 40081) : 0
  const server = await createServer({ configFile: false, root, logLevel: 'warn', server: { host: '127.0.0.1', port: port0, strictPort: !!keep, hmr: false } })
  await server.listen()
  const port = (server.httpServer!.address() as AddressInfo).port
  const browser = keep
    ? await chromium.launchPersistentContext(keep, { executablePath: CHROMIUM, args: FLAGS })
    : await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  try {
    const page = await browser.newPage()
    page.on('console', (m) => console.log(`  [journal bench] ${m.text()}`))
    await page.goto(`http://127.0.0.1:${port}/bench/journal/index.html`)
    await page.waitForFunction(() => 'runBench' in window, undefined, { timeout: 120_000 })
    page.setDefaultTimeout(0)
    const out = await page.evaluate((reuse) => (window as unknown as { runBench: typeof run }).runBench((s) => console.log(s), reuse), !!keep)
    const figures: Figure[] = [
      { name: `journal: seed ${out.total} operations over 2 years (bulkAdd)`, value: Math.round(out.seedMs / 100) / 10, unit: 's', budget: '(set-up)' },
    ]
    for (const r of out.results as Result[]) {
      figures.push({
        name: `journal: ${r.name}${r.rows !== undefined ? ` [${r.rows} rows]` : ''}`,
        value: round(r.ms),
        unit: 'ms',
        budget: `≤ ${r.budgetMs} ms${r.ms > (r.budgetMs ?? Infinity) ? ' OVER' : ''}`,
      })
      if (r.bareMs !== undefined) {
        const ratio = r.ms / Math.max(r.bareMs, 0.01)
        figures.push({
          name: `journal:   ÷ bare IndexedDB cursor, same rows (${round(r.bareMs)} ms${r.calls && r.calls > 1 ? `; ${r.calls} calls a sample` : ''})`,
          value: round(ratio),
          unit: '×',
          budget: r.ratioBudget ? `≤ ${r.ratioBudget} ×${ratio > r.ratioBudget ? ' OVER' : ''}` : '(ratio, informative)',
        })
      }
    }
    figures.push({
      name: 'journal: load average at the end of the run',
      value: round(os.loadavg()[0]!),
      unit: '',
      budget: `(${round(load0)} at its start, on ${os.availableParallelism()} cores)`,
    })
    return figures
  } finally {
    await browser.close()
    await server.close()
  }
}

const round = (n: number) => Math.round(n * 100) / 100
