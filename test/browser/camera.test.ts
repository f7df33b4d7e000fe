// The camera path in a real browser: Chromium's fake camera plays a Y4M picture of the
// customer's QR (written here from the minted code), html5-qrcode reads it, and the payment
// goes through — the one thing only a browser with a camera does.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import QRCode from 'qrcode'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { baseURL, clickCalls, launch, mint, newPage, resetSandbox } from './support.ts'

let browser: Browser
let dir: string
let code: string

/** One grey-scale Y4M frame (I420) showing `text` as a QR code in the middle, well inside the scanner's box. */
function qrY4m(text: string, size = 480): Buffer {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const scale = Math.floor(size / 2.6 / n)
  const offset = Math.floor((size - scale * n) / 2)
  const y = Buffer.alloc(size * size, 255)
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (qr.modules.get(r, c))
        for (let dy = 0; dy < scale; dy++)
          y.fill(0, (offset + r * scale + dy) * size + offset + c * scale, (offset + r * scale + dy) * size + offset + (c + 1) * scale)
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128)
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), y, chroma])
}

beforeAll(async () => {
  await resetSandbox()
  code = await mint()
  dir = mkdtempSync(join(tmpdir(), 'paydesk-camera-'))
  const file = join(dir, 'qr.y4m')
  writeFileSync(file, qrY4m(code))
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`])
})
afterAll(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('reads the customer’s QR from the camera and takes the payment', async () => {
  const { context, page } = await newPage(browser)
  await context.grantPermissions(['camera'], { origin: baseURL() })
  await page.goto(baseURL())
  await page.getByTestId('type-clickpass-1').click()
  await page.getByTestId('amount').fill('1500,50')
  await page.getByTestId('camera').click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
  const pays = (await clickCalls()).filter((c) => c.route === 'payment')
  expect(pays).toHaveLength(1)
  expect(await page.locator('.camera-modal').count()).toBe(0)
  await context.close()
})
