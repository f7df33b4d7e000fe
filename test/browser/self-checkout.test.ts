// Self-checkout (`#/self`) at a 1080×1920 portrait touch screen: a customer pays alone
// with ClickPass (the scanner), O!plati mode 2 (the merchant QR) and SBP (the in-page pin-pad
// emulator); the screen goes back to attract when idle but never away from a payment in
// progress; «Позвать сотрудника» reaches the cashier's till; leaving needs the staff PIN.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { baseURL, clickCalls, control, launch, mint, resetSandbox, scan } from './support.ts'
import { closeHosts, hostOpens, setAdminPin } from './host-support.ts'

let browser: Browser
const SHOTS = process.env.PAYDESK_SHOTS
beforeAll(async () => {
  browser = await launch()
  if (SHOTS) mkdirSync(SHOTS, { recursive: true })
})
afterAll(async () => {
  await browser?.close()
  closeHosts()
})
beforeEach(async () => {
  await resetSandbox()
})

async function kiosk(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  await context.addInitScript(() => {
    ;(window as unknown as { __printed: number }).__printed = 0
    window.print = () => {
      ;(window as unknown as { __printed: number }).__printed++
    }
  })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('page error:', e.message))
  return { context, page }
}

/** the self-checkout starts behind an admin PIN, and its sale comes from a host that confirms it by message. */
async function kioskSale(order: string, amount: string, idle?: number): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page: first } = await kiosk()
  await setAdminPin(context, '482913')
  const { page } = await hostOpens(context, 'self', order, amount, { adminPin: '482913', ...(idle ? { idle } : {}) })
  await first.close()
  page.on('pageerror', (e) => console.error('page error:', e.message))
  return { context, page }
}

