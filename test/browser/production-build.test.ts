// `npm run build` is production: no sandbox code in the shipped files — no emulator, no demo secret,
// no control API, no demo payment type — and the till starts on a first-run screen that leads the admin to
// Settings. The demo build the rest of the suite runs (global-setup, `npm start`) carries all of these, so each
// check below is also made against it and would catch a demo leaking into production.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, preview, type PreviewServer } from 'vite'
import { launch, newPage } from './support.ts'
import { uz } from '../../src/i18n/uz.ts'
import { en } from '../../src/i18n/en.ts'
import { PAYME_SCHEMA } from '../../workers/providers/payme/config.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const demoDir = join(root, 'dist-demo')
let outDir: string
let server: PreviewServer | undefined
let prodURL: string
let browser: Browser

/** Strings only the demo pieces carry: the emulators, the demo secrets and urls, the sandbox control API. */
const DEMO_ONLY = {
  'the in-page pin-pad emulator (its page channel)': 'paydesk-pinpad',
  'the pin-pad emulator (its busy screen)': 'ОБРАБОТКА',
  'the Payme demo secret': 'sandbox-key',
  'the demo cashbox id': '5e730e8e0b852a417aa49ceb',
  'the ClickPass demo cashbox code': 'KASSA-1',
  'a sandbox url': '/sandbox/clickpass',
}
/** Not in any bundle: the sandbox control API lives in the sandbox server (and its phone page) only. */
const NEVER = { 'the sandbox control API': '_control/', 'the sandbox phone page': '/sandbox/phone' }

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? files(p) : /\.(js|html|webmanifest)$/.test(n) ? [p] : []
  })
}
const bundleText = (dir: string) =>
  files(dir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'paydesk-prod-'))
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ root, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } })
  } finally {
    process.env.NODE_ENV = env
  }
  server = await preview({ root, mode: 'production', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' })
  const address = server.httpServer.address()
  if (!address || typeof address === 'string') throw new Error('preview server has no port')
  prodURL = `http://127.0.0.1:${address.port}`
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (outDir) rmSync(outDir, { recursive: true, force: true })
})

it('the production files carry no emulator, demo secret, demo payment type or sandbox control API (the demo build does)', () => {
  const prod = bundleText(outDir)
  const demo = bundleText(demoDir)
  for (const [what, needle] of Object.entries(DEMO_ONLY)) {
    expect(demo.includes(needle), `the demo build carries ${what}`).toBe(true)
    expect(prod.includes(needle), `the production build carries ${what}`).toBe(false)
  }
  for (const [what, needle] of Object.entries(NEVER)) expect(prod.includes(needle), `the production build carries ${what}`).toBe(false)
})

/** What the page's first load must not carry (docs/performance.md, First load): each loads when it is needed. */
const NOT_FIRST = {
  'the Settings screen and the rest of Russian': 'settings.merchantEmpty',
  'the Journal screen': 'journal.exportCsv',
  'the self-checkout': 'self.needAdminPin',
  Uzbek: uz['sale.firstRun.text'],
  English: en['sale.firstRun.text'],
  'the settings schemas (Payme’s)': PAYME_SCHEMA.fields[0]!.seedText!,
  'the host adapter': 'paydesk.ready',
}

it('the page’s first load — the entry, the page it imports at once, and their imports — carries only what the first sale needs', () => {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const dir = join(outDir, 'assets')
  // src/main.ts starts the worker and imports the page (src/start.ts): the entry's static and dynamic imports, then
  // only the static imports of those (what the page imports dynamically from there on loads later).
  const first = new Set<string>()
  const follow = (file: string, dynamic: boolean) => {
    if (first.has(file)) return
    first.add(file)
    const code = readFileSync(join(dir, file), 'utf8')
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) follow(m[1]!, false)
    if (dynamic) for (const m of code.matchAll(/\bimport\(\s*["'`]\.\/([\w.-]+\.js)["'`]\s*\)/g)) follow(m[1]!, false)
  }
  for (const f of readdirSync(dir)) if (f.endsWith('.js') && new RegExp(`<script[^>]+src="/assets/${f.replace(/[.]/g, '\\.')}"`).test(html)) follow(f, true)
  expect(first.size, 'the entry and the page it loads').toBeGreaterThan(2)
  const text = [...first].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n')
  expect(text, 'the first load has the sale screen').toContain('sale.payButton')
  const all = bundleText(outDir)
  for (const [what, needle] of Object.entries(NOT_FIRST)) {
    expect(all.includes(needle), `the build carries ${what}`).toBe(true)
    expect(text.includes(needle), `the first load carries ${what}`).toBe(false)
  }
})

it('the production server mounts no sandbox', async () => {
  const res = await fetch(`${prodURL}/sandbox/_control/health`)
  const body = await res.text()
  expect(body).not.toMatch(/^\s*[{[]/)
})

it('a production till starts with no payment types and its first-run screen leads to Settings, in every language', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${prodURL}/`)
  await page.getByRole('heading', { name: 'Типов оплаты ещё нет' }).waitFor()
  expect(await page.getByTestId('amount').count()).toBe(0)
  await page.getByTestId('lang').selectOption('uz')
  await page.getByRole('heading', { name: 'Hali to‘lov turlari yo‘q' }).waitFor()
  await page.getByTestId('lang').selectOption('en')
  await page.getByRole('heading', { name: 'No payment types yet' }).waitFor()
  await page.reload()
  await page.getByRole('heading', { name: 'No payment types yet' }).waitFor()
  await page.getByRole('link', { name: 'Open Settings' }).click()
  await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor()
  expect(page.url()).toMatch(/#\/settings$/)
  // The pin-pad emulator's page does not exist in production: `#/pinpad` is the till.
  await page.goto(`${prodURL}/#/pinpad`)
  await page.getByRole('heading', { name: 'No payment types yet' }).waitFor()
  await context.close()
})

/** A plain static server whose folder can be swapped: one origin that first served a demo, then production. */
async function swappableServer(first: string) {
  const { createServer } = await import('node:http')
  const { existsSync } = await import('node:fs')
  let dir = first
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.html': 'text/html; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.css': 'text/css',
    '.webmanifest': 'application/manifest+json',
  }
  const srv = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = join(dir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'Content-Type': types[/\.[a-z]+$/.exec(file)?.[0] ?? ''] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' })
    res.end(readFileSync(file))
  })
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  return { url: `http://127.0.0.1:${port}`, serve: (d: string) => (dir = d), close: () => srv.close() }
}

it('a demo once served at an origin does not outlive the production deploy there', async () => {
  const origin = await swappableServer(demoDir)
  const { context, page } = await newPage(browser)
  try {
    await page.goto(`${origin.url}/`)
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 })
    const entry = (dir: string) => /<script[^>]+src="([^"]+\.js)"/.exec(readFileSync(join(dir, 'index.html'), 'utf8'))?.[1]
    const running = () => page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type=module]')?.getAttribute('src') ?? '')
    expect(await running()).toBe(entry(demoDir))
    // Production is deployed at the same origin; the cashier reloads as usual, twice at most.
    origin.serve(outDir)
    await page.reload()
    await expect.poll(running, { timeout: 30_000 }).toBe(entry(outDir))
    await page.reload()
    expect(await running()).toBe(entry(outDir))
    const workers = await page.evaluate(async () =>
      (await navigator.serviceWorker.getRegistrations()).map((r) => (r.active ?? r.waiting ?? r.installing)?.scriptURL ?? ''),
    )
    expect(workers.filter((u) => u.endsWith('/sw-demo.js'))).toEqual([])
  } finally {
    await context.close()
    origin.close()
  }
})
