// The till as an attacker and a careless admin meet it, in Chromium: a host on a
// real second origin replays a refund; a page of another origin fixes an order's amount by URL; a
// reused window gets a new order; the host cancels without the supervisor PIN; a new tab of a locked
// kiosk; a burst of PINs at the kiosk's exit; exports with a secret `000` and the customer's phone;
// the control API and the pin-pad bridge from a page on another loopback port.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { baseURL, clickCalls, control, launch, mint, newPage, resetSandbox, scan } from './support.ts'
import { answerConfirm } from './confirm-support.ts'
import { allowHost, closeHosts, payByUrl, serveHost, setAdminPin } from './host-support.ts'

let browser: Browser
let hostOrigin = ''
let foreignOrigin = ''
const servers: Server[] = []
beforeAll(async () => {
  browser = await launch()
  hostOrigin = await serveHost()
  foreignOrigin = await serveHost()
})
afterAll(async () => {
  await browser?.close()
  closeHosts()
  for (const s of servers) s.close()
})
beforeEach(async () => {
  await resetSandbox()
})

type HostMsg = { type: string; kind?: string; outcome?: string; operationId?: string; order?: string; code?: string; repeated?: boolean; amountMinor?: number }
const messages = async (host: Page): Promise<HostMsg[]> => (await host.locator('#log li').allTextContents()).map((t) => JSON.parse(t) as HostMsg)
const results = async (host: Page) => (await messages(host)).filter((m) => m.type === 'paydesk.result')
const errors = async (host: Page) => (await messages(host)).filter((m) => m.type === 'paydesk.error')

async function openHost(context: BrowserContext, origin: string): Promise<Page> {
  const host = await context.newPage()
  await host.goto(origin)
  return host
}
async function openTill(context: BrowserContext, host: Page, screen: 'pay' | 'self' = 'pay'): Promise<Page> {
  await host.getByLabel('Screen').selectOption(screen)
  const popup = context.waitForEvent('page')
  await host.getByRole('button', { name: 'Open Paydesk' }).click()
  return popup
}
async function hostPays(host: Page, order: string, amount: string) {
  await host.getByLabel('Order').fill(order)
  await host.getByLabel('Amount, minor units').fill(amount)
  await host.getByRole('button', { name: 'Pay', exact: true }).click()
}

it('18.1: a host that resends its refund (same requestId) gets the first refund back; no second refund is made', async () => {
  const { context } = await newPage(browser)
  await allowHost(context, hostOrigin)
  const host = await openHost(context, hostOrigin)
  const till = await openTill(context, host)
  await hostPays(host, 'RR-1', '150000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('1 500')
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'pay').length, { timeout: 20_000 }).toBe(1)

  await host.getByLabel('Request id').fill('refund-RR-1')
  await host.getByRole('button', { name: 'Refund' }).click()
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'refund').length, { timeout: 20_000 }).toBe(1)
  const [first] = (await results(host)).filter((r) => r.kind === 'refund')
  expect(first).toMatchObject({ outcome: 'approved', order: 'RR-1' })
  // The host's own timeout fired: it sends the very same request again.
  await host.getByRole('button', { name: 'Refund' }).click()
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'refund').length, { timeout: 20_000 }).toBe(2)
  expect((await results(host)).filter((r) => r.kind === 'refund')[1]).toMatchObject({ operationId: first!.operationId, outcome: 'approved', repeated: true })
  expect(await errors(host)).toEqual([])
  expect((await clickCalls()).filter((c) => /refund|revers/i.test(c.route))).toHaveLength(1)
  await context.close()
})

