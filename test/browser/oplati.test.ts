// O!plati mode 2 through the UI: the till shows the dynamic QR with the seed's text F, and the
// customer's phone page scans it and confirms; the till ends approved (docs/protocols/oplati.md § 5 sc. 15).
import { beforeEach, expect, it } from 'vitest'
import { baseURL, control, newPage, resetSandbox, useBrowser } from './support.ts'

const browser = useBrowser()
beforeEach(async () => {
  await resetSandbox()
  // The demo customer acts by itself; here the phone page does it.
  await control('oplati/_control/config', { autoCustomer: false }, 'PUT')
})

it('shows the dynamic QR on the till and the customer display, and completes the payment from the customer page', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('type-oplati-1').click()
  await expect.poll(() => page.getByTestId('code').count()).toBe(0)
  await page.getByTestId('amount').fill('17,05')
  await page.getByTestId('pay').click()
  const qr = page.locator('[data-testid=qr] svg')
  await qr.waitFor({ timeout: 20_000 })
  await expect.poll(() => page.getByTestId('result-message').textContent()).toBe('Отсканируйте QR-код для оплаты')
  const payload = await page.getByTestId('qr').getAttribute('data-payload')
  expect(payload).toMatch(/^o-plati:\/\/o-webpay\/dyn\//)
  // The customer-facing screen (self-checkout, second monitor) shows the same QR.
  const display = await context.newPage()
  await display.goto(`${baseURL()}/#/display`)
  await display.locator('[data-testid=customer-display] [data-testid=qr] svg').waitFor({ timeout: 20_000 })
  expect(await display.getByTestId('qr').getAttribute('data-payload')).toBe(payload)

  const phone = await context.newPage()
  await phone.goto(`${baseURL()}/sandbox/phone`)
  await phone.selectOption('#provider', 'oplati')
  const item = phone.locator('#actItems li', { hasText: payload! })
  await item.getByRole('button', { name: /Сканировать/ }).click()
  const confirm = phone.locator('#actItems li', { hasText: '17.05 BYN' }).getByRole('button', { name: /Подтвердить/ })
  await confirm.waitFor({ timeout: 20_000 })
  await confirm.click()

  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await display.locator('[data-testid=customer-display][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await page.locator('[data-testid=qr]').count()).toBe(0)
  const routes = ((await control('oplati/_control/calls')) as { route: string }[]).map((c) => c.route)
  expect(routes.filter((r) => r === 'payments')).toHaveLength(1)
  expect(routes).toContain('demandPayment')
  await context.close()
})
