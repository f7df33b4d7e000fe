// Cold start: a new Chromium on a till that has been here before, from navigation to a till ready
// for the amount — the amount field enabled and the payment type chosen, which needs the payment worker up
// (its start-up recovery done and the payment types listed). Everything comes from the service worker's cache.
// Beside it, a bare page of the same size: the same bytes of page script and of worker script, served by a
// minimal service worker, that starts its worker, hears one reply and shows an input — what any page that big
// costs on this machine. Each sample is a new browser process on the same profile (its code cache kept, as on
// a till that restarts); app and bare pages take turns, so a stretch of load falls on both.
import { build, preview } from 'vite'
import { chromium, type BrowserContext } from 'playwright-core'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Figure } from './engine.bench.ts'
import { quantile } from './chromium.bench.ts'
import { CHROMIUM, CHROMIUM_FOUND, FLAGS } from '../scripts/chromium-flags.ts'

const SAMPLES = 7
const BUDGET_MS = 300
const outDir = fileURLToPath(new URL('../dist-bench-cold/', import.meta.url))

/**
 * Set on the page by an init script, in ms since navigation start: when the amount field is first there
 * (`__shownAt`: the page's script ran and drew the till) and when the till (or the bare page) first is ready
 * (`__readyAt`: the field enabled and a payment type chosen, which needs the worker's answer).
 */
const READY_SCRIPT = `(() => {
  const ready = () => document.querySelector('[data-testid="amount"]:not([disabled])') && document.querySelector('.type.selected')
  const check = () => {
    if (window.__shownAt === undefined && document.querySelector('[data-testid="amount"]')) window.__shownAt = performance.now()
    if (window.__readyAt === undefined && ready()) window.__readyAt = performance.now()
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true })
})()`

/**
 * With PAYDESK_BENCH_MARKS set, each start also prints its timeline: the page's and the worker's performance marks
 * and the stretches the page's thread was busy (a task of over 6 ms), which this probe costs a little of.
 */
const BUSY_SCRIPT = `(() => {
  window.__busy = []
  let last = performance.now()
  const ch = new MessageChannel()
  ch.port1.onmessage = () => {
    const t = performance.now()
    if (t - last > 6) window.__busy.push([Math.round(last), Math.round(t - last)])
    last = t
    if (t < 1500) ch.port2.postMessage(0)
  }
  ch.port2.postMessage(0)
})()`

/** One start, in ms since navigation start: the page from the cache, the page's script done, the worker's script, the till drawn, ready. */
interface Phases {
  html: number
  scripts: number
  worker: number
  /** The payment worker's own marks (payment.worker.ts), on the page's clock: its module evaluated, its start done. */
  evaluated: number
  started: number
  /** The worker's own chunks (a provider's client, the sync…) it had started to fetch before the till was ready. */
  chunks: number
  shown: number
  ready: number
}

/** What each start spent where, read from the page's own timeline once it is ready. */
const PHASES = () => {
  const w = window as unknown as { __shownAt?: number; __readyAt?: number }
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
  const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
  const worker = res.find((r) => /worker/.test(r.name) && r.name.endsWith('.js'))
  return {
    evaluated: NaN,
    started: NaN,
    chunks: NaN,
    html: nav?.responseEnd ?? NaN,
    scripts: nav?.domContentLoadedEventEnd ?? NaN,
    worker: worker?.responseEnd ?? NaN,
    shown: w.__shownAt ?? NaN,
    ready: w.__readyAt ?? NaN,
  }
}

/** A payment type as Settings stores it, so the till has something to take the amount for (no request is made). */
const TYPE = {
  id: 'clickpass-1',
  number: 1,
  name: 'ClickPass',
  provider: 'clickpass',
  values: { url: 'https://clickpass.invalid', serviceId: 85335, merchantUserId: 123, confirmMode: false, timeout: 10 },
}

/**
 * The bare page and its service worker. The worker answers from its own cache, as the app's precache does: a
 * `caches.match` over every cache of the origin (the app's precache is there too) took the bare page 80–280 ms
 * longer to get its files than the till.
 */
