// The customer display (`#/display`, a 1080×1920 screen turned to the customer): before
// the scan it shows the amount and what to do in customer words, and after a decline the next step.
import { expect, it } from 'vitest'
import { baseURL, control, mint, newPage, scan, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

it('tells the customer what to do before the scan, and what to do next after a decline', async () => {
  const { context, page } = await newPage(browser)
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.goto(baseURL())
  const display = await context.newPage()
  await display.setViewportSize({ width: 1080, height: 1920 })
  await display.goto(`${baseURL()}/#/display`)
  await expect.poll(() => display.getByTestId('customer-display').textContent()).toContain('Добро пожаловать')

  await page.getByTestId('type-clickpass-1').click()
  await page.getByTestId('amount').fill('1500')
  await expect.poll(async () => (await display.getByTestId('display-amount').textContent())?.replace(/\s/g, ' ')).toBe('1 500 сум')
  expect(await display.getByTestId('display-before').textContent()).toBe('Откройте приложение ClickPass и покажите QR-код кассиру')
  if (process.env.PAYDESK_SHOTS) await display.screenshot({ path: `${process.env.PAYDESK_SHOTS}/display-before.png` })

  // The customer's bank declines: the display says what to do next.
  await control('clickpass/_control/faults', { route: 'payment', fault: 'decline', times: 1 })
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 20_000 })
  await display.locator('[data-testid=customer-display][data-state=declined]').waitFor({ timeout: 20_000 })
  expect(await display.getByTestId('display-next').textContent()).toBe('Попробуйте ещё раз или выберите другой способ оплаты')

  // A pin-pad type before the scan: the customer is sent to the pin-pad.
  await page.getByTestId('new-sale').click()
  await page.getByTestId('type-inpas-sbp-1').click()
  await page.getByTestId('amount').fill('10')
  await expect.poll(() => display.getByTestId('display-before').textContent()).toBe('Откройте приложение банка — QR-код появится на экране пин-пада')
  await context.close()
})
