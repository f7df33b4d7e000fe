// Host POS contract v1 from a second origin: the sample host page (sandbox/host) is
// served by another HTTP server on another 127.0.0.1 port and opens Paydesk in a window. An
// allowed host pays, cancels and refunds by messages and hears exactly one result for each; a
// foreign origin gets nothing and changes nothing; another amount for the same order is refused;
// a repeated request is answered with the first payment and charges nothing.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { BrowserContext, Page } from 'playwright-core'
import { baseURL, clickCalls, mint, newPage, scan, useBrowser } from './support.ts'
import { hostPage } from '../../sandbox/host/page.ts'

const browser = useBrowser({ resetSandbox: true })
const servers: Server[] = []
let hostOrigin = ''
let foreignOrigin = ''

async function serveHost(): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(hostPage(baseURL()))
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

beforeAll(async () => {
  hostOrigin = await serveHost()
  foreignOrigin = await serveHost()
})
afterAll(async () => {
  for (const s of servers) s.close()
})

type HostMsg = {
  type: string
  kind?: string
  outcome?: string
  operationId?: string
  order?: string
  code?: string
  repeated?: boolean
  demo?: boolean
  stage?: string
  operations?: unknown[]
}
const messages = async (host: Page): Promise<HostMsg[]> => (await host.locator('#log li').allTextContents()).map((t) => JSON.parse(t) as HostMsg)
const results = async (host: Page) => (await messages(host)).filter((m) => m.type === 'paydesk.result')

/** The admin allows the host's origin in Settings; it is still there after a reload. */
async function allow(context: BrowserContext, origin: string) {
  const page = await context.newPage()
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByLabel('Источники').fill(origin)
  await page.getByRole('button', { name: 'Сохранить источники' }).click()
  await expect.poll(() => page.getByTestId('host-origins-note').textContent()).toBe('Сохранено источников: 1')
  await page.reload()
  await expect.poll(() => page.getByLabel('Источники').inputValue()).toBe(origin)
  await page.close()
}

/** The host opens Paydesk's till in a window. */
async function openTill(context: BrowserContext, host: Page): Promise<Page> {
  await host.getByLabel('Screen').selectOption('pay')
  const popup = context.waitForEvent('page')
  await host.getByRole('button', { name: 'Open Paydesk' }).click()
  const till = await popup
  await till.getByTestId('amount').waitFor()
  return till
}

async function hostPays(host: Page, order: string, amount: string) {
  await host.getByLabel('Order').fill(order)
  await host.getByLabel('Amount, minor units').fill(amount)
  await host.getByRole('button', { name: 'Pay', exact: true }).click()
}

/** Waits until the host's status answer is in: every message sent before it has arrived too. */
async function settle(host: Page) {
  const before = (await messages(host)).filter((m) => m.type === 'paydesk.status').length
  await host.getByRole('button', { name: 'Status' }).click()
  await expect.poll(async () => (await messages(host)).filter((m) => m.type === 'paydesk.status').length, { timeout: 15_000 }).toBe(before + 1)
}

it('an allowed host pays, cancels and refunds by messages, hears exactly one result each, and a repeated request charges nothing', async () => {
  const { context } = await newPage(browser)
  await allow(context, hostOrigin)
  const host = await context.newPage()
  await host.goto(hostOrigin)
  const till = await openTill(context, host)

  await hostPays(host, 'A-1', '150000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('1 500')
  expect(await till.getByTestId('amount').getAttribute('readonly')).not.toBeNull()
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await till.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await expect.poll(async () => (await results(host)).length, { timeout: 15_000 }).toBe(1)
  const [paid] = await results(host)
  expect(paid).toMatchObject({ kind: 'pay', outcome: 'approved', order: 'A-1', amountMinor: 150000, currency: 'UZS', demo: true })
  expect((await messages(host)).find((m) => m.type === 'paydesk.progress')).toMatchObject({ order: 'A-1', stage: 'waiting-scan' })

  // The same request again: the first payment comes back, nothing is charged.
  await hostPays(host, 'A-1', '150000')
  await expect.poll(async () => (await results(host)).length, { timeout: 15_000 }).toBe(2)
  expect((await results(host))[1]).toMatchObject({ operationId: paid!.operationId, outcome: 'approved', repeated: true })
  expect((await clickCalls()).filter((c) => c.route === 'payment')).toHaveLength(1)

  // Cancel by message.
  await host.getByRole('button', { name: 'Cancel' }).click()
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'cancel').length, { timeout: 20_000 }).toBe(1)
  expect((await results(host)).find((r) => r.kind === 'cancel')).toMatchObject({ outcome: 'approved', order: 'A-1', original: paid!.operationId })

  // A second order, refunded by message.
  await till.getByTestId('new-sale').click()
  await hostPays(host, 'A-2', '250000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('2 500')
  await till.getByTestId('code').click()
  await scan(till, await mint())
  await expect.poll(async () => (await results(host)).filter((r) => r.order === 'A-2').map((r) => r.outcome), { timeout: 20_000 }).toEqual(['approved'])
  await host.getByRole('button', { name: 'Refund' }).click()
  await expect.poll(async () => (await results(host)).filter((r) => r.kind === 'refund').length, { timeout: 20_000 }).toBe(1)
  expect((await results(host)).find((r) => r.kind === 'refund')).toMatchObject({ outcome: 'approved', order: 'A-2', amountMinor: 250000 })

  // Nothing arrives twice, also after a reload of the till.
  await till.reload()
  await till.getByTestId('amount').waitFor()
  await settle(host)
  const ids = (await results(host)).filter((r) => !r.repeated).map((r) => r.operationId)
  expect(ids).toHaveLength(4)
  expect(new Set(ids).size).toBe(4)
  await context.close()
})

