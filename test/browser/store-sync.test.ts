// In the browser: the demo till joins the demo store by itself; two tills in two browser contexts join
// it by a one-time code from Settings, the store server goes down, both take payments (the status bar says how
// much waits since when, and leaving the store is refused), it comes back, and the store holds every operation of
// both tills at each till's final rev. And a till whose browser is killed while the store's reply to its push is
// on the way sends it again when reopened: the store keeps one row per operation, at the till's rev.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { baseURL, CHROMIUM, FLAGS, launch, mint, newPage, resetSandbox, scan } from './support.ts'
import { answerConfirm } from './confirm-support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await outage(false)
  await browser?.close()
})
beforeEach(async () => {
  // A test that failed mid-outage must not leave the next one without its store.
  await outage(false)
  await resetSandbox()
})

async function outage(down: boolean) {
  await fetch(`${baseURL()}/__test/store-outage`, { method: down ? 'POST' : 'DELETE' })
}

async function enrolCode(): Promise<string> {
  const res = await fetch(`${baseURL()}/api/v1/demo/enrol-code`, { method: 'POST' })
  expect(res.status).toBe(200)
  return ((await res.json()) as { code: string }).code
}

async function storeOperations(): Promise<{ id: string; tillId: string; rev: number }[]> {
  const res = await fetch(`${baseURL()}/api/v1/demo/operations`)
  return ((await res.json()) as { operations: { id: string; tillId: string; rev: number }[] }).operations
}

/** The till's journal as IndexedDB holds it: each operation's id and rev. */
function journal(page: Page): Promise<{ id: string; rev: number }[]> {
  return page.evaluate(
    () =>
      new Promise<{ id: string; rev: number }[]>((resolve, reject) => {
        const open = indexedDB.open('paydesk')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const all = open.result.transaction('operations').objectStore('operations').getAll()
          all.onsuccess = () => {
            resolve((all.result as { id: string; rev: number }[]).map((o) => ({ id: o.id, rev: o.rev })))
            open.result.close()
          }
        }
      }),
  )
}

const bar = (page: Page) => page.getByTestId('store-status')

async function pay(page: Page, amount: string) {
  await page.getByRole('link', { name: 'Касса' }).click()
  // The route changes on the hashchange, after the click returns: Settings (with its own «ClickPass» buttons,
  // the type's row and «+ Добавить тип оплаты: ClickPass») may still be on screen until then.
  await page.getByRole('heading', { name: 'Настройки', exact: true }).waitFor({ state: 'detached' })
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByTestId('amount').fill(amount)
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
}

/** Settings → «Магазин»: leave the demo store the till joined by itself, then join by a one-time code. */
async function joinByCode(page: Page) {
  await page.getByRole('link', { name: 'Настройки' }).click()
  const card = page.getByTestId('store-link')
  await expect.poll(() => card.getByTestId('store-state').textContent()).toMatch(/^Подключена к магазину «Demo store»/)
  await card.getByRole('button', { name: 'Отключить от магазина' }).click()
  await answerConfirm(page)
  await expect.poll(() => card.getByTestId('store-note').textContent()).toBe('Касса отключена от магазина')
  expect(await card.getByLabel('Адрес магазина').inputValue()).toBe(baseURL())
  // The demo till has payment types of its own: joining again, it takes the store's.
  await card.getByRole('radio', { name: /Взять типы оплаты магазина/ }).check()
  // A mistyped code changes nothing and says why.
  await card.getByLabel('Одноразовый код').fill('12345')
  await card.getByRole('button', { name: 'Подключить к магазину' }).click()
  await expect.poll(() => card.getByTestId('store-note').textContent()).toBe('Код: 10 символов (буквы и цифры), как его выдал магазин')
  await card.getByLabel('Одноразовый код').fill(await enrolCode())
  await card.getByRole('button', { name: 'Подключить к магазину' }).click()
  await expect.poll(() => card.getByTestId('store-note').textContent()).toBe('Касса подключена к магазину «Demo store»')
  await expect.poll(() => card.getByTestId('store-state').textContent()).toMatch(/^Подключена к магазину «Demo store», касса /)
}

