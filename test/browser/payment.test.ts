// What only a browser does: the UI end to end, IndexedDB across a reload, the service
// worker's offline shell, and two tabs sharing one queue.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseURL, clickCalls, control, launch, mint, newPage, resetSandbox, scan } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

describe('the cashier screen', () => {
  it('takes a ClickPass payment from amount to printed slip, and the journal shows it', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await page.getByTestId('amount').fill('1500,50')
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
    expect(await page.locator('.print-area .print-copy').count()).toBe(1)
    expect((await page.locator('.print-area').textContent())?.replace(/\s/g, ' ')).toContain('1 500,50')
    await page.click('[data-nav=journal]')
    await page.locator('.row[data-kind=pay] [data-state=approved]').waitFor()
    const routes = (await clickCalls()).map((c) => c.route)
    expect(routes).toEqual(['confirmOn', 'payment', 'confirm'])
    await context.close()
  })

  it('says under the scan field what the chosen payment system’s customer shows, in the cashier’s language', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await page.getByTestId('type-clickpass-1').click()
    await expect.poll(() => page.locator('.step .hint').first().textContent()).toBe('Отсканируйте QR-код из приложения Click')
    await page.getByTestId('type-payme-1').click()
    await expect.poll(() => page.locator('.step .hint').first().textContent()).toBe('Отсканируйте QR-код из приложения Payme')
    await page.getByLabel('Язык').selectOption('en')
    await expect.poll(() => page.locator('.step .hint').first().textContent()).toBe('Scan the QR code from the Payme app')
    await context.close()
  })

  it('shows a clear message and sends nothing for a bad amount or a malformed code', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await page.getByTestId('amount').fill('12,345')
    await page.getByTestId('code').fill('880101698207133392')
    await page.getByTestId('pay').click()
    await expect.poll(() => page.getByTestId('amount-error').textContent()).toBe('Не больше двух знаков после запятой')
    await page.getByTestId('amount').fill('1500')
    await page.getByTestId('code').fill('ABC123')
    await page.getByTestId('pay').click()
    await expect.poll(() => page.getByTestId('sale-error').textContent()).toBe('QR-код не распознан')
    await page.selectOption('[data-testid=lang]', 'uz')
    await expect.poll(() => page.getByTestId('sale-error').textContent()).toBe('QR-kod tanilmadi')
    expect(await clickCalls()).toEqual([])
    await context.close()
  })

  it('a reload in the middle of a payment resolves it on start and shows the result, with one payment sent', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await control('clickpass/_control/faults', { route: 'payment', fault: 'slow', delayMs: 2_500 })
    await page.getByTestId('amount').fill('2000')
    await page.getByTestId('code').fill(await mint())
    await page.getByTestId('pay').click()
    await page.locator('[data-testid=result][data-state=sent]').waitFor()
    await page.reload()
    await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
    const calls = await clickCalls()
    expect(calls.filter((c) => c.route === 'payment').length).toBe(1)
    expect(calls.map((c) => c.route)).toContain('statusByMti')
    await context.close()
  })

  it('starts offline from the service worker', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 })
    await context.setOffline(true)
    await page.reload()
    await page.getByTestId('amount').waitFor()
    expect(await page.title()).toBe('Paydesk')
    await expect.poll(() => page.getByTestId('status-bar').textContent()).toContain('Нет сети')
    await context.close()
  })

  it('two tabs never send the same queued cancel twice, and both see it finish', async () => {
    const { context, page: a } = await newPage(browser)
    await a.goto(baseURL())
    await a.getByTestId('amount').fill('3000')
    await a.getByTestId('code').fill(await mint())
    await a.getByTestId('pay').click()
    await a.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
    const b = await context.newPage()
    await b.goto(`${baseURL()}/#/journal`)
    await control('clickpass/_control/faults', { route: 'reversal', fault: 'lostReply' })
    await control('clickpass/_control/faults', { route: 'status', fault: 'reset', times: 0 })
    await a.click('[data-nav=journal]')
    a.once('dialog', (d) => void d.accept())
    await a.getByTestId('cancel').click()
    await a.locator('.row[data-kind=cancel] [data-state=unknown]').waitFor({ timeout: 20_000 })
    await b.locator('.row[data-kind=cancel] [data-state=unknown]').waitFor()
    // Chromium may resend the lost DELETE by itself; what the tabs send starts after this.
    const before = (await clickCalls()).filter((c) => c.route === 'reversal').length
    await control('clickpass/_control/faults', undefined, 'DELETE')
    await context.setOffline(true)
    await context.setOffline(false)
    await a.locator('.row[data-kind=cancel] [data-state=approved]').waitFor({ timeout: 30_000 })
    await b.locator('.row[data-kind=cancel] [data-state=approved]').waitFor()
    const calls = await clickCalls()
    expect(calls.filter((c) => c.route === 'reversal').length).toBe(before)
    expect(calls.filter((c) => c.route === 'reversal' && c.status === 200).length).toBeLessThanOrEqual(1)
    expect(((await control('clickpass/_control/state')) as { payments: { state: string }[] }).payments[0]?.state).toBe('REVERSED')
    await context.close()
  })
})
