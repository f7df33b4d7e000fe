// The sandbox pin-pad's screen and controls (`#/pinpad`, docs/protocols/inpas-sbp.md § 5.3) beside the till: the page
// talks to the emulator inside the till's payment worker over the BroadcastChannel `paydesk-pinpad`. With the
// customer script set to ignore, the SBP QR stays on the pin-pad page until the tester presses «Оплатить» there.
import { expect, it } from 'vitest'
import { baseURL, newPage, useBrowser } from './support.ts'

const browser = useBrowser()

it('#/pinpad shows the SBP QR of the till’s payment; its «Оплатить» approves the payment', async () => {
  const { context, page: till } = await newPage(browser)
  await till.goto(baseURL())
  await till.getByTestId('type-inpas-sbp-1').click()
  expect(await till.getByTestId('pay-sbp').textContent()).toBe('Оплата QR СБП')

  const pinpad = await context.newPage()
  await pinpad.goto(`${baseURL()}/#/pinpad`)
  await pinpad.locator('[data-testid=pinpad-screen][data-kind=idle]').waitFor({ timeout: 20_000 })
  expect(await pinpad.locator('h1').textContent()).toBe('Пин-пад (эмулятор)')

  // The scripted customer does nothing: the tester acts on the pin-pad page.
  await pinpad.getByTestId('script-choice').selectOption('qr')
  await pinpad.getByTestId('script-outcome').selectOption('ignore')
  await pinpad.getByTestId('script-apply').click()
  await pinpad.locator('[data-testid=pinpad-screen][data-outcome=ignore]').waitFor({ timeout: 10_000 })

  await till.getByTestId('amount').fill('123,45')
  await till.getByTestId('pay-sbp').click()

  await pinpad.locator('[data-testid=pinpad-screen][data-kind=qr]').waitFor({ timeout: 20_000 })
  await pinpad.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  const link = await pinpad.getByTestId('qr').getAttribute('data-payload')
  expect(link).toMatch(/^https:\/\/qr\.nspk\.ru\/AD\w*TEST\w*\?type=02&bank=\d{12}&sum=12345&cur=RUB&crc=[0-9A-F]{4}$/)
  expect(await pinpad.getByTestId('pinpad-amount').textContent()).toMatch(/123,45/)
  // The till mirrors the same link while it waits.
  await till.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  expect(await till.getByTestId('qr').getAttribute('data-payload')).toBe(link)

  // The demo customer would have paid 3 s after the QR appeared; with the script on ignore the till still waits once
  // its own countdown has moved on by more than that (a condition the cashier sees, not a fixed sleep).
  const secondsLeft = async () => Number(/\d+/.exec((await till.getByTestId('countdown').textContent()) ?? '')?.[0])
  const shown = await secondsLeft()
  await expect.poll(secondsLeft, { timeout: 20_000 }).toBeLessThanOrEqual(shown - 5)
  expect(await till.locator('[data-testid=result][data-state=approved]').count()).toBe(0)

  await pinpad.getByTestId('pinpad-pay').click()
  await till.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await till.getByTestId('result-message').textContent()).toBe('Одобрено')
  await pinpad.locator('[data-testid=pinpad-screen][data-kind=result]').waitFor({ timeout: 10_000 })
  expect(await pinpad.getByTestId('pinpad-result').textContent()).toBe('ОДОБРЕНО')
  await context.close()
})
