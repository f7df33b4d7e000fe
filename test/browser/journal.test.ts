// In the browser: the journal's search and filters over the whole journal, each kind in
// the cashier's words, the shift's X-report, the day close with its warning and print, a report by
// shift after a reload, and a finished sale that a second scan does not charge again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, launch, mint, newPage, resetSandbox, scan, databaseReady } from './support.ts'
import { answerConfirm } from './confirm-support.ts'
import { closeHosts, hostOpens } from './host-support.ts'
import { searchKeys } from '../../src/domain/journal.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  closeHosts()
})
beforeEach(async () => {
  await resetSandbox()
})

type Row = Record<string, unknown> & { id: string; kind: string; amount: number; createdAt: number; state: string }
const NOW = Date.now()
const H = 3600_000
const DAY = 24 * H

function row(p: Partial<Row> & { id: string; kind: string; amount: number; createdAt: number }): Row {
  const r = { provider: 'clickpass', paymentTypeId: 'clickpass-1', currency: 'UZS', state: 'approved', updatedAt: p.createdAt, history: [], ...p }
  // The index keeps these search keys (the Dexie hook does it for the app's own writes).
  return { ...r, keys: searchKeys(r as never) }
}

/** Seed the journal (and the queue) the way earlier days left it, then reload so the app reads it. */
async function seed(page: Page, rows: Row[], queue: string[] = []) {
  await page.getByTestId('amount').waitFor()
  await databaseReady(page)
  await page.evaluate(
    async ({ rows, queue }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('paydesk')
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['operations', 'queue', 'settings'], 'readwrite')
        for (const o of rows) tx.objectStore('operations').put(o)
        // Rows put here bypass the engine and the totals it keeps per hour with each write: the reports read them
        // as a journal from before the kept totals (`tally.since`, docs/performance.md), from the rows themselves.
        tx.objectStore('settings').put({ key: 'tally.since', value: Math.floor(Date.now() / 3_600_000) + 1 })
        for (const id of queue)
          tx.objectStore('queue').add({
            provider: 'clickpass',
            paymentTypeId: 'clickpass-1',
            opId: id,
            attempt: 3,
            nextAttemptAt: Date.now() + 3_600_000,
            createdAt: Date.now(),
          })
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
    },
    { rows, queue },
  )
  await page.reload()
}

const rowsText = async (page: Page) =>
  (await page.getByTestId('journal-rows').locator('[role=row][data-op]').allTextContents()).map((t) => t.replace(/\s+/g, ' '))
const ids = async (page: Page) =>
  page
    .getByTestId('journal-rows')
    .locator('[role=row][data-op]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-op')))

async function openJournal(page: Page) {
  await page.getByRole('link', { name: 'Журнал' }).click()
  await page.getByRole('heading', { name: 'Журнал операций' }).waitFor()
}

