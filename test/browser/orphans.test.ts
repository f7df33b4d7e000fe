// Two till tabs; the one taking the payment crashes (its renderer killed, the browser and the
// other tab live on) while the customer pays. The cashier carries on in the other tab: the till shows the
// orphaned sale, the cashier presses its stop, and this tab's worker takes the sale over and settles it —
// before, nothing drove it until a new page was loaded.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { baseURL, control, launch, mint, newPage, resetSandbox, scan } from './support.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => browser?.close())
beforeEach(async () => {
  await resetSandbox()
})

/** Kill the tab's renderer (Chrome's "Aw, Snap!"): its worker dies with it and the browser frees its locks. */
async function crash(context: BrowserContext, page: Page) {
  const crashed = new Promise((resolve) => page.once('crash', resolve))
  const cdp = await context.newCDPSession(page)
  void cdp.send('Page.crash').catch(() => undefined)
  await crashed
}

/** The other till tab, opened while the first still drives the payment: it shows that sale, with its stop. */
async function otherTab(context: BrowserContext) {
  const b = await context.newPage()
  await b.goto(baseURL())
  await b.getByTestId('stop').waitFor({ timeout: 20_000 })
  return b
}

/**
 * Press the sale's stop in this tab — unless this tab's timer sweep has taken the orphaned sale over first
 * and already settled it (then there is nothing left to stop).
 */
async function stopUnlessSettled(b: Page) {
  const settled = b.locator(['approved', 'declined', 'compensating', 'compensated'].map((s) => `[data-testid=result][data-state=${s}]`).join(', '))
  await Promise.race([
    b
      .getByTestId('stop')
      .click()
      .catch(() => undefined),
    settled.waitFor({ timeout: 60_000 }),
  ])
}

/** The journal row of the sale, read where the cashier reads it. */
async function journalState(page: Page): Promise<string | null> {
  return page.locator('.row[data-kind=pay] [data-state]').first().getAttribute('data-state')
}

async function settledInJournal(page: Page, states: string[]) {
  await page.goto(`${baseURL()}/#/journal`)
  await expect.poll(() => journalState(page), { timeout: 60_000 }).toMatch(new RegExp(`^(${states.join('|')})$`))
}

it('PaymeGO: the paying tab crashes, the customer is charged; the stop in the other tab takes the sale over and cancels the receipt', async () => {
  const { context, page: a } = await newPage(browser)
  await a.goto(baseURL())
  // The customer's bank debits after 8 s (state 2, then 4).
  await control('payme/_control/faults', { route: 'pay', fault: 'pending', forMs: 8_000, then: 'approve' })
  await a.getByRole('button', { name: /PaymeGO/ }).click()
  await a.getByTestId('amount').fill('2500')
  await a.getByTestId('code').click()
  const { token } = (await control('payme/_control/wallet/token', {})) as { token: string }
  await scan(a, token)
  await a.locator('[data-testid=result][data-state=resolving]').waitFor({ timeout: 20_000 })
  const b = await otherTab(context)
  await crash(context, a)
  type Receipts = { receipts: { state: number }[] }
  await expect.poll(async () => ((await control('payme/_control/state')) as Receipts).receipts[0]?.state, { timeout: 30_000 }).toBe(4)
  await b.getByRole('button', { name: 'Прекратить ожидание' }).click()
  // Taken over at once: the receipt is cancelled (docs/protocols/payme.md rule 1.3.9), the money goes back.
  await b.locator('[data-testid=result][data-state=compensating], [data-testid=result][data-state=compensated]').waitFor({ timeout: 20_000 })
  await settledInJournal(b, ['compensated'])
  await expect.poll(async () => ((await control('payme/_control/state')) as Receipts).receipts[0]?.state, { timeout: 30_000 }).toBe(50)
  await context.close()
})

it('ClickPass in confirm mode: the tab crashes waiting on the confirm’s reply; the stop in the other tab finds it paid and reverses it', async () => {
  const { context, page: a } = await newPage(browser)
  await a.goto(baseURL())
  // The confirm goes through at Click and its reply is lost; Click's status route does not answer: the tab
  // keeps asking, and dies asking.
  await control('clickpass/_control/faults', { route: 'confirm', fault: 'lostReply' })
  await control('clickpass/_control/faults', { route: 'status', fault: 'noReply', times: 0 })
  await a.getByRole('button', { name: /ClickPass/ }).click()
  await a.getByTestId('amount').fill('1500')
  await a.getByTestId('code').click()
  await scan(a, await mint())
  type Payments = { payments: { state: string }[] }
  await expect.poll(async () => ((await control('clickpass/_control/state')) as Payments).payments[0]?.state, { timeout: 20_000 }).toBe('PAID')
  const b = await otherTab(context)
  await crash(context, a)
  await control('clickpass/_control/faults', undefined, 'DELETE')
  await b.getByRole('button', { name: 'Прекратить ожидание' }).click()
  await settledInJournal(b, ['compensated', 'approved'])
  const final = await journalState(b)
  await expect
    .poll(async () => ((await control('clickpass/_control/state')) as Payments).payments[0]?.state, { timeout: 30_000 })
    .toBe(final === 'approved' ? 'PAID' : 'REVERSED')
  await context.close()
})

