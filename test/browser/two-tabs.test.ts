// Two till tabs on one device: a stop pressed in the tab that is not driving the
// payment reaches it, and each tab shows its own sale, never the newest sale of another tab.
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { baseURL, control, mint, newPage, scan, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

const printed = (p: Page) => p.evaluate(() => (window as unknown as { __printed: number }).__printed)

/** A PaymeGO payment the customer's bank keeps debiting for a minute (the demo polls it for 60 s). */
async function slowPaymePayment(page: Page) {
  await control('payme/_control/faults', { route: 'pay', fault: 'pending', forMs: 60_000 })
  await page.getByRole('button', { name: /PaymeGO/ }).click()
  await page.getByTestId('amount').fill('2500')
  await page.getByTestId('code').click()
  const { token } = (await control('payme/_control/wallet/token', {})) as { token: string }
  await scan(page, token)
  await page.locator('[data-testid=result][data-state=resolving]').waitFor({ timeout: 20_000 })
}

it('«Прекратить ожидание» pressed in the other tab stops the payment the first tab is driving', async () => {
  const { context, page: a } = await newPage(browser)
  await a.goto(baseURL())
  await slowPaymePayment(a)
  const b = await context.newPage()
  await b.goto(baseURL())
  // The till is waiting on that payment: the second tab shows it, with the stop.
  await b.locator('[data-testid=result][data-state=resolving]').waitFor({ timeout: 20_000 })
  await b.getByRole('button', { name: 'Прекратить ожидание' }).click()
  // The driving tab's worker stops polling at once and queues the receipt's cancel (docs/protocols/payme.md rule 1.3.9).
  await a.locator('[data-testid=result][data-state=compensating]').waitFor({ timeout: 10_000 })
  await b.locator('[data-testid=result][data-state=compensating]').waitFor({ timeout: 10_000 })
  expect(await a.getByTestId('result').textContent()).toContain('Результат оплаты неизвестен')
  await a.reload()
  await a.getByRole('link', { name: 'Журнал' }).click()
  await a.locator('.row[data-kind=pay] [data-state=compensating], .row[data-kind=pay] [data-state=compensated]').first().waitFor({ timeout: 20_000 })
  await context.close()
})

it('each tab shows its own sale: a payment approved in the second tab is not shown or printed in the first', async () => {
  const { context, page: a } = await newPage(browser)
  await a.goto(baseURL())
  const b = await context.newPage()
  await b.addInitScript(() => {
    ;(window as unknown as { __printed: number }).__printed = 0
    window.print = () => {
      ;(window as unknown as { __printed: number }).__printed++
    }
  })
  await b.goto(baseURL())
  await b.getByTestId('amount').waitFor()
  await slowPaymePayment(a)
  // The second tab takes a ClickPass payment meanwhile.
  await b.getByRole('button', { name: /ClickPass/ }).click()
  await b.getByTestId('amount').fill('1500')
  await b.getByTestId('code').click()
  await scan(b, await mint())
  await b.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await expect.poll(() => printed(b)).toBe(1)
  // The first tab still shows its own PaymeGO payment, and stopping it there works.
  await a.getByRole('button', { name: 'Прекратить ожидание' }).click()
  await a.locator('[data-testid=result][data-state=compensating]').waitFor({ timeout: 10_000 })
  expect(await printed(a)).toBe(0)
  await context.close()
})

it('the till asks the browser to keep its storage persistent', async () => {
  const { context, page } = await newPage(browser)
  await page.addInitScript(() => {
    const w = window as unknown as { __persistAsked: number }
    w.__persistAsked = 0
    const real = navigator.storage.persist.bind(navigator.storage)
    navigator.storage.persist = () => (w.__persistAsked++, real())
  })
  await page.goto(baseURL())
  await page.getByTestId('amount').waitFor()
  await expect.poll(() => page.evaluate(() => (window as unknown as { __persistAsked: number }).__persistAsked)).toBeGreaterThanOrEqual(1)
  expect(typeof (await page.evaluate(() => navigator.storage.persisted()))).toBe('boolean')
  await context.close()
})