describe('the journal', () => {
  it('names each kind in the cashier’s words with its own result, links a reversed payment to its reversal, and shows the payment type by name and number', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await seed(page, [
      row({ id: 'K01', kind: 'pay', amount: 150_000, createdAt: NOW - 10 * H, reversedBy: 'K02', message: { key: 'common.approved' } }),
      row({ id: 'K02', kind: 'cancel', amount: 150_000, createdAt: NOW - 9 * H, original: 'K01', message: { key: 'common.approved' } }),
      row({
        id: 'K03',
        kind: 'pay',
        amount: 90_000,
        createdAt: NOW - 8 * H,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        message: { key: 'common.approved' },
      }),
      row({
        id: 'K04',
        kind: 'refund',
        amount: 30_000,
        createdAt: NOW - 7 * H,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        original: 'K03',
        reversedBy: 'K05',
        message: { key: 'common.approved' },
      }),
      row({
        id: 'K05',
        kind: 'cancel',
        amount: 30_000,
        createdAt: NOW - 6 * H,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        original: 'K04',
        details: { reverses: 'refund' },
        message: { key: 'common.approved' },
      }),
      row({ id: 'K06', kind: 'pay', amount: 20_000, createdAt: NOW - 5 * H, state: 'compensated', reversedBy: 'K07' }),
      row({ id: 'K07', kind: 'cancel', amount: 20_000, createdAt: NOW - 5 * H + 1000, compensates: 'K06', message: { key: 'common.approved' } }),
      row({
        id: 'K08',
        kind: 'cancel',
        amount: 5_000,
        createdAt: NOW - 4 * H,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        details: { void: true },
        message: { key: 'common.approved' },
      }),
      row({
        id: 'K09',
        kind: 'reconcile',
        amount: 60_000,
        createdAt: NOW - 3 * H,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        message: { key: 'report.allMatch' },
      }),
    ])
    await openJournal(page)
    await expect.poll(() => ids(page)).toEqual(['K09', 'K08', 'K07', 'K06', 'K05', 'K04', 'K03', 'K02', 'K01'])
    const text = async (id: string) => (await page.locator(`[data-op=${id}]`).textContent())!.replace(/\s+/g, ' ')
    expect(await text('K02')).toContain('Отмена оплаты')
    expect(await text('K02')).toContain('Оплата отменена')
    expect(await text('K02')).not.toContain('Оплата прошла успешно')
    expect(await text('K04')).toContain('Возврат выполнен')
    expect(await text('K05')).toContain('Отмена возврата')
    expect(await text('K05')).toContain('Возврат отменён')
    expect(await text('K07')).toContain('Автоотмена')
    expect(await text('K07')).toContain('Оплата отменена автоматически')
    expect(await text('K08')).toContain('Аннулирование')
    expect(await text('K08')).toContain('Чек аннулирован')
    expect(await text('K09')).toContain('Сверка')
    expect(await text('K01')).toContain('ClickPass · № 1')
    expect(await text('K01')).not.toContain('clickpass ')
    // The cancelled payment says so, and its link opens the cancel.
    const link = page.locator('[data-op=K01]').getByRole('button', { name: 'Отмена оплаты: успешно' })
    await link.click()
    await expect.poll(() => ids(page)).toEqual(['K02'])
    await page.getByRole('button', { name: 'Весь журнал' }).click()
    await expect.poll(async () => (await ids(page)).length).toBe(9)
    // No cancel or refund is offered on a cancelled payment.
    expect(await page.locator('[data-op=K01]').getByRole('button', { name: 'Отменить' }).count()).toBe(0)
    // In Uzbek too.
    await page.selectOption('[data-testid=lang]', 'uz')
    await expect.poll(() => text('K05')).toContain('Qaytarishni bekor qilish')
    await context.close()
  })

  it('finds any operation of the whole journal: search by card digits, and each filter', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    const rows: Row[] = []
    // 130 payments over two years, newest first on screen; the oldest has the card …4242.
    for (let i = 0; i < 130; i++)
      rows.push(
        row({
          id: `F${String(i).padStart(3, '0')}`,
          kind: 'pay',
          amount: 100_000 + i * 100,
          createdAt: NOW - 2 * H - i * 5 * DAY,
          ref: `R${1000 + i}`,
          ...(i === 0 ? { details: { cardNumber: '860006******4242' } } : {}),
        }),
      )
    rows.push(
      row({
        id: 'G01',
        kind: 'pay',
        amount: 77_700,
        createdAt: NOW - H,
        state: 'needs-attention',
        paymentTypeId: 'payme-1',
        provider: 'payme',
        order: 'ORD-555',
      }),
    )
    rows.push(row({ id: 'G02', kind: 'cancel', amount: 100_100, createdAt: NOW - H / 2, state: 'sent', original: 'F001', queued: true }))
    rows.push(row({ id: 'G03', kind: 'refund', amount: 5_000, createdAt: NOW - H / 4, original: 'F002', details: { phone: '998*****3344' } }))
    await seed(page, rows, ['G02'])
    await openJournal(page)
    await expect.poll(async () => (await ids(page)).length).toBe(50)
    // Paging reaches the oldest row.
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Показать ещё' }).click()
    await expect.poll(async () => (await ids(page)).length).toBe(133)
    expect((await ids(page)).at(-1)).toBe('F129')

    const search = page.getByLabel('Поиск')
    const find = async () => page.getByRole('button', { name: 'Поиск', exact: true }).click()
    await search.fill('4242')
    await find()
    await expect.poll(() => ids(page)).toEqual(['F000'])
    await search.fill('3344')
    await find()
    await expect.poll(() => ids(page)).toEqual(['G03'])
    await search.fill('r1129')
    await find()
    await expect.poll(() => ids(page)).toEqual(['F129'])
    await search.fill('ORD-555')
    await find()
    await expect.poll(() => ids(page)).toEqual(['G01'])
    await search.fill('')

    await page.getByLabel('Сумма', { exact: true }).fill('1001')
    await find()
    await expect.poll(() => ids(page)).toEqual(['G02', 'F001'])
    await page.getByLabel('Сумма', { exact: true }).fill('12,3,4')
    await find()
    await expect.poll(() => page.getByTestId('filter-error').textContent()).toContain('Сумма')
    await page.getByLabel('Сумма', { exact: true }).fill('')

    // Date range: the payments made between 16 and 9 days ago (5 days apart: F002 at 10 d 2 h, F003 at 15 d 2 h).
    // Typed as the app writes dates in Russian (the browser's own picker would follow the browser's locale).
    const local = (ms: number) => {
      const d = new Date(ms)
      const two = (n: number) => String(n).padStart(2, '0')
      return `${two(d.getDate())}.${two(d.getMonth() + 1)}.${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`
    }
    expect(await page.getByLabel('С', { exact: true }).getAttribute('placeholder')).toBe('ДД.ММ.ГГГГ ЧЧ:ММ')
    await page.getByLabel('С', { exact: true }).fill(local(NOW - 16 * DAY))
    await page.getByLabel('По', { exact: true }).fill(local(NOW - 9 * DAY))
    await find()
    await expect.poll(() => ids(page)).toEqual(['F002', 'F003'])
    await page.getByRole('button', { name: 'Сбросить' }).click()
    await expect.poll(async () => (await ids(page)).length).toBe(50)

    await page.getByLabel('Тип оплаты').selectOption({ label: 'PaymeGO · № 2' })
    await expect.poll(() => ids(page)).toEqual(['G01'])
    await page.getByLabel('Тип оплаты').selectOption({ label: 'Все типы оплаты' })
    await page.getByLabel('Операция').selectOption({ label: 'Возврат' })
    await expect.poll(() => ids(page)).toEqual(['G03'])
    await page.getByLabel('Операция').selectOption({ label: 'Все операции' })
    await page.getByLabel('Состояние').selectOption({ label: 'отправлена' })
    await expect.poll(() => ids(page)).toEqual(['G02'])
    await page.getByRole('button', { name: 'Сбросить' }).click()

    await page.getByRole('button', { name: 'Требуют проверки' }).click()
    await expect.poll(() => ids(page)).toEqual(['G01'])
    await page.getByRole('button', { name: 'В очереди' }).click()
    await expect.poll(() => ids(page)).toEqual(['G02'])
    expect((await rowsText(page))[0]).toContain('в очереди')
    await page.getByLabel('Поиск').fill('9999')
    await find()
    await expect.poll(() => page.getByText('Ничего не найдено').count()).toBe(1)
    await context.close()
  })
})

