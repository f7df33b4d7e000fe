// Sendy's «Печать отчета» on the shift panel (seed «Отчеты и закрытие смены», docs/protocols/sendy.md § 4.9): by
// server shift number with or without detail, and by a date-time range, printed without closing the shift; the day
// close of a day with no Sendy sale prints Sendy's empty totals, not «Смена закрыта» (§ 4.8); the slips of a host's
// sale print before the host hears the result (§ 4.11: the host prints its fiscal receipt after them).
import { afterAll, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { baseURL, control, mint, newPage, scan, useBrowser } from './support.ts'
import { closeHosts, hostAmountShown, hostOpens } from './host-support.ts'
import { answerConfirm } from './confirm-support.ts'

const browser = useBrowser({ resetSandbox: true })
afterAll(() => closeHosts())

const cabinetCode = async () => ((await control('sendy/_control/cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code
const reportCalls = async () => ((await control('sendy/_control/calls')) as { route: string }[]).filter((c) => c.route === 'reports').length
const printed = (page: Page) => page.locator('.print-area [data-testid=slip-text]').textContent()

async function activate(page: Page) {
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pt-sendy-1').click()
  const row = page.getByTestId('action-activate')
  await row.getByLabel('Код активации').fill(await cabinetCode())
  await row.getByRole('button', { name: 'Активация' }).click()
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
}

/** A Sendy sale at the till, online: the cashier picks WeChat and the demo customer pays. */
async function sendySale(page: Page, amount: string) {
  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('type-sendy-1').click()
  await page.getByTestId('amount').fill(amount)
  await page.getByTestId('pay').click()
  await page.getByRole('dialog', { name: 'Выберите платежную систему' }).getByRole('button', { name: 'WeChat' }).click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
}

it('«Печать отчета Sendy»: by shift with and without detail, by period; a bad shift number asks nothing; the rows stay in the journal', async () => {
  const { context, page } = await newPage(browser)
  await activate(page)
  await sendySale(page, '150')
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
  const box = page.getByRole('group', { name: 'Печать отчета Sendy' })
  await box.waitFor()
  // Sendy's report is this box; no bare «Сверка итогов Sendy» beside it
  expect(await page.getByRole('button', { name: 'Сверка итогов Sendy' }).count()).toBe(0)
  const status = box.getByRole('status')

  await box.getByLabel('Номер смены сервера').fill('1')
  await box.getByLabel('Детальный отчет').check()
  await box.getByRole('button', { name: 'Печать по смене' }).click()
  await expect.poll(() => status.textContent()).toBe('Отчет Sendy напечатан')
  await expect.poll(() => printed(page)).toMatch(/^#1 WeChat\s+150\.00$/m)
  expect(await printed(page)).toMatch(/ОТЧЕТ/)
  expect(await printed(page)).toMatch(/Смена\s+1$/m)

  await box.getByLabel('Детальный отчет').uncheck()
  await box.getByRole('button', { name: 'Печать по смене' }).click()
  await expect.poll(() => reportCalls()).toBe(2)
  await expect.poll(() => printed(page)).not.toMatch(/^#1 /m)
  expect(await printed(page)).toMatch(/Оплачено 1 шт\.\s+150\.00/)

  const day = new Date(Date.now() + 3 * 3_600_000).toISOString().slice(0, 10)
  await box.getByLabel('Начало периода').fill(`${day}T00:00`)
  await box.getByLabel('Конец периода').fill(`${day}T23:59`)
  await box.getByRole('button', { name: 'Печать за период' }).click()
  await expect.poll(() => reportCalls()).toBe(3)
  await expect.poll(() => printed(page)).toMatch(/Период/)

  await box.getByLabel('Номер смены сервера').fill('abc')
  await box.getByRole('button', { name: 'Печать по смене' }).click()
  await expect.poll(() => status.textContent()).toBe('Номер смены — целое число от 1; пусто — текущая смена')
  expect(await reportCalls()).toBe(3)

  // printed without closing the shift; each report is a row of the journal, there after a reload
  expect(((await control('sendy/_control/state')) as { counters: { shiftOpen: boolean } }).counters.shiftOpen).toBe(true)
  await page.reload()
  await expect.poll(() => page.getByTestId('journal-rows').getByRole('row').filter({ hasText: 'Сверка' }).count()).toBe(3)
  await context.close()
})

it('in English: «Print report Sendy» prints the current shift; a period without its end is refused here', async () => {
  const { context, page } = await newPage(browser)
  await activate(page)
  await page.getByTestId('lang').selectOption('en')
  await page.getByRole('link', { name: 'Journal' }).click()
  await page.getByRole('tab', { name: 'Shift and reports' }).click()
  const box = page.getByRole('group', { name: 'Print report Sendy' })
  await box.getByRole('button', { name: 'Print by shift' }).click()
  await expect.poll(() => box.getByRole('status').textContent()).toBe('The Sendy report is printed')
  await expect.poll(() => printed(page)).toMatch(/Оплачено 0 шт\./)
  await box.getByLabel('Period start').fill('2026-12-01T00:00')
  await box.getByRole('button', { name: 'Print for period' }).click()
  await expect.poll(() => box.getByRole('status').textContent()).toBe('Enter the start and end of the period (start before end)')
  expect(await reportCalls()).toBe(1)
  await context.close()
})

it('a day with no Sendy sale: the day close shows Sendy’s totals with no mismatch, not «Смена закрыта»', async () => {
  const { context, page } = await newPage(browser)
  await activate(page)
  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('type-clickpass-1').click()
  await page.getByTestId('amount').fill('2000')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
  await page.getByRole('button', { name: 'Закрыть смену' }).click()
  await answerConfirm(page, 'Закрыть смену')
  const report = page.getByTestId('report')
  await expect.poll(() => report.getAttribute('data-kind')).toBe('z')
  await expect.poll(() => report.textContent()).toContain('Итоги Sendy: расхождений: 0')
  expect(await report.textContent()).not.toContain('Смена закрыта')
  expect(await page.getByTestId('provider-failed').count()).toBe(0)
  const calls = (await control('sendy/_control/calls')) as { route: string }[]
  expect(calls.filter((c) => c.route === 'closeShift')).toHaveLength(0)
  await context.close()
})

it('a host’s Sendy sale approved while the till shows the journal: back at the till the slip prints before the host hears the result', async () => {
  const { context, page } = await newPage(browser)
  await activate(page)
  // The till's printer tells the host page when it prints: messages from one window arrive in the order sent.
  await context.addInitScript(() => {
    window.print = () => window.opener?.postMessage({ type: 'test.printed' }, '*')
  })
  const { host, page: till } = await hostOpens(context, 'pay', 'S-1', '15000')
  await hostAmountShown(till)
  const types = () => host.locator('#log li').evaluateAll((l) => l.map((x) => (x as HTMLElement).dataset.type))
  await till.getByTestId('type-sendy-1').click()
  await till.getByTestId('pay').click()
  await till.getByRole('dialog', { name: 'Выберите платежную систему' }).getByRole('button', { name: 'WeChat' }).click()
  // the QR is shown and on paper (printQr); the cashier looks at the journal while the customer pays
  await till.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  await expect.poll(async () => (await types()).filter((t) => t === 'test.printed').length).toBe(1)
  await till.getByRole('link', { name: 'Журнал' }).click()
  await till.getByTestId('journal-rows').getByRole('row').filter({ hasText: 'Sendy' }).filter({ hasText: 'успешно' }).waitFor({ timeout: 30_000 })
  await till.getByRole('link', { name: 'Касса' }).click()
  await expect.poll(async () => (await types()).includes('paydesk.result'), { timeout: 15_000 }).toBe(true)
  const t = await types()
  // the QR, then the payment's slip, and only then the result
  expect(t.slice(0, t.indexOf('paydesk.result')).filter((x) => x === 'test.printed').length).toBe(2)
  expect(t.filter((x) => x === 'test.printed').length).toBe(2)
  await context.close()
})