it('Sendy online: the tab showing the QR crashes, the customer pays it; the cancel in the other tab takes it over and refunds it', async () => {
  await control('sendy/_control/config', { autoCustomer: false }, 'PUT')
  const { context, page: a } = await newPage(browser)
  // The admin activates the terminal once (docs/protocols/sendy.md § 5.1).
  await a.goto(`${baseURL()}/#/settings`)
  await a.getByTestId('pt-sendy-1').click()
  const row = a.getByTestId('action-activate')
  const { code } = (await control('sendy/_control/cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }
  await row.getByLabel('Код активации').fill(code)
  await row.getByRole('button', { name: 'Активация' }).click()
  await expect.poll(() => a.getByTestId('settings-notice').textContent()).toBe('Терминал активирован: Sendy Demo Shop')
  await a.goto(`${baseURL()}/#/sale`)
  await a.getByTestId('type-sendy-1').click()
  await a.getByTestId('amount').fill('150')
  await a.getByTestId('pay').click()
  await a.getByRole('dialog', { name: 'Выберите платежную систему' }).getByRole('button', { name: 'WeChat' }).click()
  await a.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  const b = await otherTab(context)
  await crash(context, a)
  type Payments = { payments: { paymentId: string; tradeState: string }[] }
  const paymentId = ((await control('sendy/_control/state')) as Payments).payments[0]!.paymentId
  await control('sendy/_control/customer/act', { paymentId, action: 'scan' })
  await control('sendy/_control/customer/act', { paymentId, action: 'confirm' })
  await b.getByRole('button', { name: 'Отменить оплату' }).click()
  await settledInJournal(b, ['compensated'])
  expect(((await control('sendy/_control/state')) as Payments).payments[0]?.tradeState).toBe('REVOKED')
  await context.close()
})

it('O!plati mode 2: the tab showing the QR crashes, the customer pays it; the cancel in the other tab takes it over and settles it', async () => {
  await control('oplati/_control/config', { autoCustomer: false }, 'PUT')
  const { context, page: a } = await newPage(browser)
  await a.goto(baseURL())
  await a.getByTestId('type-oplati-1').click()
  await a.getByTestId('amount').fill('17,05')
  await a.getByTestId('pay').click()
  await a.locator('[data-testid=qr] svg').waitFor({ timeout: 20_000 })
  const payload = await a.getByTestId('qr').getAttribute('data-payload')
  const b = await otherTab(context)
  // The customer scans: the till demands the payment, which waits for the customer's confirm on the phone.
  await control('oplati/_control/customer/act', { dynamicQR: payload, action: 'scan' })
  type Payments = { payments: { paymentId: string; status: number }[] }
  const state = async () => ((await control('oplati/_control/state')) as Payments).payments[0]
  await expect.poll(async () => (await state())?.paymentId, { timeout: 20_000 }).toBeTruthy()
  await crash(context, a)
  await control('oplati/_control/customer/act', { paymentId: (await state())!.paymentId, action: 'confirm' })
  await stopUnlessSettled(b)
  await settledInJournal(b, ['compensated', 'approved'])
  await context.close()
})

it('Inpas on the pin-pad bridge: the paying tab crashes while the customer pays by card; the pin-pad outlives it and the other tab settles the sale by ecrNo', async () => {
  // The demo's in-page pin-pad lives in the till's tab and dies with it; a pin-pad outlives a tab, as the sandbox's
  // Node emulator behind the bridge does. Its customer pays 5 s after the card prompt.
  await control('inpas/_control/reset', { config: { customer: { choice: 'card', afterMs: 5_000, outcome: 'pay' }, waitIntervalMs: 1_000, cardWaitS: 30 } })
  const { context, page: a } = await newPage(browser)
  // The admin connects this till's Inpas type to the bridge (a per-till setting).
  await a.goto(`${baseURL()}/#/settings`)
  await a.getByRole('button', { name: /^№ \d+ · Inpas/ }).click()
  await a.getByTestId('pt-form').waitFor()
  await a.getByRole('combobox', { name: /^transport/ }).selectOption('bridge')
  await a.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => a.getByTestId('settings-notice').textContent()).toBe('Сохранено')
  await a.goto(`${baseURL()}/#/sale`)
  await a.reload()
  await a.getByTestId('type-inpas-sbp-1').click()
  await a.getByTestId('amount').fill('150')
  await a.getByTestId('pay-card').click()
  type Pad = { op: { phase: string } | null; journal: { kind: string; status: number }[] }
  const pad = async () => (await control('inpas/_control/state')) as Pad
  await expect.poll(async () => (await pad()).op?.phase, { timeout: 20_000 }).toBe('card')
  // The other till tab shows the sale (a card payment on the pin-pad offers no stop: the customer is at the pin-pad).
  const b = await context.newPage()
  await b.goto(baseURL())
  await b.locator('[data-testid=result][data-state=sent]').waitFor({ timeout: 20_000 })
  await crash(context, a)
  // The customer pays on the pin-pad with no till listening.
  await expect.poll(async () => (await pad()).journal.filter((e) => e.kind === 'sale').map((e) => e.status), { timeout: 30_000 }).toEqual([1])
  await stopUnlessSettled(b)
  // The other tab asks the same pin-pad about the sale's ecrNo: paid, once.
  await settledInJournal(b, ['approved'])
  expect((await pad()).journal.filter((e) => e.kind === 'sale')).toHaveLength(1)
  await context.close()
})
