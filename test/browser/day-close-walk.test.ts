// A second Z on the same day reconciles O!plati's own period (its shift is the Minsk day)
// against the operations of that period, so a till shift with no O!plati sale shows no false mismatch.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, launch, mint, newPage, resetSandbox, scan } from './support.ts'
import { answerConfirm } from './confirm-support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

async function closeShift(page: Page, n: number) {
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
  await page.getByRole('button', { name: 'Закрыть смену', exact: true }).click()
  await answerConfirm(page, 'Закрыть смену')
  await expect.poll(() => page.getByTestId('shift-message').textContent()).toBe(`Смена № ${n} закрыта`)
  return (await page.getByTestId('report').locator('details.provider', { hasText: 'O!плати' }).textContent())!.replace(/\s/g, ' ')
}

it('the second Z of the day: O!plati’s day matches its operations, no «Только в O!плати»', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  // An O!plati sale (the demo customer confirms by itself), then the first Z.
  await page.getByRole('button', { name: /O!плати/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('17,05')
  await page.getByRole('button', { name: 'Оплатить' }).click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await closeShift(page, 1)).toContain('расхождений: 0')

  // The second shift: a ClickPass sale only, then the second Z the same day.
  await page.getByRole('link', { name: 'Касса' }).click()
  await page.getByTestId('type-clickpass-1').click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  const second = await closeShift(page, 2)
  expect(second).toContain('расхождений: 0')
  expect(second).not.toContain('Только в O!плати')
  await context.close()
})
