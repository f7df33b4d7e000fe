// The cashier's screen and the self-checkout, as the people at them meet the sale flow: an amount above the
// provider's maximum is refused before anything is sent, the kiosk's tiles name the app the customer knows, an idle
// kiosk is put back as it was, the till's currency limits a host's sale without one, a staff text the customer was
// spared reaches the till's log, and the status bar stays in view while a QR shows at 1366×768.
import { expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import type { BrowserContext, Page } from 'playwright-core'
import { baseURL, clickCalls, control, mint, newPage, scan, useBrowser } from './support.ts'
import { closeHosts, hostOpens, setAdminPin } from './host-support.ts'
import { afterAll } from 'vitest'

const browser = useBrowser({ resetSandbox: true })
afterAll(() => closeHosts())
const SHOTS = process.env.PAYDESK_SHOTS
if (SHOTS) mkdirSync(SHOTS, { recursive: true })
const PIN = '482913'

async function kioskContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  await context.addInitScript(() => {
    window.print = () => undefined
  })
  await setAdminPin(context, PIN)
  return context
}

async function settings(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pin-input').fill(PIN)
  await page.getByTestId('pin-submit').click()
  return page
}

it('an amount above the provider’s maximum is refused on the till with a message in Russian and English, and never sent', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('99 999 999 999')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  const said = page.getByTestId('amount-error')
  await expect.poll(() => said.textContent()).toBe('Сумма больше допустимой для «ClickPass»: не более 100 000 000')
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => said.textContent()).toBe('The amount is above the maximum for “ClickPass”: at most 100 000 000')
  expect(await page.getByTestId('result').count()).toBe(0)
  expect((await clickCalls()).filter((c) => c.route === 'payment')).toHaveLength(0)
  // The code was never sent: the cashier corrects the amount and pays with it.
  await page.selectOption('[data-testid=lang]', 'ru')
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1 500')
  await page.getByRole('button', { name: 'Оплатить' }).click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await said.count()).toBe(0)
  await context.close()
})

