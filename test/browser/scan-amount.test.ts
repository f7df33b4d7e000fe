// A scan while the cursor is in «Сумма» never changes the amount: the wedge's
// first keys land in the field before the burst is recognised; the field and the sale's amount
// must both get the typed amount back, and the provider is asked for exactly that amount.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, control, launch, mint, newPage, resetSandbox } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

type Call = { route: string; body: { amount?: unknown } }
const paymentAmounts = async () =>
  ((await control('clickpass/_control/calls')) as Call[]).filter((c) => c.route === 'payment').map((c) => String(c.body.amount))

async function typeAmountThenScan(page: Page, label: RegExp, wedge: (code: string) => Promise<void>) {
  await page.goto(baseURL())
  const amount = page.getByRole('textbox', { name: label })
  await amount.click()
  await page.keyboard.type('3000', { delay: 60 })
  await expect.poll(() => amount.inputValue()).toBe('3000')
  const code = await mint()
  // The cashier picks up the scanner (a person's pause is the input here, not a wait for something);
  // the cursor stays in «Сумма», so the scanner types there.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 400)))
  await wedge(code)
  const approved = page.locator('[data-testid=result][data-state=approved]')
  await approved.or(page.getByRole('alert')).waitFor({ timeout: 20_000 })
  expect(await amount.inputValue()).toBe('3000')
  if (!(await approved.isVisible())) {
    // A loaded machine stretched the wedge's keys into a stall: the scan was refused whole and sent
    // nothing. The sale still holds the typed amount: the code typed by hand pays exactly that.
    expect(await paymentAmounts()).toEqual([])
    await page.getByTestId('code').fill(code)
    await page.getByTestId('pay').click()
    await approved.waitFor({ timeout: 20_000 })
  }
  expect(await amount.inputValue()).toBe('3000')
  expect(await paymentAmounts()).toEqual(['3000'])
}

it('a 0 ms keyboard wedge typing into «Сумма» charges the typed amount', async () => {
  const { context, page } = await newPage(browser)
  await typeAmountThenScan(page, /Сумма/, async (code) => {
    await page.keyboard.type(code, { delay: 0 })
    await page.keyboard.press('Enter')
  })
  await expect.poll(() => page.getByTestId('result').textContent()).toMatch(/3\s000/)
  await context.close()
})

it('a slow wedge (keys 20 ms apart, each one rendered) typing into «Amount» charges the typed amount', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.selectOption('[data-testid=lang]', 'en')
  await typeAmountThenScan(page, /Amount/, async (code) => {
    await page.keyboard.type(code, { delay: 20 })
    await page.keyboard.press('Enter')
  })
  await context.close()
})

it('a wedge that stalls after its first key (a loaded machine) still leaves the amount as typed', async () => {
  const { context, page } = await newPage(browser)
  await typeAmountThenScan(page, /Сумма/, async (code) => {
    // The stall is the input (a busy USB hub), not a wait for something.
    await page.keyboard.type(code.slice(0, 1))
    await page.evaluate(() => new Promise((r) => setTimeout(r, 80)))
    await page.keyboard.type(code.slice(1), { delay: 0 })
    await page.keyboard.press('Enter')
  })
  await context.close()
})
