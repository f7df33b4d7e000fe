// What customers read: the customer display drops the last result at «Новая продажа», and
// the customer display and the self-checkout show customer sentences, never a provider's or an admin's
// text (which goes to the till with the staff call).
// A sale by URL is only pending until an allowed host confirms it by message, and a self-checkout
// starts only behind an admin PIN, so the self-checkout's sale here comes from the sample host.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseURL, control, launch, mint, newPage, resetSandbox, scan } from './support.ts'
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

it('«Новая продажа» clears the last customer’s result from the customer display at once', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const display = await context.newPage()
  await display.goto(`${baseURL()}/#/display`)
  const screen = display.getByTestId('customer-display')
  await expect.poll(() => screen.textContent()).toContain('Добро пожаловать')
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await display.locator('[data-testid=customer-display][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await screen.textContent()).toContain('Оплата прошла. Спасибо!')
  await page.getByRole('button', { name: 'Новая продажа' }).click()
  // Well before the result's 15 s are up.
  await expect.poll(() => screen.getAttribute('data-state'), { timeout: 5_000 }).toBe('idle')
  expect(await screen.textContent()).not.toContain('Оплата прошла')
  await context.close()
})

it('a decline with the provider’s own text: the customer display says the customer sentence, the till keeps the text', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const display = await context.newPage()
  await display.goto(`${baseURL()}/#/display`)
  await control('clickpass/_control/faults', { route: 'payment', fault: 'decline', times: 1 })
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 20_000 })
  const tillText = (await page.getByTestId('result-message').textContent())!
  await display.locator('[data-testid=customer-display][data-state=declined]').waitFor({ timeout: 20_000 })
  const shown = (await display.locator('.done.bad').textContent())!
  expect(shown).toBe('Оплата не прошла')
  expect(tillText).not.toBe(shown)
  await context.close()
})

it('the self-checkout never shows the customer O!plati’s «Токен уже существует»: a customer sentence, and the till gets the text with the staff call (ru, en)', async () => {
  // Another till (another browser profile) took the demo cashbox's token first.
  const other = await newPage(browser)
  await other.page.goto(baseURL())
  await other.page.getByRole('button', { name: /O!плати/ }).click()
  await other.page.getByRole('textbox', { name: /Сумма/ }).fill('1')
  await other.page.getByRole('button', { name: 'Оплатить' }).click()
  await other.page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await other.context.close()

  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  await setAdminPin(context, '482913')
  const till = await context.newPage()
  await till.goto(baseURL())
  const { page: kiosk } = await hostOpens(context, 'self', 'T-1', '1705', { adminPin: '482913', currency: 'BYN' })
  await kiosk.getByRole('button', { name: 'O!плати', exact: true }).tap()
  // The payment ends declined: the customer reads the customer's sentence, and staff are called with the text.
  const result = kiosk.getByTestId('self-result')
  await result.waitFor({ timeout: 20_000 })
  await expect.poll(() => result.textContent()).toContain('Оплата не прошла')
  expect(await result.textContent()).toContain('Попробуйте ещё раз или выберите другой способ оплаты')
  expect(await kiosk.locator('main').textContent()).not.toContain('Токен')
  await expect.poll(() => till.getByTestId('staff-reason').textContent()).toContain('Токен уже существует')
  await kiosk.getByRole('button', { name: 'English' }).tap()
  await expect.poll(() => result.textContent()).toContain('Try again or choose another way to pay')
  expect(await kiosk.locator('main').textContent()).not.toMatch(/[Tt]oken/)
  await context.close()
})