const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png` })
}
const screen = (page: Page) => page.getByTestId('self').getAttribute('data-screen')

it('a customer pays alone with ClickPass at the scanner, in their language, and the slip prints', async () => {
  const { context, page } = await kioskSale('S-1', '150000')
  await expect.poll(async () => (await page.getByTestId('self-amount').textContent())?.replace(/\s/g, ' ')).toBe('1 500 сум')
  await shot(page, 'self-choose')
  if (SHOTS) {
    await page.getByRole('button', { name: 'Oʻzbekcha' }).tap()
    await page.setViewportSize({ width: 1920, height: 1080 })
    await shot(page, 'self-choose-landscape-uz')
    await page.setViewportSize({ width: 1080, height: 1920 })
  }
  await page.getByRole('button', { name: 'English' }).tap()
  await expect.poll(() => page.getByRole('heading').first().textContent()).toBe('Choose how to pay')
  await page.getByRole('button', { name: 'Русский' }).tap()
  await page.getByRole('button', { name: 'Click', exact: true }).tap()
  await expect.poll(() => page.getByTestId('self-instruction').textContent()).toBe('Покажите QR-код из приложения Click сканеру')
  await shot(page, 'self-scan')
  // The scanner types into the screen's focused field, whatever the customer touched before.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('self-wedge')
  await scan(page, await mint())
  await page.locator('[data-testid=self-result][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await page.getByTestId('self-result').textContent()).toContain('Возьмите чек')
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
  await shot(page, 'self-approved')
  await page.getByRole('button', { name: 'Готово' }).tap()
  await expect.poll(() => screen(page)).toBe('attract')
  expect(await page.getByTestId('attract').textContent()).toContain('Добро пожаловать!')
  await shot(page, 'self-attract')
  expect((await clickCalls()).filter((c) => c.route === 'payment')).toHaveLength(1)
  await context.close()
})

it('O!plati mode 2: a large QR with a countdown; idle does not leave the payment; afterwards idle goes back to attract', async () => {
  await control('oplati/_control/config', { autoCustomer: false }, 'PUT')
  const { context, page } = await kioskSale('S-2', '1705', 5)
  await page.getByRole('button', { name: 'O!плати', exact: true }).tap()
  const qr = page.locator('[data-testid=qr] svg')
  await qr.waitFor({ timeout: 20_000 })
  expect(await page.getByTestId('self-instruction').textContent()).toBe('Отсканируйте QR-код в приложении O!плати')
  expect((await page.getByTestId('qr').boundingBox())!.width).toBeGreaterThanOrEqual(500)
  const left = async () => Number((await page.getByTestId('self-countdown').textContent())!.replace(/\D/g, ''))
  const first = await left()
  await shot(page, 'self-qr')
  // Longer than the idle time with nobody touching: the QR stays.
  await expect.poll(left, { timeout: 20_000 }).toBeLessThan(first - 6)
  expect(await screen(page)).toBe('progress')
  const payload = await page.getByTestId('qr').getAttribute('data-payload')
  const phone = await context.newPage()
  await phone.goto(`${baseURL()}/sandbox/phone`)
  await phone.selectOption('#provider', 'oplati')
  await phone
    .locator('#actItems li', { hasText: payload! })
    .getByRole('button', { name: /Сканировать/ })
    .click()
  const confirm = phone.locator('#actItems li', { hasText: '17.05 BYN' }).getByRole('button', { name: /Подтвердить/ })
  await confirm.waitFor({ timeout: 20_000 })
  await confirm.click()
  // Any result first, then which: a failure names the state the payment ended in (it once timed out under load
  // with no word of what the till showed instead).
  const result = page.getByTestId('self-result')
  await result.waitFor({ timeout: 30_000 })
  expect(await result.getAttribute('data-state'), (await result.textContent()) ?? '').toBe('approved')
  // The result stays up although the last touch is older than the idle time.
  const shownAt = Date.now()
  // Nobody touches the screen after the result: back to attract by itself.
  await expect.poll(() => screen(page), { timeout: 20_000 }).toBe('attract')
  expect(Date.now() - shownAt).toBeGreaterThanOrEqual(4_000)
  await context.close()
})

it('SBP: the customer is sent to the QR on the pin-pad screen and the payment ends approved', async () => {
  const { context, page } = await kioskSale('S-3', '12345')
  await page.getByRole('button', { name: 'Inpas SmartSale', exact: true }).tap()
  await expect.poll(() => page.getByTestId('self-instruction').textContent(), { timeout: 20_000 }).toBe('QR-код на экране пин-пада')
  await shot(page, 'self-sbp')
  await page.locator('[data-testid=self-result][data-state=approved]').waitFor({ timeout: 30_000 })
  await context.close()
})

it('«Позвать сотрудника» shows on the cashier’s till, and leaving the self-checkout needs the PIN', async () => {
  const { context, page } = await kiosk()
  const till = await context.newPage()
  await till.goto(`${baseURL()}/#/settings`)
  await till.getByTestId('pin-next').fill('482913')
  await till.getByTestId('pin-save').click()
  await expect.poll(() => till.getByTestId('pin-note').textContent()).toBe('PIN сохранён')
  await till.goto(`${baseURL()}/#/sale`)
  await till.getByTestId('amount').waitFor()

  await page.goto(`${baseURL()}/#/self?idle=60`)
  await page.getByTestId('attract').tap()
  await expect.poll(() => screen(page)).toBe('waiting')
  await page.getByRole('button', { name: /Позвать сотрудника/ }).tap()
  await expect.poll(() => page.getByTestId('staff-note').textContent()).toBe('Сотрудник скоро подойдёт')
  await expect.poll(() => till.getByTestId('staff-call').textContent()).toContain('Покупатель на кассе самообслуживания зовёт сотрудника')
  await till.getByRole('button', { name: 'Иду' }).click()
  await expect.poll(() => till.getByTestId('staff-call').count()).toBe(0)

  // No way out by address: the journal stays the self-checkout.
  await page.goto(`${baseURL()}/#/journal`)
  await expect.poll(() => screen(page)).not.toBeNull()
  expect(await page.locator('[data-nav=journal]').count()).toBe(0)
  await page.reload()
  await expect.poll(() => screen(page)).toBe('attract')

  await page.getByRole('button', { name: 'Выход для сотрудника' }).tap()
  await page.getByLabel('Введите PIN сотрудника, чтобы выйти из самообслуживания').fill('000000')
  await page.getByRole('button', { name: 'Выйти' }).tap()
  await expect.poll(() => page.getByTestId('self-pin-note').textContent()).toBe('Неверный PIN')
  await shot(page, 'self-exit')
  await page.getByLabel('Введите PIN сотрудника, чтобы выйти из самообслуживания').fill('482913')
  await page.getByRole('button', { name: 'Выйти' }).tap()
  await page.getByTestId('amount').waitFor()
  expect(await page.getByTestId('self').count()).toBe(0)
  await context.close()
})
