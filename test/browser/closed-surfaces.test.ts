// The demo surfaces are closed to other origins: the sandbox control API answers no
// page elsewhere, and the app is served with a CSP, nosniff, no referrer and no source maps —
// and still takes a payment under them (worker, service worker, slip, QR).
import { expect, it } from 'vitest'
import { baseURL, control, mint, newPage, scan, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

it('the app is served with its CSP, nosniff, no referrer and no source maps', async () => {
  const res = await fetch(baseURL())
  const csp = res.headers.get('content-security-policy') ?? ''
  for (const part of ["default-src 'self'", "frame-ancestors 'self'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(part)
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  const entry = /<script[^>]+src="([^"]+\.js)"/.exec(await res.text())?.[1]
  expect(entry).toBeTruthy()
  const js = await (await fetch(new URL(entry!, baseURL()))).text()
  expect(js).not.toContain('sourceMappingURL')
  const map = await fetch(new URL(`${entry!}.map`, baseURL()))
  expect(map.ok && (await map.text()).includes('"mappings"')).toBe(false)
})

it('a payment goes through under the CSP with no violation reported', async () => {
  const { context, page } = await newPage(browser)
  const refused: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text())
  })
  await page.goto(baseURL())
  await page.getByTestId('amount').fill('1500')
  await page.getByTestId('code').click()
  await scan(page, await mint())
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 30_000 })
  expect(refused).toEqual([])
  await context.close()
})

it('a page of another origin gets no answer from the sandbox control API and changes nothing', async () => {
  await control('clickpass/_control/faults', { route: 'payment', fault: 'decline', times: 0 })
  const { context, page } = await newPage(browser)
  // about:blank with content: an opaque origin, i.e. any other web page.
  await page.setContent('<p>elsewhere</p>')
  const base = baseURL()
  const outcome = await page.evaluate(async (b) => {
    const read = await fetch(`${b}/sandbox/clickpass/_control/config`, { headers: { 'X-Paydesk-Sandbox': '1' } }).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    )
    const plain = await fetch(`${b}/sandbox/clickpass/_control/config`).then(
      (r) => `answered ${r.status}`,
      () => 'no answer',
    )
    // A form-style POST needs no preflight: it may leave, but it must change nothing.
    await fetch(`${b}/sandbox/_control/reset`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{}' }).catch(
      () => undefined,
    )
    await fetch(`${b}/sandbox/clickpass/_control/faults`, { method: 'DELETE', mode: 'no-cors' }).catch(() => undefined)
    return { read, plain }
  }, base)
  expect(outcome).toEqual({ read: 'no answer', plain: 'no answer' })
  expect(await control('clickpass/_control/faults')).toHaveLength(1)
  await context.close()
})