describe('the shift', () => {
  it('X-report by payment type; the day close warns about an unresolved operation and says which, closes, prints totals that match the journal; after a reload the shift report is the same', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await seed(page, [
      row({ id: 'S01', kind: 'pay', amount: 150_050, createdAt: NOW - 3 * H }),
      row({ id: 'S02', kind: 'pay', amount: 50_000, createdAt: NOW - 2 * H, reversedBy: 'S03' }),
      row({ id: 'S03', kind: 'cancel', amount: 50_000, createdAt: NOW - 2 * H + 60_000, original: 'S02' }),
      row({ id: 'S04', kind: 'pay', amount: 12_300, createdAt: NOW - H, paymentTypeId: 'payme-1', provider: 'payme', state: 'needs-attention' }),
    ])
    await expect.poll(() => page.getByTestId('shift-bar').textContent()).toMatch(/Смена № 1, [23] ч/)
    await openJournal(page)
    await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
    await page.getByRole('button', { name: 'X-отчёт' }).click()
    const report = page.getByTestId('report')
    await expect.poll(() => report.textContent()).toContain('X-отчёт (без гашения)')
    const click = report.locator('[data-type=clickpass-1]')
    expect((await click.textContent())!.replace(/\s/g, ' ')).toContain('2 · 2 000,50')
    expect((await click.getByTestId('net').textContent())!.replace(/\s/g, ' ')).toContain('1 500,50')
    expect(await report.getByTestId('report-attention').textContent()).toContain('PaymeGO')

    await page.getByRole('button', { name: 'Закрыть смену', exact: true }).click()
    await answerConfirm(page, 'Закрыть смену')
    const warning = page.getByTestId('close-warning')
    await warning.waitFor()
    expect(await page.getByTestId('shift-message').textContent()).toContain('требуют проверки — 1')
    expect((await warning.textContent())!.replace(/\s/g, ' ')).toContain('PaymeGO · Оплата · 123 сум')
    expect(await page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(0)

    await page.getByRole('button', { name: 'Закрыть смену всё равно' }).click()
    await expect.poll(() => page.getByTestId('shift-message').textContent()).toBe('Смена № 1 закрыта')
    await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
    const printed = (await page.locator('.print-area').textContent())!.replace(/\s/g, ' ')
    expect(printed).toContain('Закрытие смены (Z-отчёт)')
    expect(printed).toContain('ClickPass')
    // The journal's own numbers: 1 500,50 + 500 paid, 500 cancelled, 1 500,50 net.
    expect(printed).toContain('2 / 2 000,50')
    expect(printed).toContain('1 / 500 сум')
    expect(printed).toContain('1 500,50')
    expect(printed).toContain('Требуют проверки')
    // The Inpas pin-pad's settlement (the demo's emulator): no Inpas operations, so nothing differs.
    expect((await page.getByTestId('report').locator('details.provider', { hasText: 'Inpas SmartSale' }).textContent())!.replace(/\s/g, ' ')).toContain(
      'Итоги Inpas SmartSale: расхождений: 0',
    )

    await page.reload()
    await expect.poll(() => page.getByTestId('shift-bar').textContent()).toBe('Смена закрыта')
    await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
    await expect.poll(() => page.getByTestId('shift-status').textContent()).toContain('Смена № 2 откроется с первой операцией')
    await page.getByLabel('Отчёт по смене №').fill('1')
    await page.getByLabel('С операциями').check()
    await page.getByRole('button', { name: 'Показать' }).click()
    await expect.poll(() => report.getByRole('heading', { level: 2 }).textContent()).toMatch(/^Отчёт по смене\s*· № 1$/)
    expect((await report.locator('[data-type=clickpass-1]').getByTestId('net').textContent())!.replace(/\s/g, ' ')).toContain('1 500,50')
    // The four operations, and the O!plati reconciliation and the Inpas pin-pad's settlement the day close journaled.
    expect(await report.getByTestId('report-ops').locator('li').count()).toBe(6)
    await page.getByLabel('Отчёт по смене №').fill('9')
    await page.getByRole('button', { name: 'Показать' }).click()
    await expect.poll(() => page.getByTestId('shift-message').textContent()).toBe('Смены № 9 нет')
    await context.close()
  })

  it('O!plati’s reconciliation with two mismatches of one kind prints every line', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    // Two payments only the journal knows: two «Только в Paydesk» lines.
    await seed(page, [
      row({
        id: 'O01',
        kind: 'pay',
        amount: 1_700,
        createdAt: NOW - 2 * 60_000,
        provider: 'oplati',
        paymentTypeId: 'oplati-1',
        currency: 'BYN',
        ref: '9000001',
      }),
      row({ id: 'O02', kind: 'pay', amount: 2_500, createdAt: NOW - 60_000, provider: 'oplati', paymentTypeId: 'oplati-1', currency: 'BYN', ref: '9000002' }),
    ])
    await openJournal(page)
    await page.getByRole('tab', { name: 'Смена и отчёты' }).click()
    await page.getByRole('button', { name: 'Сверка итогов O!плати' }).click()
    await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)
    const printed = (await page.locator('.print-area').textContent())!.replace(/\s/g, ' ')
    expect(printed.match(/Только в Paydesk/g)).toHaveLength(2)
    expect(printed).toContain('9000001 · 17 руб.')
    expect(printed).toContain('9000002 · 25 руб.')
    await context.close()
  })
})

