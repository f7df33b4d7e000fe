// Cold start: a new Chromium on a till that has been here before, from navigation to a till ready
// for the amount — the amount field enabled and the payment type chosen, which needs the payment worker up
// (its start-up recovery done and the payment types listed). Everything comes from the service worker's cache.
// Beside it, a bare page of the same size: the same bytes of page script and of worker script, served by a
// minimal service worker, that starts its worker, hears one reply and shows an input — what any page that big
// costs on this machine. Each sample is a new browser process on the same profile (its code cache kept, as on
// a till that restarts); app and bare pages take turns, so a stretch of load falls on both.
import { build, preview } from 'vite'
import { chromium, type BrowserContext } from 'playwright-core'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Figure } from './engine.bench.ts'
import { quantile } from './chromium.bench.ts'

const SAMPLES = 7
const BUDGET_MS = 300
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const outDir = fileURLToPath(new URL('../dist-bench-cold/', import.meta.url))

/** Set on the page by an init script: when the till (or the bare page) first is ready, ms since navigation start. */
const READY_SCRIPT = `(() => {
  const ready = () => document.querySelector('[data-testid="amount"]:not([disabled])') && document.querySelector('.type.selected')
  const check = () => { if (window.__readyAt === undefined && ready()) window.__readyAt = performance.now() }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true })
})()`

/** A payment type as Settings stores it, so the till has something to take the amount for (no request is made). */
const TYPE = {
  id: 'clickpass-1',
  number: 1,
  name: 'ClickPass',
  provider: 'clickpass',
  values: { url: 'https://clickpass.invalid', serviceId: 85335, merchantUserId: 123, confirmMode: false, timeout: 10 },
}

function bareFiles(pageBytes: number, workerBytes: number): Record<string, string> {
  const pad = (code: string, bytes: number) => `const PAD = "${'x'.repeat(Math.max(0, bytes - code.length - 20))}"\n${code}`
  return {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title><script type="module" src="./main.js"></script></head><body></body></html>`,
    'main.js': pad(
      `const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
w.onmessage = () => {
  const i = document.createElement('input'); i.dataset.testid = 'amount'; document.body.append(i)
  const b = document.createElement('button'); b.className = 'type selected'; document.body.append(b)
}
w.postMessage(PAD.length)
if (navigator.serviceWorker) navigator.serviceWorker.register('./sw.js')`,
      pageBytes,
    ),
    'worker.js': pad(`onmessage = () => postMessage(PAD.length)`, workerBytes),
    'sw.js': `const FILES = ['./', './index.html', './main.js', './worker.js']
self.addEventListener('install', (e) => e.waitUntil(caches.open('bare').then((c) => c.addAll(FILES)).then(() => self.skipWaiting())))
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (e) => e.respondWith(caches.match(e.request, { ignoreSearch: true }).then((r) => r || fetch(e.request))))`,
  }
}

export async function benchColdStart(): Promise<Figure[]> {
  if (!CHROMIUM) return [{ name: 'cold start', value: NaN, unit: 'ms', budget: 'skipped: no Chromium (CHROMIUM_PATH)' }]
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
    await page.goto(`${origin}/bare/`)
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))
    await page.reload()
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 60_000 })
    await ctx.close()

    const sample = async (path: string): Promise<number> => {
      ctx = await open()
      try {
        await ctx.addInitScript(READY_SCRIPT)
        page = ctx.pages()[0] ?? (await ctx.newPage())
        await page.goto(`${origin}${path}`)
        const at = await (await page.waitForFunction(() => (window as unknown as { __readyAt?: number }).__readyAt, undefined, { timeout: 60_000 })).jsonValue()
        const fromCache = await page.evaluate(() => !!navigator.serviceWorker.controller)
        if (!fromCache) throw new Error(`cold start: ${path} was not served by its service worker`)
        return at as number
      } finally {
        await (ctx as BrowserContext).close()
      }
    }
    const load = os.loadavg()[0]!
    await sample('/') // one untimed start: the profile's code cache is written after the first runs
    await sample('/bare/')
    const app: number[] = []
    const bare: number[] = []
    for (let i = 0; i < SAMPLES; i++) {
      app.push(await sample('/'))
      bare.push(await sample('/bare/'))
    }
    const load2 = os.loadavg()[0]!
    const a = quantile(app, 0.5)
    const b = quantile(bare, 0.5)
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
    ]
  } finally {
    await server.close()
    rmSync(profile, { recursive: true, force: true })
  }
}

const round = (n: number) => Math.round(n * 10) / 10
