// The polish a paying customer notices, as a person meets it: units in the till's language («0 с», «0 soniya»,
// not «0 s»); the camera's refusal as a sentence, not «Error getting userMedia…»; Click's Russian decline text
// replaced by the till's own words on an Uzbek till; the QR field's placeholder whole; the header's links and
// language select at least 44 px high.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, control, launch, mint, newPage, resetSandbox, scan } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})
beforeEach(async () => {
  await resetSandbox()
})

/** The header's language select, by its label (its name also reads the chosen language). */
const langSelect = (page: Page, name: 'Язык' | 'Til' | 'Language') => page.getByRole('combobox', { name: new RegExp(`^${name}`) })
const language = (page: Page, name: 'Язык' | 'Til' | 'Language', locale: 'ru' | 'uz' | 'en') => langSelect(page, name).selectOption(locale)

it('a Click decline reads in the till’s language, and the open shift’s age in its units (ru, uz, after a reload)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await control('clickpass/_control/faults', { route: 'payment', fault: 'decline', times: 1 })
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1500')
  await page.getByPlaceholder('QR-код: сканер или ввод').click()
  await scan(page, await mint())
  const result = page.getByTestId('result-message')
  await page.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 20_000 })
  // In Russian: Click's own words.
  await expect.poll(() => result.textContent()).toBe('Недостаточно средств на карте')
  const bar = page.getByTestId('status-bar')
  await expect.poll(() => bar.textContent()).toMatch(/Смена № \d+, \d+ (с|мин)(?![a-z])/)
  expect(await bar.textContent()).not.toMatch(/\d (s|min|h)\b/)

  await language(page, 'Язык', 'uz')
  await expect.poll(() => result.textContent()).toBe('Rad etildi (kod -9023)')
  await expect.poll(() => bar.textContent()).toMatch(/Smena № \d+, \d+ (soniya|daqiqa)/)
  await page.reload()
  await page.getByRole('link', { name: 'Jurnal', exact: true }).click()
  const row = page.getByRole('row').filter({ hasText: 'Rad etildi (kod -9023)' })
  await row.first().waitFor()
  expect(await page.getByText('Недостаточно средств').count()).toBe(0)
  await context.close()
})

it('a camera the browser refuses is said in words, in Russian and in English', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByRole('button', { name: /ClickPass/ }).click()
  await page.getByRole('button', { name: 'Камера', exact: true }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'камер' })
  await alert.waitFor()
  expect(await alert.textContent()).toMatch(/^(Нет доступа к камере|Камера не найдена|Камера занята|Камера не запустилась)/)
  expect(await page.content()).not.toContain('userMedia')

  await language(page, 'Язык', 'en')
  await page.getByRole('button', { name: 'Camera', exact: true }).click()
  const en = page.getByRole('alert').filter({ hasText: /camera/i })
  await en.waitFor()
  expect(await en.textContent()).toMatch(/^(No access to the camera|No camera found|The camera is in use|The camera did not start)/)
  expect(await page.content()).not.toContain('userMedia')
  await context.close()
})

/** Whether an input's placeholder fits inside it, measured with the placeholder's own font. */
const placeholderFits = (page: Page, placeholder: string) =>
  page.getByPlaceholder(placeholder, { exact: true }).evaluate((el: HTMLInputElement) => {
    const s = getComputedStyle(el)
    const p = getComputedStyle(el, '::placeholder')
    const ctx = document.createElement('canvas').getContext('2d')!
    ctx.font = `${p.fontStyle} ${p.fontWeight} ${p.fontSize} ${p.fontFamily}`
    const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
    return ctx.measureText(el.placeholder).width <= room
  })

it('the QR field’s placeholder is whole and the header’s links and language select are at least 44 px high (ru, uz)', async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' })
  const page = await context.newPage()
  await page.goto(baseURL())
  await page.getByRole('button', { name: /ClickPass/ }).click()
  expect(await placeholderFits(page, 'QR-код: сканер или ввод')).toBe(true)
  const tall = async (name: string, lang: string) => {
    for (const link of ['Paydesk', ...name.split('|')])
      expect((await page.getByRole('link', { name: link, exact: true }).boundingBox())!.height).toBeGreaterThanOrEqual(44)
    expect((await langSelect(page, lang as 'Язык' | 'Til').boundingBox())!.height).toBeGreaterThanOrEqual(44)
  }
  await tall('Касса|Журнал|Настройки', 'Язык')
  await language(page, 'Язык', 'uz')
  await page.reload()
  await page.getByRole('button', { name: /ClickPass/ }).click()
  expect(await placeholderFits(page, 'QR-kod: skaner yoki qo‘lda')).toBe(true)
  await tall('Kassa|Jurnal|Sozlamalar', 'Til')
  await context.close()
})
