// Debian's Chromium driven by playwright-core; one fresh profile per test (fresh IndexedDB).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, expect, inject } from 'vitest'
import { CHROMIUM, FLAGS } from '../../scripts/chromium-flags.ts'
import { CONTROL_HEADERS } from '../../sandbox/core/http.ts'

export { CHROMIUM, FLAGS }

/** This worker's server (global-setup.ts starts one per worker: a file's sandboxes are its own). */
export function baseURL(): string {
  const urls = inject('baseURLs')
  return urls[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % urls.length]!
}

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraArgs] })
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' })
  const page = await context.newPage()
  await page.addInitScript(() => {
    ;(window as unknown as { __printed: number }).__printed = 0
    window.print = () => {
      ;(window as unknown as { __printed: number }).__printed++
    }
  })
  page.on('pageerror', (e) => console.error('page error:', e.message))
  return { context, page }
}

export async function control(path: string, body?: unknown, method?: string): Promise<unknown> {
  const res = await fetch(`${baseURL()}/sandbox/${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: CONTROL_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`control ${path}: ${res.status} ${text}`)
  return text ? (JSON.parse(text) as unknown) : undefined
}

export const resetSandbox = () => control('_control/reset', {})
export const mint = async () => ((await control('clickpass/_control/wallet/token', {})) as { token: string }).token
export const clickCalls = async () => (await control('clickpass/_control/calls')) as { route: string; method: string; status: number; fault?: string | null }[]

/** Type like a keyboard-wedge scanner: fast keys, then Enter. */
export async function scan(page: Page, code: string) {
  await page.keyboard.type(code, { delay: 4 })
  await page.keyboard.press('Enter')
}

/**
 * The one launch/reset of a browser test file: Chromium is launched before the file's tests and closed after them,
 * and with `resetSandbox` the sandbox forgets everything before each test. The returned Browser stands for the one
 * launched (use it inside tests and hooks, as `newPage(browser)`).
 */
export function useBrowser(opts: { args?: string[]; resetSandbox?: boolean } = {}): Browser {
  let launched: Browser | undefined
  beforeAll(async () => {
    launched = await launch(opts.args)
  })
  afterAll(async () => launched?.close())
  if (opts.resetSandbox)
    beforeEach(async () => {
      await resetSandbox()
    })
  return new Proxy({} as Browser, {
    get(_, key) {
      if (!launched) throw new Error('useBrowser(): the browser is launched in beforeAll; use it inside tests and hooks')
      const value: unknown = Reflect.get(launched, key, launched)
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(launched) : value
    },
  })
}

/**
 * Wait until the till's database exists with its stores (the payment worker opened it), before a test writes rows
 * straight into IndexedDB: an `indexedDB.open('paydesk')` without a version made earlier creates an empty one.
 */
export async function databaseReady(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).some((d) => d.name === 'paydesk' && (d.version ?? 0) > 1))).toBe(true)
}