it('18.2: a page of another origin cannot fix an order’s amount by URL; the real host’s amount is the one paid, and a repeat with another amount is refused', async () => {
  const { context } = await newPage(browser)
  await allowHost(context, hostOrigin)
  // The attacker's page opens the till with its own amount for the host's next order.
  const foreign = await openHost(context, foreignOrigin)
  const bait = await payByUrl(context, foreign, 'pay', 'SQ-2', '100000')
  await expect
    .poll(async () => (await bait.getByTestId('host-pending').textContent())?.replace(/\s/g, ' '), { timeout: 15_000 })
    .toBe('Заказ SQ-2 на 1 000 сум ждёт подтверждения от кассовой программы')
  expect(await bait.getByTestId('amount').inputValue()).toBe('')
  expect(await bait.getByTestId('amount').isEditable()).toBe(true)
  await bait.close()

  const host = await openHost(context, hostOrigin)
  const till = await openTill(context, host)
  await hostPays(host, 'SQ-2', '500000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('5 000')
  expect(await errors(host)).toEqual([])
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await expect.poll(async () => (await results(host)).map((r) => [r.outcome, r.amountMinor]), { timeout: 20_000 }).toEqual([['approved', 500000]])
  // A request for the paid order with another amount is not answered with that payment.
  await hostPays(host, 'SQ-2', '100000')
  await expect.poll(async () => (await errors(host)).map((m) => m.code)).toEqual(['amount-mismatch'])
  expect(await results(host)).toHaveLength(1)
  await context.close()
})

it('17.7: a new order by URL in the reused window is a new sale once the previous one is final (#/pay and #/self)', async () => {
  const { context } = await newPage(browser)
  await setAdminPin(context, '4826')
  await allowHost(context, hostOrigin, '4826')
  const host = await openHost(context, hostOrigin)
  const till = await payByUrl(context, host, 'pay', 'U-3', '300000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('3 000')
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await till.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  // The same window gets U-4 by URL alone (window.open(url, 'paydesk')): a new sale, waiting for the host.
  const reopen = (hash: string) => host.evaluate((u) => void window.open(u, 'paydesk'), `${baseURL()}/#/${hash}`)
  await reopen('pay?amount=400000&order=U-4')
  await expect
    .poll(async () => (await till.getByTestId('host-pending').textContent())?.replace(/\s/g, ' '), { timeout: 15_000 })
    .toBe('Заказ U-4 на 4 000 сум ждёт подтверждения от кассовой программы')
  expect(await till.getByTestId('amount-locked').count()).toBe(0)
  // The host confirms it by message: it is the sale, its amount locked.
  await hostPays(host, 'U-4', '400000')
  await expect.poll(() => till.getByTestId('amount').inputValue(), { timeout: 15_000 }).toBe('4 000')
  expect(await till.getByTestId('amount-locked').count()).toBe(1)
  await till.close()

  const kiosk = await payByUrl(context, host, 'self', 'U-5', '500000')
  await expect.poll(async () => (await kiosk.getByTestId('self-amount').textContent())?.replace(/\s/g, ' '), { timeout: 15_000 }).toBe('5 000 сум')
  await reopen('self?amount=600000&order=U-6')
  await expect.poll(() => kiosk.getByTestId('self').getAttribute('data-screen'), { timeout: 15_000 }).toBe('waiting')
  await hostPays(host, 'U-6', '600000')
  await expect.poll(async () => (await kiosk.getByTestId('self-amount').textContent())?.replace(/\s/g, ' '), { timeout: 15_000 }).toBe('6 000 сум')
  await context.close()
})

it('18.5: the host’s cancel needs the supervisor PIN: the till asks, «Отмена» refuses it and nothing is cancelled', async () => {
  const { context, page } = await newPage(browser)
  await setAdminPin(context, '2468')
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pin-input').fill('2468')
  await page.getByTestId('pin-submit').click()
  await page.getByRole('textbox', { name: 'Новый PIN старшего кассира (пусто — не спрашивать)' }).fill('9753')
  await page.getByRole('textbox', { name: 'PIN администратора' }).fill('2468')
  await page.getByRole('button', { name: 'Сохранить PIN старшего кассира' }).click()
  await expect.poll(() => page.getByTestId('supervisor-state').textContent()).toBe('Журнал спрашивает PIN старшего кассира')
  await page.close()
  await allowHost(context, hostOrigin, '2468')
  const host = await openHost(context, hostOrigin)
  const till = await openTill(context, host)
  await hostPays(host, 'SV-1', '150000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('1 500')
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await expect.poll(async () => (await results(host)).length, { timeout: 20_000 }).toBe(1)

  await host.getByRole('button', { name: 'Cancel' }).click()
  const dialog = till.getByRole('dialog')
  await dialog.getByText('Возврат денег: введите PIN старшего кассира').waitFor()
  await dialog.getByRole('button', { name: 'Отмена' }).click()
  await expect.poll(async () => (await errors(host)).map((m) => m.code)).toEqual(['refused'])
  expect((await clickCalls()).filter((c) => /cancel|revers/i.test(c.route))).toHaveLength(0)
  // A wrong PIN sent by the host is refused too; the right one cancels.
  await host.getByLabel('Supervisor PIN').fill('1111')
  await host.getByRole('button', { name: 'Cancel' }).click()
  await expect.poll(async () => (await errors(host)).length).toBe(2)
  await host.getByLabel('Supervisor PIN').fill('9753')
  await host.getByRole('button', { name: 'Cancel' }).click()
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'cancel').map((r) => r.outcome), { timeout: 20_000 }).toEqual(['approved'])
  await context.close()
})

it('17.2, 18.4, 18.6: the kiosk needs an admin PIN; a new tab of a locked kiosk is the kiosk; a burst of PINs at its exit does not open it', async () => {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, hasTouch: true, locale: 'ru-RU' })
  const page = await context.newPage()
  await page.goto(`${baseURL()}/#/self`)
  await expect
    .poll(() => page.getByTestId('self-refused').textContent())
    .toBe('Самообслуживание не запущено: сначала задайте PIN администратора в Настройках — без него из киоска может выйти любой')
  await page.getByRole('button', { name: 'English' }).click()
  await expect
    .poll(() => page.getByTestId('self-refused').textContent())
    .toBe('Self-checkout not started: set the admin PIN in Settings first — without it anyone can leave the kiosk')
  await page.getByRole('button', { name: 'Русский' }).click()
  await page.getByRole('link', { name: 'Настройки' }).click()
  await page.getByTestId('pin-next').fill('1009')
  await page.getByTestId('pin-save').click()
  await expect.poll(() => page.getByTestId('pin-note').textContent()).toBe('PIN сохранён')
  await page.goto(`${baseURL()}/#/self`)
  await page.getByTestId('attract').waitFor()

  // A new tab (Ctrl+T and an address) opens the self-checkout, not the till.
  const tab = await context.newPage()
  await tab.goto(`${baseURL()}/#/journal`)
  await tab.getByTestId('self').waitFor()
  expect(await tab.locator('[data-nav=journal]').count()).toBe(0)
  await tab.close()

  // A wedge scanner reads a QR of 1000⏎1001⏎…1049⏎ into the exit form, faster than one PIN is checked: the 10th is the PIN.
  await page.getByRole('button', { name: 'Выход для сотрудника' }).tap()
  const pin = page.getByLabel('Введите PIN сотрудника, чтобы выйти из самообслуживания')
  await pin.waitFor()
  await pin.evaluate((input: HTMLInputElement) => {
    for (let i = 0; i < 50; i++) {
      input.value = String(1000 + i)
      input.dispatchEvent(new Event('input', { bubbles: true }))
      input.form!.requestSubmit()
    }
  })
  await expect.poll(() => page.getByTestId('self-pin-note').textContent(), { timeout: 20_000 }).toBe('Неверный PIN')
  expect(await page.getByTestId('self').count()).toBe(1)
  await context.close()
})