it('two tills join by code, the store goes down, both take payments, it comes back and holds every operation of both', async () => {
  const tills = [await newPage(browser), await newPage(browser)]
  for (const { page } of tills) await page.goto(baseURL())
  // The demo till joined the demo store by itself (the store's first start may take a minute).
  for (const { page } of tills)
    await expect.poll(() => bar(page).textContent(), { timeout: 150_000 }).toMatch(/^Магазин: синхронизировано \d\d:\d\d · 0 в очереди$/)
  for (const { page } of tills) await joinByCode(page)

  await outage(true)
  await pay(tills[0]!.page, '1500')
  await pay(tills[1]!.page, '2500')
  await pay(tills[1]!.page, '3500')
  // The status bar says how much waits and since when; leaving the store is refused while it does.
  for (const { page } of tills) await expect.poll(() => bar(page).textContent(), { timeout: 10_000 }).toMatch(/^Магазин: \d+ в очереди с \d\d:\d\d$/)
  const a = tills[0]!.page
  await a.getByRole('link', { name: 'Настройки' }).click()
  await a.getByTestId('store-link').getByRole('button', { name: 'Отключить от магазина' }).click()
  await answerConfirm(a)
  await expect.poll(() => a.getByTestId('store-note').textContent()).toMatch(/^Нельзя: \d+ записей ещё не отправлены в магазин$/)

  await outage(false)
  for (const { page } of tills)
    await expect.poll(() => bar(page).textContent(), { timeout: 60_000 }).toMatch(/^Магазин: синхронизировано \d\d:\d\d · 0 в очереди$/)

  const held = await storeOperations()
  const byId = new Map(held.map((o) => [o.id, o]))
  const tillIds = new Set<string>()
  for (const { page } of tills) {
    const ops = await journal(page)
    expect(ops.length).toBeGreaterThanOrEqual(1)
    for (const o of ops) expect(byId.get(o.id)?.rev, o.id).toBe(o.rev)
    const owners = new Set(ops.map((o) => byId.get(o.id)!.tillId))
    expect(owners.size).toBe(1)
    tillIds.add([...owners][0]!)
  }
  expect(tillIds.size).toBe(2)
  // After a reload the till still says it is synced.
  await a.reload()
  await expect.poll(() => bar(a).textContent(), { timeout: 20_000 }).toMatch(/^Магазин: синхронизировано \d\d:\d\d · 0 в очереди$/)
  // In the cashier's language.
  await a.getByTestId('lang').selectOption('uz')
  await expect.poll(() => bar(a).textContent()).toMatch(/^Doʻkon: \d\d:\d\d da sinxronlandi · navbatda 0$/)
  await a.getByTestId('lang').selectOption('en')
  await expect.poll(() => bar(a).textContent()).toMatch(/^Store: synced \d\d:\d\d · 0 waiting$/)
  for (const { context } of tills) await context.close()
}, 300_000)

// ---- the till's browser killed during a push, and reopened ---------------------------------------

/** The browser's processes for this profile, by their command line. */
function browserPids(dir: string): number[] {
  const out: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(`--user-data-dir=${dir}`)) out.push(Number(name))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

async function openTill(dir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    locale: 'ru-RU',
  })
  await context.addInitScript(() => {
    window.print = () => undefined
  })
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(baseURL())
  return { context, page }
}

it('the till’s browser killed while the store’s reply to its push is on the way, reopened: each operation once, at its rev', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-store-kill-'))
  try {
    let till = await openTill(dir)
    await expect.poll(() => bar(till.page).textContent(), { timeout: 150_000 }).toMatch(/^Магазин: синхронизировано/)
    // The store commits the push; its reply never reaches the till, whose browser dies meanwhile.
    await fetch(`${baseURL()}/__test/store-outage?hold=1`, { method: 'POST' })
    await pay(till.page, '4200')
    const [op] = await journal(till.page)
    await expect.poll(async () => (await storeOperations()).some((o) => o.id === op!.id), { timeout: 20_000 }).toBe(true)
    // The till has not heard back: the row still waits when its browser dies.
    expect(await bar(till.page).textContent()).toMatch(/^Магазин: \d+ в очереди с \d\d:\d\d$/)
    for (const pid of browserPids(dir)) process.kill(pid, 'SIGKILL')
    await till.context.close().catch(() => undefined)
    await outage(false)

    till = await openTill(dir)
    await expect.poll(() => bar(till.page).textContent(), { timeout: 60_000 }).toMatch(/^Магазин: синхронизировано \d\d:\d\d · 0 в очереди$/)
    const ops = await journal(till.page)
    const held = new Map((await storeOperations()).map((o) => [o.id, o]))
    for (const o of ops) expect(held.get(o.id)?.rev, o.id).toBe(o.rev)
    await till.context.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 300_000)
