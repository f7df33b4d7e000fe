// A host's sale is in one currency, and only payment types of that currency are offered
// for it: 15 000 сум is never paid as 15 000 BYN with O!plati (the self-checkout and the till).
// A sale by URL is only pending until an allowed host confirms it by message, so each sale here
// comes from the sample host on its own origin, whose `paydesk.pay` carries the currency.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseURL, launch, newPage, resetSandbox } from './support.ts'
import { closeHosts, hostOpens, setAdminPin } from './host-support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  closeHosts()
})
beforeEach(async () => {
  await resetSandbox()
})

/** A self-checkout (behind an admin PIN) whose host opens `order` by URL and confirms it in `currency`. */
async function kiosk(order: string, amount: string, currency: string) {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  await setAdminPin(context, '482913')
  const { page } = await hostOpens(context, 'self', order, amount, { adminPin: '482913', currency })
  return { context, page }
}

it('the self-checkout offers only types of the host’s currency, and says the amount in it', async () => {
  const uzs = await kiosk('CUR-1', '1500000', 'UZS')
  await expect.poll(async () => (await uzs.page.getByTestId('self-amount').textContent())?.replace(/\s/g, ' ')).toBe('15 000 сум')
  await uzs.page.getByRole('button', { name: 'Click', exact: true }).waitFor()
  expect(await uzs.page.getByRole('button', { name: 'O!плати', exact: true }).count()).toBe(0)
  await uzs.context.close()

  const byn = await kiosk('CUR-2', '1705', 'BYN')
  await byn.page.getByRole('button', { name: 'O!плати', exact: true }).waitFor()
  expect(await byn.page.getByRole('button', { name: 'Click', exact: true }).count()).toBe(0)
  await byn.page.getByRole('button', { name: 'English' }).tap()
  await expect.poll(() => byn.page.getByRole('heading').first().textContent()).toBe('Choose how to pay')
  expect(await byn.page.getByTestId('self-amount').textContent()).not.toContain('сум')
  await byn.context.close()
})

it('the till does not offer a type of another currency for the host’s sale, and says why', async () => {
  const { context } = await newPage(browser)
  const { page } = await hostOpens(context, 'pay', 'CUR-3', '1500000', { currency: 'UZS' })
  const oplati = page.getByRole('button', { name: /O!плати/ })
  await expect.poll(() => oplati.textContent(), { timeout: 10_000 }).toContain('другая валюта (BYN)')
  expect(await oplati.isDisabled()).toBe(true)
  expect(await page.getByRole('button', { name: /ClickPass/ }).isDisabled()).toBe(false)
  await page.selectOption('[data-testid=lang]', 'uz')
  await expect.poll(() => oplati.textContent(), { timeout: 10_000 }).toContain('boshqa valyuta (BYN)')
  await context.close()
})

it('the till writes the chosen type’s currency after the amount, in the screen’s language', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const label = (text: string) => page.getByText(text, { exact: true })
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await label('сум').waitFor()
  await page.getByRole('button', { name: /O!плати/ }).click()
  await label('руб.').waitFor()
  await page.selectOption('[data-testid=lang]', 'uz')
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await label("so'm").waitFor()
  await page.selectOption('[data-testid=lang]', 'en')
  await label('UZS').waitFor()
  await page.reload()
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await label('UZS').waitFor()
  await context.close()
})
