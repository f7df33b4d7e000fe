// Inpas through the UI: a pin-pad answering with another terminal ID stops the type until fixed
// (the till says why), the admin reads the stored notice in Settings after a reload, and fixing it lifts it.
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
const notice = (page: Page) => page.getByTestId('settings-notice')

async function openInpas(page: Page) {
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('button', { name: /^№ \d+ · Inpas/ }).click()
  await page.getByTestId('pt-form').waitFor()
}

it('another terminal ID stops Inpas payments until fixed; Settings keeps the notice; fixing the ID lifts the stop', async () => {
  const { context, page } = await newPage(browser)
  await openInpas(page)
  const id = field(page, 'id')
  await expect.poll(() => id.inputValue()).not.toBe('')
  const real = await id.inputValue()
  // The settings name another terminal than the one connected.
  await id.fill('ABCD1234')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent()).toContain(`Подключён пин-пад с ID терминала ${real}, а в настройках указан ABCD1234`)

  // The stored notice is there for the admin after a reload.
  await page.reload()
  await page.getByRole('button', { name: /^№ \d+ · Inpas/ }).click()
  const stored = page.getByTestId('provider-notice')
  await expect.poll(() => stored.textContent()).toBe(`Подключён пин-пад с ID терминала ${real}, а в настройках указан ABCD1234`)
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => stored.textContent()).toBe(`The connected pin-pad has terminal ID ${real}, the settings say ABCD1234`)
  await page.selectOption('[data-testid=lang]', 'ru')

  // The till does not take a payment on it, and says why.
  await page.getByRole('link', { name: 'Касса' }).click()
  const tile = page.getByRole('button', { name: /Inpas/ })
  await expect.poll(() => tile.textContent()).toContain('операции остановлены')
  expect(await tile.isDisabled()).toBe(true)

  // Fixed: the settings name the connected terminal again.
  await openInpas(page)
  await field(page, 'id').fill(real)
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent()).toContain(`ID терминала ${real}`)
  await expect.poll(() => page.getByTestId('provider-notice').count()).toBe(0)
  await page.getByRole('link', { name: 'Касса' }).click()
  await expect.poll(() => page.getByRole('button', { name: /Inpas/ }).isDisabled()).toBe(false)
  await context.close()
})

it('sbpExtraFields can be set, is kept after a reload, and a malformed value is refused with why (ru, uz)', async () => {
  const { context, page } = await newPage(browser)
  await openInpas(page)
  const extra = field(page, 'sbpExtraFields')
  await extra.fill('210=ABC;211=7')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.reload()
  await page.getByRole('button', { name: /^№ \d+ · Inpas/ }).click()
  await expect.poll(() => field(page, 'sbpExtraFields').inputValue()).toBe('210=ABC;211=7')
  await field(page, 'sbpExtraFields').fill('27=X')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  const errors = page.getByTestId('settings-errors')
  await expect.poll(() => errors.textContent()).toContain('sbpExtraFields — поля tag=value через «;»')
  await page.selectOption('[data-testid=lang]', 'uz')
  await expect.poll(() => errors.textContent()).toContain('sbpExtraFields — «;» bilan ajratilgan tag=value maydonlari')
  await page.reload()
  await page.getByRole('button', { name: /^№ \d+ · Inpas/ }).click()
  await expect.poll(() => field(page, 'sbpExtraFields').inputValue()).toBe('210=ABC;211=7')
  await context.close()
})

it('the demo pin-pad says it forgets its operations when the till’s tab reloads: on its page and in Settings (ru, en)', async () => {
  const { context, page } = await newPage(browser)
  await openInpas(page)
  await expect.poll(() => page.getByTestId('pinpad-row').textContent()).toContain('после перезагрузки забывает прежние операции')
  const pad = await context.newPage()
  await pad.goto(`${baseURL()}/#/pinpad`)
  await expect
    .poll(() => pad.getByTestId('pinpad-forgets').textContent())
    .toBe(
      'Демо-пин-пад живёт во вкладке кассы: после её перезагрузки он забывает прежние операции — их возврат не пройдёт, а Z-отчёт покажет расхождения. Настоящий пин-пад помнит их сам',
    )
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => page.getByTestId('pinpad-row').textContent()).toContain('after a reload it forgets earlier operations')
  await pad.reload()
  await expect.poll(() => pad.getByTestId('pinpad-forgets').textContent()).toContain('The demo pin-pad lives in the till')
  await context.close()
})