it('another amount for the same order is refused, and a malformed amount is refused to the cashier and the host', async () => {
  const { context } = await newPage(browser)
  await allow(context, hostOrigin)
  const host = await context.newPage()
  await host.goto(hostOrigin)
  const till = await openTill(context, host)
  await hostPays(host, 'B-1', '150000')
  await expect.poll(() => till.getByTestId('amount').inputValue()).toBe('1 500')
  // The cashier cannot type over the host's amount.
  await till.getByTestId('amount').click()
  await till.keyboard.press('End')
  await till.keyboard.type('9')
  expect(await till.getByTestId('amount').inputValue()).toBe('1 500')

  await hostPays(host, 'B-1', '200000')
  await expect.poll(async () => (await messages(host)).filter((m) => m.type === 'paydesk.error').map((m) => m.code)).toEqual(['amount-mismatch'])
  expect(await till.getByTestId('amount').inputValue()).toBe('1 500')

  // A malformed amount by URL: the cashier is told, the host gets an error, nothing is started.
  await till.close()
  for (const bad of ['0x10', '1e3', '-5']) {
    await host.getByLabel('Order').fill(`B-${bad}`)
    await host.getByLabel('Amount, minor units').fill(bad)
    const popup = context.waitForEvent('page')
    await host.getByRole('button', { name: 'Pay by URL' }).click()
    const t = await popup
    await expect.poll(() => t.getByTestId('host-error').textContent(), { timeout: 15_000 }).toContain('Кассовая программа передала неверную сумму')
    expect(await t.getByTestId('amount').inputValue()).toBe('')
    await expect
      .poll(async () => (await messages(host)).filter((m) => m.type === 'paydesk.error' && m.code === 'bad-amount' && m.order === `B-${bad}`).length)
      // One for the URL, one for the host's confirming message (a URL alone carries no authority).
      .toBe(2)
    await t.close()
  }
  expect((await clickCalls()).filter((c) => c.route === 'payment')).toHaveLength(0)
  await context.close()
})

it('a foreign origin gets nothing and changes nothing; its request is logged', async () => {
  const { context } = await newPage(browser)
  await allow(context, hostOrigin)
  const foreign = await context.newPage()
  await foreign.goto(foreignOrigin)
  const till = await openTill(context, foreign)
  await hostPays(foreign, 'F-1', '150000')
  const logged = () =>
    till.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('paydesk')
          open.onsuccess = () => {
            const all = open.result.transaction('log').objectStore('log').getAll()
            all.onsuccess = () =>
              resolve((all.result as { source: string; event: string }[]).filter((e) => e.source === 'host' && e.event === 'request ignored').length)
          }
        }),
    )
  await expect.poll(logged, { timeout: 20_000 }).toBeGreaterThan(0)
  expect(await till.getByTestId('amount').inputValue()).toBe('')
  expect(await foreign.locator('#log li').count()).toBe(0)
  // The allowed origin gets no copy either of what the foreign one asked: the order does not exist.
  expect(
    await till.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('paydesk')
          open.onsuccess = () => {
            const all = open.result.transaction('operations').objectStore('operations').getAll()
            all.onsuccess = () => resolve((all.result as unknown[]).length)
          }
        }),
    ),
  ).toBe(0)
  await context.close()
})
