// The journal and Settings as a person meets them: the app's own confirmation (never the browser's box)
// in front of a cancel, a shift's close and a type's delete — «Нет» changes nothing, after a reload too;
// the journal's CSV a person can open (local time, the app's words, major units) beside the JSON; date
// filters typed the way the app writes dates in its language; a report with no provider's own totals
// has no empty «Итоги» column. Screens at the admin's and the cashier's sizes.
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { readFile, mkdir } from 'node:fs/promises'
import { baseURL, mint, newPage, scan, useBrowser } from './support.ts'
import { answerConfirm } from './confirm-support.ts'

const browser = useBrowser({ resetSandbox: true })

const journalRows = (page: Page) => page.getByTestId('journal-rows').getByRole('row')

async function payClick(page: Page, amount: string) {
  await page.getByRole('link', { name: 'Касса' }).click()
  await page.getByRole('textbox', { name: /Сумма/ }).fill(amount)
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
}

it('«Отменить» asks in the app’s own dialog: «Нет» leaves the payment, «Да» cancels it (ru, uz)', async () => {
  const { context, page } = await newPage(browser)
  let native = 0
  page.on('dialog', (d) => (native++, void d.dismiss()))
  await page.goto(baseURL())
  await payClick(page, '1500')
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('button', { name: 'Отменить', exact: true }).click()
  expect((await answerConfirm(page, 'Нет')).replace(/\s/g, ' ')).toBe('Отменить оплату 1 500 сум?')
  await page.reload()
  await journalRows(page).filter({ hasText: 'Оплата' }).first().waitFor()
  expect(await page.locator('.row[data-kind=cancel]').count()).toBe(0)

  // In Uzbek the dialog speaks Uzbek; «Ha» cancels.
  await page.selectOption('[data-testid=lang]', 'uz')
  await page.getByRole('button', { name: 'Bekor qilish', exact: true }).click()
  expect((await answerConfirm(page, 'Ha')).replace(/\s/g, ' ')).toBe("1 500 so'm to‘lovini bekor qilasizmi?")
  await page.locator('.row[data-kind=cancel] [data-state=approved]').waitFor({ timeout: 20_000 })
  await page.reload()
  await page.locator('.row[data-kind=cancel] [data-state=approved]').waitFor()
  expect(native).toBe(0)
  await context.close()
})

it('«Закрыть смену» asks first: «Нет» keeps the shift open after a reload, its own button closes it', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await payClick(page, '2000')
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
  const status = page.getByTestId('shift-status')
  await expect.poll(() => status.textContent()).toMatch(/^Смена № \d+ · Открыта/)
  const number = /№ (\d+)/.exec((await status.textContent())!)![1]!
  await page.getByRole('button', { name: 'Закрыть смену', exact: true }).click()
  expect(await answerConfirm(page, 'Нет')).toContain(`Закрыть смену № ${number}?`)
  await page.reload()
  await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
  await expect.poll(() => status.textContent()).toMatch(new RegExp(`^Смена № ${number} · Открыта`))

  // The X report: no provider has its own totals here, so no empty «Итоги» column beside «Итого».
  await page.getByRole('button', { name: 'X-отчёт' }).click()
  const report = page.getByTestId('report')
  await report.waitFor()
  const heads = await report.getByRole('columnheader').allTextContents()
  expect(heads).toContain('Итого')
  expect(heads.some((h) => h.startsWith('Итоги'))).toBe(false)
  await expect.poll(() => report.getByTestId('total-net').textContent()).toMatch(/^2\s000 сум$/)

  await page.getByRole('button', { name: 'Закрыть смену', exact: true }).click()
  await answerConfirm(page, 'Закрыть смену')
  await expect.poll(() => page.getByTestId('shift-message').textContent()).toBe(`Смена № ${number} закрыта`)
  await context.close()
})

