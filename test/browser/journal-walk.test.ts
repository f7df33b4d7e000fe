// In the journal: a deleted payment type with operations is archived (its rows keep their
// name and their refund; the till no longer offers it), and the refund form opens at its row.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { baseURL, launch, mint, newPage, resetSandbox, scan, databaseReady } from './support.ts'
import { answerConfirm } from './confirm-support.ts'
import { searchKeys } from '../../src/domain/journal.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

const notice = (page: Page) => page.getByTestId('settings-notice')
const journalRow = (page: Page, text: RegExp) => page.getByTestId('journal-rows').getByRole('row').filter({ hasText: text })

it('deleting a payment type with a payment archives it: the confirm says so, the till drops it, the journal still names and refunds it', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByRole('textbox', { name: /Сумма/ }).fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })

  await page.getByRole('link', { name: 'Настройки' }).click()
  await page.getByRole('button', { name: /^№ \d+ · ClickPass/ }).click()
  await page.getByRole('button', { name: 'Удалить', exact: true }).click()
  const asked = await answerConfirm(page)
  await expect
    .poll(() => notice(page).textContent())
    .toBe('Тип оплаты «ClickPass» в архиве: касса его не предлагает, журнал, возвраты и отчёты по нему сохранены')
  expect(asked).toContain('он уйдёт в архив')
  await page.reload()
  await page.getByRole('button', { name: /^№ \d+ · PaymeGO/ }).waitFor()
  expect(await page.getByRole('button', { name: /^№ \d+ · ClickPass/ }).count()).toBe(0)

  await page.getByRole('link', { name: 'Касса' }).click()
  // The till's type buttons (the page left is Settings, whose «+ Добавить …» buttons also name providers).
  await page.getByTestId('type-payme-1').waitFor()
  expect(await page.getByTestId('type-clickpass-1').count()).toBe(0)

  await page.getByRole('link', { name: 'Журнал' }).click()
  const row = journalRow(page, /ClickPass · № 1 \(в архиве\)/)
  await row.waitFor()
  await row.getByRole('button', { name: 'Возврат', exact: true }).click()
  await page.getByRole('button', { name: 'Выполнить возврат' }).click()
  await expect.poll(() => page.getByTestId('journal-message').textContent()).toContain('Возврат выполнен')

  await page.selectOption('[data-testid=lang]', 'en')
  await journalRow(page, /ClickPass · No\. 1 \(archived\)/)
    .first()
    .waitFor()
  await context.close()
})

type Row = Record<string, unknown> & { id: string }
async function seedPayments(page: Page, count: number) {
  const now = Date.now()
  await seedRows(
    page,
    Array.from({ length: count }, (_, i) => ({
      id: `R${String(i).padStart(2, '0')}`,
      kind: 'pay',
      provider: 'clickpass',
      paymentTypeId: 'clickpass-1',
      currency: 'UZS',
      state: 'approved',
      amount: i === 0 ? 777_00 : 1_000_00 + i * 100,
      createdAt: now - (count - i) * 60_000,
      updatedAt: now - (count - i) * 60_000,
      history: [],
    })),
  )
}

async function seedRows(page: Page, plain: Row[]) {
  await page.getByTestId('amount').waitFor()
  await databaseReady(page)
  // Straight into IndexedDB, past the database's hooks: the rows as the app stores them, with what its hooks add —
  // the search keys and, on a payment some refund names, the `refunded` mark the journal looks refunds up by.
  const originals = new Set(plain.flatMap((r) => (r.kind === 'refund' && r.original ? [r.original] : [])))
  const rows = plain.map((r) => ({ ...r, keys: searchKeys(r as never), ...(r.kind === 'pay' && originals.has(r.id) ? { refunded: true } : {}) }))
  await page.evaluate(async (rows) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('paydesk')
      r.onsuccess = () => resolve(r.result)
      r.onerror = () => reject(r.error)
    })
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['operations'], 'readwrite')
      for (const o of rows) tx.objectStore('operations').put(o)
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
    db.close()
  }, rows)
  await page.reload()
}

it('«Возврат» on a row far down the journal opens the refund form at that row, in sight, with the amount ready to edit (no «.00»)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await seedPayments(page, 20)
  await page.getByRole('link', { name: 'Журнал' }).click()
  // The oldest payment is the lowest row: 777 сум.
  const row = journalRow(page, /777/)
  await row.getByRole('button', { name: 'Возврат', exact: true }).click()
  const amount = page.getByRole('textbox', { name: 'Сумма возврата' })
  await expect.poll(() => amount.inputValue()).toBe('777')
  const inSight = await amount.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return r.top >= 0 && r.bottom <= window.innerHeight
  })
  expect(inSight).toBe(true)
  expect(await amount.evaluate((el) => el === document.activeElement)).toBe(true)
  await context.close()
})

it('a refund past what is left of a partly refunded payment says how much is left as money («400 ₽», not «400.00 RUB»), in Russian and English', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const at = Date.now() - 3_600_000
  const inpas = { provider: 'inpas-sbp', paymentTypeId: 'inpas-sbp-1', currency: 'RUB', state: 'approved', history: [] }
  await seedRows(page, [
    { id: 'P1', kind: 'pay', amount: 1_000_00, createdAt: at, updatedAt: at, ...inpas },
    { id: 'P2', kind: 'refund', amount: 600_00, createdAt: at + 60_000, updatedAt: at + 60_000, original: 'P1', ...inpas },
  ])
  await page.getByRole('link', { name: 'Журнал' }).click()
  const pay = journalRow(page, /Оплата/)
  await pay.getByRole('button', { name: 'Возврат', exact: true }).click()
  const amount = page.getByRole('textbox', { name: 'Сумма возврата' })
  await expect.poll(() => amount.inputValue()).toBe('400')
  await amount.fill('500')
  await page.getByRole('button', { name: 'Выполнить возврат' }).click()
  const said = page.getByTestId('journal-message')
  await expect.poll(() => said.textContent()).toContain('Сумма возврата больше остатка по оплате: можно вернуть не более 400 ₽')
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => said.textContent()).toContain('The refund is more than what is left of the payment: at most 400 RUB')
  await context.close()
})

it('a cancelled payment’s badge says «отменена», not a green «успешно»; a standing one keeps «успешно» (ru, en)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const at = Date.now() - 3_600_000
  const click = { provider: 'clickpass', paymentTypeId: 'clickpass-1', currency: 'UZS', state: 'approved', history: [] }
  await seedRows(page, [
    { id: 'C1', kind: 'pay', amount: 1_111_00, createdAt: at, updatedAt: at, reversedBy: 'C2', ...click },
    { id: 'C2', kind: 'cancel', amount: 1_111_00, createdAt: at + 60_000, updatedAt: at + 60_000, original: 'C1', ...click },
    { id: 'C3', kind: 'pay', amount: 2_222_00, createdAt: at + 120_000, updatedAt: at + 120_000, ...click },
  ])
  await page.getByRole('link', { name: 'Журнал' }).click()
  const badge = (id: string) => page.locator(`[role=row][data-op=${id}] .state .badge`)
  await expect.poll(() => badge('C1').textContent()).toBe('отменена')
  expect(await badge('C3').textContent()).toBe('успешно')
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => badge('C1').textContent()).toBe('cancelled')
  await context.close()
})
