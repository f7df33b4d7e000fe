// Sendy through the UI (docs/protocols/sendy.md § 5): activation in Settings with three wrong codes,
// then a fresh code from the personal account; the online QR with the service-choice dialog,
// paid from the customer's phone page; the phone page's Sendy and WeChat codes for offline pay.
import { beforeEach, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { baseURL, control, newPage, resetSandbox, useBrowser } from './support.ts'

const browser = useBrowser()
beforeEach(async () => {
  await resetSandbox()
  // The demo customer pays by itself; here the phone page does it.
  await control('sendy/_control/config', { autoCustomer: false }, 'PUT')
})

const cabinetCode = async () => ((await control('sendy/_control/cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code

async function activateWith(page: Page, code: string) {
  const row = page.getByTestId('action-activate')
  await row.getByLabel('Код активации').fill(code)
  const button = row.getByRole('button', { name: 'Активация' })
  await button.click()
  // The action has ended once its field is cleared and its button enabled again: a notice equal to the last one
  // cannot tell (two void codes in a row say the same), and a code typed while the last action ends is cleared.
  await expect.poll(async () => (await row.getByLabel('Код активации').inputValue()) === '' && (await button.isEnabled())).toBe(true)
}

async function activateInSettings(page: Page) {
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pt-sendy-1').click()
  await activateWith(page, await cabinetCode())
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
}

it('activation: three wrong codes void the code; a new code from the cabinet activates, and it holds after a reload', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/sale`)
  await expect.poll(() => page.getByTestId('type-sendy-1').textContent()).toContain('Терминал не активирован')
  expect(await page.getByTestId('type-sendy-1').isDisabled()).toBe(true)

  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pt-sendy-1').click()
  await expect.poll(() => page.getByTestId('pt-sendy-1').textContent()).toContain('Терминал не активирован')
  await activateWith(page, '11111111')
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Неверный код активации. Осталось попыток: 2')
  await activateWith(page, '22222222')
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Неверный код активации. Осталось попыток: 1')
  await activateWith(page, '33333333')
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Код активации недействителен. Получите новый код в личном кабинете Sendy')
  // the demo's standing code is void now too
  await activateWith(page, '00000000')
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Код активации недействителен. Получите новый код в личном кабинете Sendy')

  await activateWith(page, await cabinetCode())
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
  await page.reload()
  await expect.poll(() => page.getByTestId('pt-sendy-1').textContent()).toContain('Работает')
  // the key is a secret: the page never shows it
  expect(await page.content()).not.toMatch(/sk_\d{24}/)
  // a second activation warns first
  await page.getByTestId('pt-sendy-1').click()
  await activateWith(page, await cabinetCode())
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал, возможно, уже был активирован на этом ПК. Повторить активацию?')
  await context.close()
})

it('online QR: the cashier picks WeChat in the dialog, the phone scans and confirms, the till ends approved', async () => {
  const { context, page } = await newPage(browser)
  await activateInSettings(page)
  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('type-sendy-1').click()
  await page.getByTestId('amount').fill('150')
  await page.getByTestId('pay').click()
  const dialog = page.getByRole('dialog', { name: 'Выберите платежную систему' })
  await dialog.waitFor()
  expect((await dialog.getByRole('button').allTextContents()).slice(0, 2)).toEqual(['Sendy', 'WeChat'])
  await dialog.getByRole('button', { name: 'WeChat' }).click()
  await page.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.getByTestId('result-message').textContent()).toBe('Отсканируйте QR-код в приложении WeChat и подтвердите оплату')
  const payload = await page.getByTestId('qr').getAttribute('data-payload')
  expect(payload).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
  await page.getByTestId('countdown').waitFor()
  // printQr (default on): the same QR went to the printer
  await page.locator('.print-area [data-testid=slip-qr] svg').waitFor({ state: 'attached' })

  const phone = await context.newPage()
  await phone.goto(`${baseURL()}/sandbox/phone`)
  await phone.selectOption('#provider', 'sendy')
  const item = phone.locator('#actItems li', { hasText: payload! })
  await item.getByRole('button', { name: /Сканировать/ }).click()
  const confirm = phone.locator('#actItems li', { hasText: '150.00 ₽' }).getByRole('button', { name: /Подтвердить/ })
  await confirm.waitFor({ timeout: 20_000 })
  await confirm.click()

  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.locator('.preview [data-testid=slip-text]').textContent()).toMatch(/Транзакция №\s+1/)
  await page.reload()
  await page.getByTestId('amount').waitFor()
  await page.goto(`${baseURL()}/#/journal`)
  await expect.poll(() => page.locator('body').textContent()).toContain('150')
  const calls = (await control('sendy/_control/calls')) as { route: string; body?: { system?: string } }[]
  expect(calls.filter((c) => c.route === 'online')).toHaveLength(1)
  expect(calls.find((c) => c.route === 'online')!.body).toMatchObject({ system: 'wechat' })
  await context.close()
})

it('the phone page shows a WeChat or a Sendy code, and the cashier scanning it is paid offline', async () => {
  const { context, page } = await newPage(browser)
  await activateInSettings(page)
  await page.getByTestId('f-mode').selectOption('offline')
  await page.getByTestId('pt-save').click()
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Сохранено')
  const phone = await context.newPage()
  await phone.goto(`${baseURL()}/sandbox/phone`)
  await phone.selectOption('#provider', 'sendy')
  await phone.getByLabel(/Приложение/).selectOption('sendy')
  await phone.getByRole('button', { name: /Показать новый QR/ }).click()
  await expect.poll(async () => (await phone.locator('#digits').textContent())?.replace(/\s/g, '') ?? '').toMatch(/^99\d{16}$/)
  await phone.getByLabel(/Приложение/).selectOption('wechat')
  await phone.getByRole('button', { name: /Показать новый QR/ }).click()
  await expect.poll(async () => (await phone.locator('#digits').textContent())?.replace(/\s/g, '') ?? '').toMatch(/^13\d{16}$/)
  const code = ((await phone.locator('#digits').textContent()) ?? '').replace(/\s/g, '')

  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('type-sendy-1').click()
  await page.getByTestId('amount').fill('12')
  await page.getByTestId('code').fill(code)
  await page.getByTestId('code').press('Enter')
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.locator('.preview [data-testid=slip-text]').textContent()).toContain('WeChat')
  await context.close()
})
