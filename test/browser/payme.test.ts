// A PaymeGO payment through the UI: two slip copies in the print view (seed rule 1.3.5).
import { expect, it } from 'vitest'
import { baseURL, control, newPage, scan, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

it('takes a PaymeGO payment and prints the bank slip twice', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('type-payme-1').click()
  await page.getByTestId('amount').fill('2500')
  await page.getByTestId('code').click()
  const { token } = (await control('payme/_control/wallet/token', {})) as { token: string }
  await scan(page, token)
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
  expect(await page.locator('.print-area .print-copy').count()).toBe(2)
  expect(await page.locator('.print-area').textContent()).toContain('Payme')
  const routes = ((await control('payme/_control/calls')) as { route: string }[]).map((c) => c.route)
  expect(routes).toEqual(['create', 'pay'])
  await context.close()
})
