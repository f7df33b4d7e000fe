// `npm run screenshots` (with `npm start` running): the README's pictures, taken in headless
// Debian Chromium against the demo sandboxes. PAYDESK_URL overrides http://127.0.0.1:4173.
import { chromium } from 'playwright-core'
import { CHROMIUM, FLAGS } from '../test/browser/support.ts'

const BASE = process.env.PAYDESK_URL ?? 'http://127.0.0.1:4173'
const ctl = async (path: string, body?: unknown, method?: string) => {
  const r = await fetch(`${BASE}/sandbox/${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const t = await r.text()
  return t ? (JSON.parse(t) as Record<string, unknown>) : {}
}
const token = async () => (await ctl('clickpass/_control/wallet/token', {})).token as string

await ctl('_control/reset', {})
const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
const context = await browser.newContext({ viewport: { width: 1280, height: 760 } })
const page = await context.newPage()
await page.addInitScript(() => (window.print = () => undefined))

async function payOnce(amount: string, state: string) {
  await page.goto(`${BASE}/#/sale`)
  if (await page.getByTestId('new-sale').count()) await page.getByTestId('new-sale').click()
  await page.getByTestId('amount').fill(amount)
  await page.getByTestId('code').fill(await token())
  await page.getByTestId('pay').click()
  await page.locator(`[data-testid=result][data-state=${state}]`).waitFor({ timeout: 30_000 })
}

await page.goto(BASE)
await page.getByTestId('amount').waitFor()
await payOnce('1500,50', 'approved')
await page.screenshot({ path: 'docs/sale-approved-ru.png' })
await page.selectOption('[data-testid=lang]', 'uz')
await payOnce('2000,91', 'declined')
await page.screenshot({ path: 'docs/sale-declined-uz.png' })
await page.selectOption('[data-testid=lang]', 'en')
await page.goto(`${BASE}/#/journal`)
await page.locator('tbody tr').first().waitFor()
await page.screenshot({ path: 'docs/journal-en.png' })
await page.goto(`${BASE}/#/sale`)
if (await page.getByTestId('new-sale').count()) await page.getByTestId('new-sale').click()
await ctl('oplati/_control/config', { autoCustomer: false }, 'PUT')
await page.getByTestId('type-oplati-1').click()
await page.getByTestId('amount').fill('17.05')
await page.getByTestId('pay').click()
await page.locator('[data-testid=qr] svg').waitFor()
await page.screenshot({ path: 'docs/oplati-qr-en.png' })
await page.getByTestId('stop').click()
await page.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 30_000 })
await page.selectOption('[data-testid=lang]', 'ru')
await page.goto(`${BASE}/#/settings`)
await page.getByTestId('pt-form').waitFor()
await page.screenshot({ path: 'docs/settings-ru.png', fullPage: true })
const phone = await browser.newPage({ viewport: { width: 390, height: 760 } })
await phone.goto(`${BASE}/sandbox/phone`)
await phone.locator('#outcomes > *').first().waitFor() // the page's script has drawn the outcomes
await phone.screenshot({ path: 'docs/sandbox-phone.png' })
await browser.close()
console.log('screenshots written to docs/')
