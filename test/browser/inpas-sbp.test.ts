// SBP via the Inpas pin-pad through the UI (docs/protocols/inpas-sbp.md § 7.15, § 7.24): the demo payment type runs
// the pin-pad emulator inside the payment worker behind the sandbox's fake Web Serial port. The cashier picks
// «Оплата QR СБП»; the pin-pad's SBP link (op 201) is mirrored as a QR on the cashier screen; the demo customer
// pays after about 3 s and the payment ends approved.
import { expect, it } from 'vitest'
import { baseURL, newPage, useBrowser } from './support.ts'

const browser = useBrowser()

it('pays by «Оплата QR СБП» on the sandbox pin-pad: the QR is on the cashier screen, then approved', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('type-inpas-sbp-1').click()
  // A pin-pad type offers the two choices instead of the scan field.
  await expect.poll(() => page.getByTestId('code').count()).toBe(0)
  expect(await page.getByTestId('pay-card').textContent()).toBe('Оплата картой')
  expect(await page.getByTestId('pay-sbp').textContent()).toBe('Оплата QR СБП')
  await page.getByTestId('amount').fill('123,45')
  await page.getByTestId('pay-sbp').click()

  await page.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  const payload = await page.getByTestId('qr').getAttribute('data-payload')
  expect(payload).toMatch(/^https:\/\/qr\.nspk\.ru\/AD\w+\?type=02&bank=\d{12}&sum=12345&cur=RUB&crc=[0-9A-F]{4}$/)
  expect(await page.getByTestId('result-message').textContent()).toBe('Покупатель сканирует QR-код на экране пин-пада')

  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await page.locator('[data-testid=qr]').count()).toBe(0)
  expect(await page.getByTestId('result-message').textContent()).toBe('Одобрено')
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
  await context.close()
})

it('«Проверить статус» in the journal asks the pin-pad about an approved SBP payment and says it matches', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('type-inpas-sbp-1').click()
  await page.getByTestId('amount').fill('77')
  await page.getByTestId('pay-sbp').click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })

  await page.goto(`${baseURL()}/#/journal`)
  const row = page.locator('[role=row][data-kind=pay]').first()
  await row.getByRole('button', { name: 'Проверить статус' }).click()
  await expect.poll(() => page.getByTestId('status-verdict').textContent(), { timeout: 20_000 }).toBe('Совпадает с журналом')
  expect(await page.getByTestId('journal-message').textContent()).toMatch(/^Пин-пад: операция № \d+ одобрена, RRN \d+/)
  await context.close()
})