it('the journal exports a CSV a person can open — local time, the app’s words, major units — beside the JSON (ru, en)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await payClick(page, '25000')
  await page.getByRole('link', { name: 'Журнал' }).click()
  const shown = (await journalRows(page).filter({ hasText: 'Оплата' }).first().locator('.time').textContent())!.trim()
  const [csvFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт журнала (CSV)' }).click()])
  expect(csvFile.suggestedFilename()).toMatch(/^paydesk-journal-\d{4}-\d\d-\d\d\.csv$/)
  const lines = (await readFile((await csvFile.path())!, 'utf8')).trim().split('\r\n')
  expect(lines[0]).toBe('Время,Операция,Тип оплаты,Сумма,Валюта,Состояние,Номер,id')
  // The time as the journal shows it (quoted: it holds a comma), «Оплата», the type's name, 25000.00 in major units.
  expect(lines[1]).toMatch(new RegExp(`^"${shown}",Оплата,ClickPass · № \\d+,25000\\.00,UZS,успешно,`))
  const [jsonFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт журнала (JSON)' }).click()])
  expect((JSON.parse(await readFile((await jsonFile.path())!, 'utf8')) as { operations: unknown[] }).operations).toHaveLength(1)

  await page.selectOption('[data-testid=lang]', 'en')
  const [enFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export journal (CSV)' }).click()])
  const en = (await readFile((await enFile.path())!, 'utf8')).split('\r\n')
  expect(en[0]).toBe('Time,Operation,Payment type,Amount,Currency,State,Reference,id')
  expect(en[1]).toContain(',Payment,')
  await context.close()
})

it('the date filters take dates as the app writes them in its language, not the browser’s (ru, en)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await payClick(page, '1200')
  await page.getByRole('link', { name: 'Журнал' }).click()
  const now = new Date()
  const two = (n: number) => String(n).padStart(2, '0')
  const tomorrow = new Date(now.getTime() + 86_400_000)
  const ru = (d: Date) => `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()}`
  const en = (d: Date) => `${two(d.getMonth() + 1)}/${two(d.getDate())}/${d.getFullYear()}`
  const from = page.getByLabel('С', { exact: true })
  expect(await from.getAttribute('placeholder')).toBe('ДД.ММ.ГГГГ ЧЧ:ММ')
  // From tomorrow: nothing; today (no time: the whole day): the payment.
  await from.fill(ru(tomorrow))
  await page.getByRole('button', { name: 'Поиск' }).click()
  await expect.poll(() => page.getByText('Ничего не найдено').count()).toBe(1)
  await page.getByLabel('По', { exact: true }).fill(ru(now))
  await from.fill(ru(now))
  await page.getByRole('button', { name: 'Поиск' }).click()
  await expect.poll(() => journalRows(page).filter({ hasText: 'Оплата' }).count()).toBe(1)
  // The browser's own ISO form is not the app's: it is refused with a reason.
  await from.fill(`${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}T00:00`)
  await page.getByRole('button', { name: 'Поиск' }).click()
  await expect.poll(() => page.getByTestId('filter-error').textContent()).toBe('Проверьте фильтр: Время')

  await page.selectOption('[data-testid=lang]', 'en')
  const enFrom = page.getByLabel('From', { exact: true })
  expect(await enFrom.getAttribute('placeholder')).toBe('MM/DD/YYYY HH:MM')
  await enFrom.fill(`${en(now)} 00:00`)
  await page.getByLabel('To', { exact: true }).fill(`${en(tomorrow)} 00:00`)
  await page.getByRole('button', { name: 'Search' }).click()
  await expect.poll(() => journalRows(page).filter({ hasText: 'Payment' }).count()).toBe(1)
  await context.close()
})

it('deleting a payment type asks in the app’s dialog: «Нет» keeps it after a reload', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('button', { name: /^№ \d+ · PaymeGO/ }).click()
  await page.getByRole('button', { name: 'Удалить', exact: true }).click()
  expect(await answerConfirm(page, 'Нет')).toContain('PaymeGO')
  await page.reload()
  await page.getByRole('button', { name: /^№ \d+ · PaymeGO/ }).waitFor()
  await context.close()
})

it('screens: the journal and Settings at 1920×1080 and 1366×768', async () => {
  await mkdir('test-results', { recursive: true })
  for (const [w, h] of [
    [1920, 1080],
    [1366, 768],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: w, height: h }, locale: 'ru-RU' })
    const page = await context.newPage()
    await page.goto(baseURL())
    await payClick(page, '25000')
    await page.getByRole('link', { name: 'Журнал' }).click()
    await journalRows(page).filter({ hasText: 'Оплата' }).first().waitFor()
    await page.getByRole('button', { name: 'Возврат', exact: true }).click()
    await page.screenshot({ path: `test-results/journal-${w}x${h}.png` })
    await page.getByRole('button', { name: 'Отменить', exact: true }).click()
    await page.getByRole('alertdialog').waitFor()
    await page.screenshot({ path: `test-results/journal-confirm-${w}x${h}.png` })
    await answerConfirm(page, 'Нет')
    await page.getByRole('link', { name: 'Настройки' }).click()
    await page.getByTestId('pt-form').waitFor()
    await page.screenshot({ path: `test-results/settings-${w}x${h}.png` })
    await page.screenshot({ path: `test-results/settings-full-${w}x${h}.png`, fullPage: true })
    // Every button and field on both screens is a 44 px target.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll('main button, main input:not([type=checkbox]):not([type=file]), main select')]
        .filter((el) => (el as HTMLElement).offsetParent !== null && el.getBoundingClientRect().height < 44)
        .map((el) => el.outerHTML.slice(0, 80)),
    )
    expect(small).toEqual([])
    await context.close()
  }
})
