// A host's sale is in one currency, and only payment types of that currency are offered
// for it: 15 000 сум is never paid as 15 000 BYN with O!plati (the self-checkout and the till).
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseURL, launch, newPage, resetSandbox } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

async function kiosk(hash: string) {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  const page = await context.newPage()
  await page.goto(`${baseURL()}/${hash}`)
  return { context, page }
}

it('the self-checkout offers only types of the host’s currency, and says the amount in it', async () => {
  const uzs = await kiosk('#/self?amount=1500000&order=CUR-1&currency=UZS')
  await expect.poll(async () => (await uzs.page.getByTestId('self-amount').textContent())?.replace(/\s/g, ' ')).toBe('15 000 сум')
  await uzs.page.getByRole('button', { name: 'ClickPass', exact: true }).waitFor()
  expect(await uzs.page.getByRole('button', { name: 'O!плати', exact: true }).count()).toBe(0)
  await uzs.context.close()

  const byn = await kiosk('#/self?amount=1705&order=CUR-2&currency=BYN')
  await byn.page.getByRole('button', { name: 'O!плати', exact: true }).waitFor()
  expect(await byn.page.getByRole('button', { name: 'ClickPass', exact: true }).count()).toBe(0)
  await byn.page.getByRole('button', { name: 'English' }).tap()
  await expect.poll(() => byn.page.getByRole('heading').first().textContent()).toBe('Choose how to pay')
  expect(await byn.page.getByTestId('self-amount').textContent()).not.toContain('сум')
  await byn.context.close()
})

it('the till does not offer a type of another currency for the host’s sale, and says why', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/pay?amount=1500000&order=CUR-3&currency=UZS`)
  const oplati = page.getByRole('button', { name: /O!плати/ })
  await expect.poll(() => oplati.textContent()).toContain('другая валюта (BYN)')
  expect(await oplati.isDisabled()).toBe(true)
  expect(await page.getByRole('button', { name: /ClickPass/ }).isDisabled()).toBe(false)
  await page.selectOption('[data-testid=lang]', 'uz')
  await expect.poll(() => oplati.textContent()).toContain('boshqa valyuta (BYN)')
  await context.close()
})