it('the kiosk’s tile names the app (Click); a host amount above its maximum gives the customer a customer sentence, and staff the admin text on the till and in the log', async () => {
  const context = await kioskContext()
  const till = await context.newPage()
  await till.goto(`${baseURL()}/#/sale`)
  await till.getByTestId('amount').waitFor()
  // Staff's tabs are open before the kiosk locks the profile (a tab opened after it is the kiosk too).
  const admin = await settings(context)
  await admin.getByTestId('log').waitFor()
  const { page } = await hostOpens(context, 'self', 'MAX-1', '9999999999900', { adminPin: PIN })
  const tile = page.getByRole('button', { name: 'Click', exact: true })
  await tile.waitFor()
  expect(await page.getByRole('button', { name: 'ClickPass', exact: true }).count()).toBe(0)
  await page.getByRole('button', { name: 'English' }).tap()
  await tile.tap()
  const said = page.getByRole('alert')
  await expect.poll(() => said.textContent()).toBe('This way to pay is not working now. Choose another one — staff already know and are coming')
  expect(await page.getByTestId('staff-note').textContent()).toBe('A member of staff is on the way')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/self-above-max-1080x1920.png` })
  // The customer never reads the admin's words; the till does.
  expect(await page.textContent('body')).not.toContain('maximum')
  await expect.poll(() => till.getByTestId('staff-reason').textContent()).toBe('Причина: Сумма больше допустимой для «ClickPass»: не более 100 000 000')
  expect((await clickCalls()).filter((c) => c.route === 'payment')).toHaveLength(0)
  const noted = admin.getByTestId('log').locator('.logline', { hasText: 'a customer read a customer sentence' })
  // In the words the customer's screen had then (English), with the message's key for any language.
  await expect.poll(() => noted.first().textContent()).toContain('The amount is above the maximum for “ClickPass”: at most 100 000 000')
  expect(await noted.first().textContent()).toContain('sale.aboveMax')
  await context.close()
})

it('an idle self-checkout goes back to its own language and forgets «Сотрудник скоро подойдёт»; a reload keeps Russian', async () => {
  const context = await kioskContext()
  const { page } = await hostOpens(context, 'self', 'IDLE-1', '150000', { adminPin: PIN, idle: 3 })
  await page.getByRole('button', { name: 'Click', exact: true }).waitFor()
  await page.getByRole('button', { name: 'Oʻzbekcha' }).tap()
  await expect.poll(() => page.getByRole('heading').first().textContent()).toBe('Qanday to‘lashni tanlang')
  await page.getByRole('button', { name: 'Xodimni chaqirish' }).tap()
  await expect.poll(() => page.getByTestId('staff-note').textContent()).toBe('Xodim tez orada keladi')
  await page.locator('[data-testid=self][data-screen=attract]').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.getByTestId('attract').textContent(), { timeout: 10_000 }).toContain('Добро пожаловать!')
  expect(await page.getByTestId('staff-note').count()).toBe(0)
  expect(await page.getByRole('button', { name: 'Русский' }).getAttribute('aria-pressed')).toBe('true')
  await page.reload()
  await expect.poll(() => page.getByRole('button', { name: 'Русский' }).getAttribute('aria-pressed')).toBe('true')
  expect(await page.getByTestId('staff-note').count()).toBe(0)
  await context.close()
})

it('the till’s currency, set in Settings and kept after a reload, limits a host’s sale without a currency (the till and the kiosk)', async () => {
  const context = await kioskContext()
  const admin = await settings(context)
  await admin.selectOption('[data-testid=lang]', 'en')
  await admin.getByLabel('Till currency').selectOption('UZS')
  await expect.poll(() => admin.getByTestId('till-currency').getByRole('status').textContent()).toBe('Till currency: UZS')
  await admin.selectOption('[data-testid=lang]', 'ru')
  await expect.poll(() => admin.getByTestId('till-currency').getByRole('status').textContent()).toBe('Валюта кассы: UZS')
  await admin.reload()
  await admin.getByTestId('pin-input').fill(PIN)
  await admin.getByTestId('pin-submit').click()
  await expect.poll(() => admin.getByLabel('Валюта кассы').inputValue()).toBe('UZS')
  await admin.close()

  const { page: till } = await hostOpens(context, 'pay', 'CUR-T1', '1500000', { adminPin: PIN })
  const oplati = till.getByRole('button', { name: /O!плати/ })
  await expect.poll(() => oplati.textContent()).toContain('другая валюта (BYN)')
  expect(await oplati.isDisabled()).toBe(true)
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('15 000')

  const { page } = await hostOpens(context, 'self', 'CUR-T2', '1500000', { adminPin: PIN })
  await page.getByRole('button', { name: 'Click', exact: true }).waitFor()
  expect(await page.getByRole('button', { name: 'O!плати', exact: true }).count()).toBe(0)
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/self-choose-1080x1920.png` })
  await context.close()
})

it('at 1366×768 the status bar stays in view while the till shows a QR', async () => {
  await control('oplati/_control/config', { autoCustomer: false }, 'PUT')
  const { context, page } = await newPage(browser)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(baseURL())
  await page.getByRole('button', { name: /O!плати/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('17,05')
  await page.getByRole('button', { name: 'Оплатить' }).click()
  await page.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  const bar = (await page.getByTestId('status-bar').boundingBox())!
  expect(bar.y).toBeGreaterThanOrEqual(0)
  expect(bar.y + bar.height).toBeLessThanOrEqual(768)
  const qr = (await page.getByTestId('qr').boundingBox())!
  expect(qr.y + qr.height).toBeLessThanOrEqual(bar.y)
  expect((await page.getByTestId('result').textContent())?.replace(/\s/g, ' ')).toContain('17,05 руб.')
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/sale-qr-1366x768.png` })
  await page.getByTestId('stop').click()
  await context.close()
})

it('the customer display spares the customer the provider’s decline text, and the till’s log keeps it', async () => {
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
  expect(await display.getByTestId('customer-display').textContent()).not.toContain(tillText)
  await page.getByRole('link', { name: 'Настройки' }).click()
  const noted = page.getByTestId('log').locator('.logline', { hasText: 'a customer read a customer sentence' })
  await expect.poll(() => noted.first().textContent()).toContain(tillText)
  await context.close()
})