describe('a finished sale', () => {
  it('a host request takes one approved payment: a second scan is refused', async () => {
    const { context, page: first } = await newPage(browser)
    // A sale by URL is the host's once the host confirms it by message.
    const { page } = await hostOpens(context, 'pay', 'J-1', '150000')
    await first.close()
    await expect.poll(() => page.getByTestId('amount').inputValue()).toBe('1 500')
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
    // The host's amount is read-only: the cashier cannot make it another sale.
    expect(await page.getByTestId('amount').isEditable()).toBe(false)
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await expect.poll(() => page.getByTestId('sale-error').textContent()).toBe('Этот заказ уже оплачен')
    await openJournal(page)
    await page.reload()
    await expect.poll(async () => (await ids(page)).length).toBe(1)
    await context.close()
  })

  it('a second scan does not charge the last amount again; a new amount does', async () => {
    const { context, page } = await newPage(browser)
    await page.goto(baseURL())
    await page.getByTestId('amount').fill('1500')
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await expect.poll(() => page.getByTestId('sale-error').textContent()).toBe('Продажа завершена: нажмите «Новая продажа» или введите новую сумму')
    await page.getByTestId('amount').fill('2500')
    await page.getByTestId('code').click()
    await scan(page, await mint())
    await expect.poll(async () => (await page.locator('[data-testid=result][data-state=approved] .big').textContent())?.replace(/\s/g, ' ')).toBe('2 500 сум')
    await page.reload()
    await openJournal(page)
    await expect.poll(async () => (await rowsText(page)).filter((t) => t.includes('Оплата ')).length).toBe(2)
    await context.close()
  })
})