function bareFiles(pageBytes: number, workerBytes: number): Record<string, string> {
  // The padding is code, not one string literal: a string of that size is scanned in a moment, where the same
  // bytes of functions are parsed as the app's own script is (its functions mostly declared, not yet called).
  const pad = (code: string, bytes: number) => {
    const fns: string[] = []
    for (let n = 0, i = 0; n < bytes - code.length - 40; i++) {
      const f = `function p${i}(a, b) { const c = a * ${i} + (b ?? ${i % 97}); return c > ${i} ? [c, a] : { c, b } }\n`
      fns.push(f)
      n += f.length
    }
    return `${fns.join('')}const PAD = ${fns.length}\n${code}`
  }
  return {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title><script type="module" src="./main.js"></script></head><body></body></html>`,
    'main.js': pad(
      `const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
w.onmessage = () => {
  const i = document.createElement('input'); i.dataset.testid = 'amount'; document.body.append(i)
  const b = document.createElement('button'); b.className = 'type selected'; document.body.append(b)
}
w.postMessage(PAD)
if (navigator.serviceWorker) navigator.serviceWorker.register('./sw.js')`,
      pageBytes,
    ),
    'worker.js': pad(`onmessage = () => postMessage(PAD)`, workerBytes),
    'sw.js': `const FILES = ['./', './index.html', './main.js', './worker.js']
self.addEventListener('install', (e) => e.waitUntil(caches.open('bare').then((c) => c.addAll(FILES)).then(() => self.skipWaiting())))
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (e) => e.respondWith(caches.open('bare').then((c) => c.match(e.request, { ignoreSearch: true })).then((r) => r || fetch(e.request))))`,
  }
}

export async function benchColdStart(): Promise<Figure[]> {
  if (!CHROMIUM_FOUND) return [{ name: 'cold start', value: NaN, unit: 'ms', budget: 'skipped: no Chromium (CHROMIUM_PATH)' }]
  process.env.NODE_ENV = 'production'
  await build({ logLevel: 'silent', mode: 'production', build: { outDir, emptyOutDir: true } })
  // The bare page's sizes: the app's first load as bundle.bench.ts counts it (uncompressed here: what is parsed).
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const js = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'))
  const size = (list: string[]) => list.reduce((n, f) => n + readFileSync(join(outDir, 'assets', f)).length, 0)
  const pageBytes = size(js.filter((f) => html.includes(f)))
  const workerBytes = size(js.filter((f) => f.startsWith('payment.worker')))
  mkdirSync(join(outDir, 'bare'), { recursive: true })
  for (const [name, text] of Object.entries(bareFiles(pageBytes, workerBytes))) writeFileSync(join(outDir, 'bare', name), text)

  const server = await preview({
    configFile: false,
    logLevel: 'silent',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  })
  const address = server.httpServer.address()
  if (!address || typeof address === 'string') throw new Error('cold-start preview has no port')
  const origin = `http://127.0.0.1:${address.port}`
  // The bare page on an origin of its own: under the app's origin the app's service worker answered the first
  // visit of /bare/ with the app itself (its navigation fallback), so the bare page was never installed and each
  // «bare» start timed the till again.
  const bareServer = await preview({
    configFile: false,
    logLevel: 'silent',
    build: { outDir: join(outDir, 'bare') },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
  })
  const bareAddress = bareServer.httpServer.address()
  if (!bareAddress || typeof bareAddress === 'string') throw new Error('cold-start bare preview has no port')
  const bareOrigin = `http://127.0.0.1:${bareAddress.port}`
  const profile = mkdtempSync(join(tmpdir(), 'paydesk-coldstart-'))
  const open = () => chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, viewport: { width: 1366, height: 768 } })
  try {
    // The till's first visit: the service worker installs and takes the page, a payment type is stored.
    let ctx = await open()
    let page = await ctx.newPage()
    await page.goto(`${origin}/`)
    await page.waitForFunction(() => !!navigator.serviceWorker.controller && !!document.querySelector('[data-testid="first-run"]'), undefined, {
      timeout: 120_000,
    })
    await page.evaluate(async (type) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('paydesk')
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['settings', 'secrets'], 'readwrite')
        tx.objectStore('settings').put({ key: 'paymentTypes', value: [type] })
        tx.objectStore('secrets').put({ key: `${type.id}:secretKey`, value: 'bench-secret' })
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
    }, TYPE)
    await page.reload()
    await page.waitForSelector('.type.selected', { timeout: 120_000 })
    await page.goto(`${bareOrigin}/`)
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
    await page.reload()
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 })
    await ctx.close()

    const sample = async (path: string): Promise<Phases> => {
      ctx = await open()
      try {
        await ctx.addInitScript(READY_SCRIPT)
        if (process.env.PAYDESK_BENCH_MARKS) await ctx.addInitScript(BUSY_SCRIPT)
        page = ctx.pages()[0] ?? (await ctx.newPage())
        // PAYDESK_BENCH_CPU=<path prefix>: each start of the till writes the page's CPU profile (DevTools opens it).
        const cdp = process.env.PAYDESK_BENCH_CPU && !path.startsWith(bareOrigin) ? await ctx.newCDPSession(page) : undefined
        if (cdp) {
          await cdp.send('Profiler.enable')
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
          await cdp.send('Profiler.start')
        }
        await page.goto(path)
        await page.waitForFunction(() => (window as unknown as { __readyAt?: number }).__readyAt, undefined, { timeout: 60_000 })
        if (cdp) {
          const { profile } = await cdp.send('Profiler.stop')
          writeFileSync(`${process.env.PAYDESK_BENCH_CPU}-${Date.now()}.cpuprofile`, JSON.stringify(profile))
        }
        const fromCache = await page.evaluate(() => !!navigator.serviceWorker.controller)
        if (!fromCache) throw new Error(`cold start: ${path} was not served by its service worker`)
        if (path.startsWith(bareOrigin) !== ((await page.title()) === 'bare')) throw new Error(`cold start: ${path} served the other page`)
        const phases = await page.evaluate(PHASES)
        // The worker's marks, moved to the page's clock (each timeline counts from its own origin).
        const w = page.workers().find((x) => x.url().includes('payment.worker'))
        const marks = w
          ? await w.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime + performance.timeOrigin] as const)))
          : {}
        // The lazy chunks the worker fetched before the till was ready are part of the start (their fetch and run).
        const chunkStarts = w
          ? await w.evaluate(() =>
              performance
                .getEntriesByType('resource')
                .filter((r) => r.name.endsWith('.js'))
                .map((r) => r.startTime + performance.timeOrigin),
            )
          : []
        const zero = await page.evaluate(() => performance.timeOrigin)
        const at = (name: string) => (marks[name] !== undefined ? marks[name] - zero : NaN)
        const chunks = chunkStarts.filter((t) => t - zero < phases.ready).length
        if (process.env.PAYDESK_BENCH_MARKS) {
          const pageMarks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime] as const)))
          const busy = await page.evaluate(() => (window as unknown as { __busy: number[][] }).__busy.map(([a, d]) => `${a}+${d}`).join(' '))
          console.log(`  [coldstart] page busy (from+ms): ${busy}`)
          const all = { ...pageMarks, ...Object.fromEntries(Object.entries(marks).map(([k, v]) => [`w:${k}`, v - zero])) }
          console.log(
            `  [coldstart] ${path.startsWith(bareOrigin) ? 'bare' : 'till'} ready ${Math.round(phases.ready)}: ${Object.entries(all)
              .sort((a, b) => a[1] - b[1])
              .map(([k, v]) => `${k.replace('paydesk:', '')} ${Math.round(v)}`)
              .join(' · ')}`,
          )
        }
        return { ...phases, evaluated: at('paydesk:worker-evaluated'), started: at('paydesk:worker-started'), chunks }
      } finally {
        await (ctx as BrowserContext).close()
      }
    }
    const load = os.loadavg()[0]!
    await sample(`${origin}/`) // one untimed start: the profile's code cache is written after the first runs
    await sample(`${bareOrigin}/`)
    const appRuns: Phases[] = []
    const bareRuns: Phases[] = []
    for (let i = 0; i < SAMPLES; i++) {
      appRuns.push(await sample(`${origin}/`))
      bareRuns.push(await sample(`${bareOrigin}/`))
    }
    const load2 = os.loadavg()[0]!
    const app = appRuns.map((r) => r.ready)
    const bare = bareRuns.map((r) => r.ready)
    const a = quantile(app, 0.5)
    const b = quantile(bare, 0.5)
    const med = (runs: Phases[], k: keyof Phases) => {
      const xs = runs.map((r) => r[k]).filter((x) => Number.isFinite(x))
      return xs.length ? round(quantile(xs, 0.5)) : '—'
    }
    const phases = (runs: Phases[]) =>
      `page from cache ${med(runs, 'html')} · scripts run ${med(runs, 'scripts')} · worker script ${med(runs, 'worker')} · worker evaluated ${med(runs, 'evaluated')} · worker started ${med(runs, 'started')} · lazy chunks before ready ${med(runs, 'chunks')} · drawn ${med(runs, 'shown')} · ready ${med(runs, 'ready')} ms`
    return [
      {
        name: 'cold start from the service-worker cache to a till ready for the amount (median)',
        value: round(a),
        unit: 'ms',
        budget: `≤ ${BUDGET_MS} ms${a > BUDGET_MS ? ' OVER' : ''} (${SAMPLES} starts; load ${load.toFixed(1)}–${load2.toFixed(1)})`,
      },
      { name: 'cold start: the fastest start of the till', value: round(Math.min(...app)), unit: 'ms', budget: `(each: ${app.map(Math.round).join(', ')})` },
      {
        name: 'cold start: a bare page of the same size, its worker answering (median)',
        value: round(b),
        unit: 'ms',
        budget: `(each: ${bare.map(Math.round).join(', ')})`,
      },
      { name: 'cold start: till ÷ bare page', value: round(a / b), unit: '×', budget: '(ratio, informative)' },
      {
        name: 'cold start: the till drawn → ready (waiting for the worker), median',
        value: round(
          quantile(
            appRuns.map((r) => r.ready - r.shown),
            0.5,
          ),
        ),
        unit: 'ms',
        budget: `(till: ${phases(appRuns)})`,
      },
      { name: 'cold start: the bare page, by phase (median)', value: round(b), unit: 'ms', budget: `(bare: ${phases(bareRuns)})` },
    ]
  } finally {
    await server.close()
    await bareServer.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

const round = (n: number) => Math.round(n * 10) / 10
