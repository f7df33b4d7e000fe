// Issue 8: every admin action on the settings page, done the way an admin does it (by label and
// visible text), with its effect checked after a reload.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, launch, newPage, resetSandbox } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

const field = (page: Page, name: string) => page.getByRole('textbox', { name: new RegExp(`^${name}\\b`) })

async function openSettings(page: Page) {
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('heading', { name: 'Настройки', exact: true }).waitFor()
}

it('saves a changed ClickPass timeout: «Сохранено», and 12 after a reload (the DataCloneError of issue 8)', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await page.getByRole('button', { name: /ClickPass/ }).first().click()
  await expect.poll(() => field(page, 'timeout').inputValue()).toBe('10')
  await field(page, 'timeout').fill('12')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Сохранено')
  await page.reload()
  await page.getByRole('button', { name: /ClickPass/ }).first().click()
  await expect.poll(() => field(page, 'timeout').inputValue()).toBe('12')
  await context.close()
})