it('18.7, 18.8: with a secret 000 the journal and log export parse; the customer’s phone is masked in the log', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('amount').fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('button', { name: /^№ \d+ · ClickPass/ }).click()
  await page.getByRole('textbox', { name: /^cashboxCode\b/ }).fill('000')
  await page.getByRole('textbox', { name: /^secretKey\b/ }).fill('000')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await expect.poll(() => page.getByTestId('settings-notice').textContent()).toBe('Сохранено')
  const [logFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт журнала запросов' }).click()])
  const log = await readFile((await logFile.path())!, 'utf8')
  for (const line of log.split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow()
  expect(log).toMatch(/phone_number/)
  expect(log).not.toMatch(/99890\d{7}/)
  expect(log).toMatch(/998\*{5}\d{4}/)
  await page.click('[data-nav=journal]')
  const [journalFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт журнала (JSON)', exact: true }).click()])
  const journal = JSON.parse(await readFile((await journalFile.path())!, 'utf8')) as { operations: unknown[] }
  expect(journal.operations).toHaveLength(1)
  expect(await page.getByTestId('journal-message').count()).toBe(0)
  await context.close()
})

it('18.9: a page on another loopback port cannot read the control API or drive the pin-pad bridge', async () => {
  await control('clickpass/_control/faults', { route: 'payment', fault: 'decline', times: 0 })
  const page0 = createServer((_, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end('<!doctype html><p>another app on this till</p>')
  })
  servers.push(page0)
  await new Promise<void>((r) => page0.listen(0, '127.0.0.1', r))
  const { context, page } = await newPage(browser)
  await page.goto(`http://127.0.0.1:${(page0.address() as AddressInfo).port}/`)
  const outcome = await page.evaluate(async (b) => {
    const read = await fetch(`${b}/sandbox/clickpass/_control/config`, { headers: { 'X-Paydesk-Sandbox': '1' } }).then(
      async (r) => `answered ${r.status} ${(await r.text()).slice(0, 40)}`,
      () => 'no answer',
    )
    const del = await fetch(`${b}/sandbox/clickpass/_control/faults`, { method: 'DELETE', headers: { 'X-Paydesk-Sandbox': '1' } }).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    )
    const ws = await new Promise<string>((resolve) => {
      const s = new WebSocket(`${b.replace(/^http/, 'ws')}/sandbox/inpas/serial`)
      s.onopen = () => (s.close(), resolve('open'))
      s.onerror = () => resolve('refused')
      s.onclose = () => resolve('refused')
    })
    return { read, del, ws }
  }, baseURL())
  expect(outcome).toEqual({ read: 'no answer', del: 'no answer', ws: 'refused' })
  expect(await control('clickpass/_control/faults')).toHaveLength(1)
  await context.close()
})

it('17.2: on a till that also served as a self-checkout, money going back asks for the admin PIN even with no supervisor PIN', async () => {
  const { context, page } = await newPage(browser)
  await setAdminPin(context, '3579')
  await page.goto(baseURL())
  await page.getByTestId('amount').fill('1700')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  // The same till runs the self-checkout for a while, then staff leave it with the PIN.
  await page.goto(`${baseURL()}/#/self`)
  await page.getByTestId('attract').waitFor()
  await page.getByRole('button', { name: 'Выход для сотрудника' }).click()
  await page.getByLabel('Введите PIN сотрудника, чтобы выйти из самообслуживания').fill('3579')
  await page.getByRole('button', { name: 'Выйти' }).click()
  await page.getByTestId('amount').waitFor()
  await page.click('[data-nav=journal]')
  await page.getByRole('button', { name: 'Отменить', exact: true }).click()
  await answerConfirm(page)
  const dialog = page.getByRole('dialog')
  await dialog.getByText('Возврат денег: введите PIN администратора').waitFor()
  await dialog.getByRole('textbox').fill('1111')
  await dialog.getByRole('button', { name: 'Подтвердить' }).click()
  await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Неверный PIN')
  await dialog.getByRole('button', { name: 'Отмена' }).click()
  expect(await page.locator('.row[data-kind=cancel]').count()).toBe(0)
  await page.getByRole('button', { name: 'Отменить', exact: true }).click()
  await answerConfirm(page)
  await page.getByRole('dialog').getByRole('textbox').fill('3579')
  await page.getByRole('dialog').getByRole('button', { name: 'Подтвердить' }).click()
  await page.locator('.row[data-kind=cancel] [data-state=approved]').waitFor({ timeout: 20_000 })
  await context.close()
})
