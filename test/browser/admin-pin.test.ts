// Settings behind the admin PIN: set it from Settings, and after a reload the page asks for it;
// a wrong PIN keeps it shut, the right one opens it.
import { expect, it } from 'vitest'
import { baseURL, newPage, useBrowser } from './support.ts'

const browser = useBrowser()

it('asks for the admin PIN once set, refuses a wrong one and opens with the right one', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pin-manage').waitFor()
  await page.getByTestId('pin-next').fill('482913')
  await page.getByTestId('pin-save').click()
  await expect.poll(() => page.getByTestId('pin-note').textContent()).toBe('PIN сохранён')

  await page.reload()
  await page.getByTestId('pin-gate').waitFor()
  expect(await page.getByTestId('pt-form').count()).toBe(0)
  await page.getByTestId('pin-input').fill('000000')
  await page.getByTestId('pin-submit').click()
  await expect.poll(() => page.getByTestId('pin-note').textContent()).toBe('Неверный PIN')
  await page.getByTestId('pin-input').fill('482913')
  await page.getByTestId('pin-submit').click()
  await page.getByTestId('pt-form').waitFor()
  // The cashier's screen never asks.
  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('amount').waitFor()
  await context.close()
})
