// Sendy in Settings and the journal: its file is JSON (the buttons say so), «Проверить связь» is
// not offered (Sendy has none), and with `allowRefund` off no «Возврат» is offered on its payments.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { baseURL, control, launch, newPage, resetSandbox, databaseReady } from './support.ts'
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

it('Sendy’s settings say JSON on the import and export buttons and offer no «Проверить связь»; ClickPass keeps both', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('button', { name: /^№ \d+ · Sendy/ }).click()
  await page.getByTestId('pt-form').waitFor()
  await page.getByRole('button', { name: 'Экспорт .json' }).waitFor()
  expect(await page.getByLabel('Импорт .json').count()).toBe(1)
  expect(await page.getByRole('button', { name: 'Проверить связь' }).count()).toBe(0)
  await page.selectOption('[data-testid=lang]', 'en')
  await page.getByRole('button', { name: 'Export .json' }).waitFor()
  await page.getByRole('button', { name: /^№ \d+ · ClickPass/ }).click()
  await page.getByRole('button', { name: 'Export .conf' }).waitFor()
  expect(await page.getByRole('button', { name: 'Check connection' }).count()).toBe(1)
  await context.close()
})

it('with allowRefund off a Sendy payment offers no «Возврат» in the journal (a cancel still)', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('amount').waitFor()
  await databaseReady(page)
  const at = Date.now() - 60_000
  const row = {
    id: 'SY1',
    kind: 'pay',
    provider: 'sendy',
    paymentTypeId: 'sendy-1',
    currency: 'UZS',
    state: 'approved',
    amount: 5_000_00,
    createdAt: at,
    updatedAt: at,
    history: [],
    ref: '77',
  }
  await page.evaluate(
    async (o) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('paydesk')
        r.onsuccess = () => resolve(r.result)
        r.onerror = () => reject(r.error)
      })
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['operations'], 'readwrite')
        tx.objectStore('operations').put(o)
        tx.oncomplete = () => resolve()
        tx.onerror = () => reject(tx.error)
      })
      db.close()
    },
    { ...row, keys: searchKeys(row as never) },
  )
  await page.reload()
  await page.getByRole('link', { name: 'Журнал' }).click()
  const r = page.getByTestId('journal-rows').getByRole('row').filter({ hasText: /Sendy/ })
  await r.getByRole('button', { name: 'Отменить' }).waitFor()
  expect(await r.getByRole('button', { name: 'Возврат', exact: true }).count()).toBe(0)
  await context.close()
})

const cabinetCode = async () => ((await control('sendy/_control/cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code
const activations = async () => ((await control('sendy/_control/calls')) as { route: string }[]).filter((c) => c.route === 'activate').length

it('«Повторить активацию» says «возможно, уже был активирован» first; «Отмена» sends nothing, «OK» activates again', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('button', { name: /^№ \d+ · Sendy/ }).click()
  const activate = page.getByTestId('action-activate')
  await activate.getByLabel('Код активации').fill(await cabinetCode())
  await activate.getByRole('button', { name: 'Активация' }).click()
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
  const before = await activations()

  const again = page.getByTestId('action-reactivate')
  await again.getByLabel('Код активации').fill(await cabinetCode())
  await again.getByRole('button', { name: 'Повторить активацию' }).click()
  expect(await answerConfirm(page, 'Нет')).toBe('Терминал, возможно, уже был активирован на этом ПК. Повторить активацию?')
  expect(await activations()).toBe(before)

  await again.getByRole('button', { name: 'Повторить активацию' }).click()
  await answerConfirm(page)
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
  expect(await activations()).toBe(before + 1)
  await context.close()
})
