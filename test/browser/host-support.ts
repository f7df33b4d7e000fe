// A host on a real second origin: the sample host page served by another HTTP server on
// another 127.0.0.1 port. A sale by URL carries no authority until an allowed origin confirms it by
// message, so a test that starts a sale by URL goes through a host, as a real till does.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { baseURL } from './support.ts'
import { hostPage } from '../../sandbox/host/page.ts'

const servers: Server[] = []

/** Serve the sample host page on a new 127.0.0.1 port; its origin. */
export async function serveHost(): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(hostPage(baseURL()))
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export const closeHosts = () => {
  for (const s of servers.splice(0)) s.close()
}

/** The admin allows the host's origin in Settings (behind the admin PIN when one is set). */
export async function allowHost(context: BrowserContext, origin: string, adminPin?: string) {
  const page = await context.newPage()
  await page.goto(`${baseURL()}/#/settings`)
  if (adminPin) {
    await page.getByTestId('pin-input').fill(adminPin)
    await page.getByTestId('pin-submit').click()
  }
  await page.getByLabel('Источники').fill(origin)
  await page.getByRole('button', { name: 'Сохранить источники' }).click()
  await expect.poll(() => page.getByTestId('host-origins-note').textContent()).toBe('Сохранено источников: 1')
  await page.close()
}

/** The admin sets the admin PIN in Settings (a self-checkout starts only behind one). */
export async function setAdminPin(context: BrowserContext, pin: string) {
  const page = await context.newPage()
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByTestId('pin-next').fill(pin)
  await page.getByTestId('pin-save').click()
  await expect.poll(() => page.getByTestId('pin-note').textContent()).toBe('PIN сохранён')
  await page.close()
}

/** The host page (already open) starts a sale by URL and confirms it by message: the Paydesk window it opened. */
export async function payByUrl(
  context: BrowserContext,
  host: Page,
  screen: 'self' | 'pay',
  order: string,
  amount: string,
  idle?: number,
  currency?: string,
): Promise<Page> {
  await host.getByLabel('Screen').selectOption(screen)
  await host.getByLabel('Idle, s').fill(idle ? String(idle) : '')
  await host.getByLabel('Order').fill(order)
  await host.getByLabel('Amount, minor units').fill(amount)
  await host.getByLabel('Currency').fill(currency ?? '')
  const popup = context.waitForEvent('page')
  await host.getByRole('button', { name: 'Pay by URL' }).click()
  return popup
}

/**
 * The till's screen a host opened by URL (`#/pay`) is the host's sale once the host's own message for that order came
 * (the URL alone carries no authority, and the host sends it only when Paydesk says it is ready): then the host's
 * amount stands in the field, locked, as the cashier sees it. Before that the field is empty and «Оплатить» answers
 * «Введите сумму»: a test that pays on that screen waits for this first, as a cashier does. (The self-checkout needs
 * no such wait: it offers its tiles only once the order is confirmed.)
 */
export async function hostAmountShown(page: Page, timeout = 30_000): Promise<void> {
  await page.getByText('Сумма от кассовой программы, изменить нельзя').waitFor({ timeout })
}

/** A host on its own origin, allowed in Settings, opens Paydesk by URL for `order` and confirms it. */
export async function hostOpens(
  context: BrowserContext,
  screen: 'self' | 'pay',
  order: string,
  amount: string,
  o: { adminPin?: string; idle?: number; currency?: string } = {},
) {
  const origin = await serveHost()
  await allowHost(context, origin, o.adminPin)
  const host = await context.newPage()
  await host.goto(origin)
  const page = await payByUrl(context, host, screen, order, amount, o.idle, o.currency)
  return { host, page }
}
