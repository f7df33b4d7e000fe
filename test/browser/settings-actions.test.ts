// The other admin actions of Settings, done by label and visible text, each checked after a
// reload: the pin-pad port, O!plati's token, the queue, the request log, .conf import and export,
// «Проверить связь», the supervisor PIN in the journal, and the change log.
import { readFile } from 'node:fs/promises'
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { baseURL, control, mint, newPage, useBrowser } from './support.ts'
import { answerConfirm } from './confirm-support.ts'

const browser = useBrowser({ resetSandbox: true })

const field = (page: Page, name: string) => page.getByRole('textbox', { name: new RegExp(`^${name}\\b`) })
const notice = (page: Page) => page.getByTestId('settings-notice')
async function openSettings(page: Page) {
  await page.goto(`${baseURL()}/#/settings`)
  await page.getByRole('heading', { name: 'Настройки', exact: true }).waitFor()
}
/** A payment type from the list, by its «№ n · name» (the «+ Добавить …» buttons also carry provider names). */
const pick = async (page: Page, name: RegExp) => {
  await page.getByRole('button', { name: new RegExp(`^№ \\d+ · ${name.source}`) }).click()
  await page.getByTestId('pt-form').waitFor()
}
const saveForm = (page: Page) => page.getByRole('button', { name: 'Сохранить', exact: true }).click()

/** The pin-pad the browser's chooser would offer: a Web Serial port with a USB VID/PID (headless Chromium has no chooser). */
async function fakeSerial(page: Page) {
  await page.addInitScript(() => {
    const granted: { vid: number; pid: number }[] = []
    const port = (vid: number, pid: number) => ({
      getInfo: () => ({ usbVendorId: vid, usbProductId: pid }),
      forget: async () => {
        granted.splice(0, granted.length)
        ;(window as unknown as { __forgotten: number }).__forgotten = ((window as unknown as { __forgotten?: number }).__forgotten ?? 0) + 1
      },
    })
    Object.defineProperty(navigator, 'serial', {
      configurable: true,
      value: {
        requestPort: async () => (granted.push({ vid: 1659, pid: 8963 }), port(1659, 8963)),
        getPorts: async () => granted.map((g) => port(g.vid, g.pid)),
      },
    })
  })
}

it('grants the pin-pad port with «Выбрать порт» and forgets it with «Забыть порт», each kept after a reload', async () => {
  const { context, page } = await newPage(browser)
  await fakeSerial(page)
  await openSettings(page)
  await pick(page, /Inpas/)
  await page.getByRole('combobox', { name: /^transport\b/ }).selectOption('serial')
  await saveForm(page)
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await expect.poll(() => page.getByTestId('port-state').textContent()).toBe('Порт пин-пада не выбран')
  await page.getByRole('button', { name: 'Выбрать порт' }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Пин-пад выбран (VID 1659, PID 8963)')
  await page.reload()
  await pick(page, /Inpas/)
  await expect.poll(() => page.getByTestId('port-state').textContent()).toBe('Порт пин-пада: VID 1659, PID 8963')
  expect(await field(page, 'usbVendorId').inputValue()).toBe('1659')
  await page.getByRole('button', { name: 'Забыть порт' }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Порт пин-пада забыт')
  await page.reload()
  await pick(page, /Inpas/)
  await expect.poll(() => page.getByTestId('port-state').textContent()).toBe('Порт пин-пада не выбран')
  expect(await page.getByRole('button', { name: 'Забыть порт' }).count()).toBe(0)
  await context.close()
})

it('«Проверить связь» says plainly: connected for ClickPass, refused for a wrong key, not reachable for a dead url, link OK for the Inpas emulator', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await pick(page, /ClickPass/)
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent()).toContain('Связь есть: сервер ответил и принял учётные данные')
  await field(page, 'secretKey').fill('wrong-key')
  await saveForm(page)
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent()).toContain('учётные данные отклонены')
  await pick(page, /PaymeGO/)
  await field(page, 'url').fill('http://127.0.0.1:9/api')
  await field(page, 'timeout').fill('2')
  await saveForm(page)
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent(), { timeout: 15_000 }).toContain('недоступен из браузера. Вероятная причина: нет прокси на том же адресе')
  await pick(page, /Inpas/)
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent(), { timeout: 20_000 }).toContain('Пин-пад на связи, ID терминала 99000001')
  await context.close()
})

it('«Сбросить токен» deletes O!plati’s stored token, says so, and after a reload no token is stored', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await pick(page, /O!плати/)
  // The check obtains the token, as the first operation would.
  await page.getByRole('button', { name: 'Проверить связь' }).click()
  await expect.poll(() => notice(page).textContent()).toContain('Связь есть')
  await expect.poll(() => page.getByTestId('token-status').textContent()).toContain('Токен O!плати сохранён и действует')
  await page.getByRole('button', { name: 'Сбросить токен' }).click()
  await answerConfirm(page)
  await expect.poll(() => notice(page).textContent()).toBe('Токен удален. При следующем обращении будет получен новый')
  await page.reload()
  await pick(page, /O!плати/)
  await expect.poll(() => page.getByTestId('token-status').textContent()).toContain('Токена нет: он будет получен при первой операции')
  await context.close()
})

it('«Отправить сейчас» sends a waiting cancel and says how many went; the queue stays empty after a reload', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  await page.getByTestId('amount').fill('2500')
  await page.getByTestId('code').fill(await mint())
  await page.getByTestId('pay').click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await control('clickpass/_control/faults', { route: 'reversal', fault: 'offline', times: 0 })
  await control('clickpass/_control/faults', { route: 'status', fault: 'offline', times: 0 })
  await page.click('[data-nav=journal]')
  await page.getByTestId('cancel').click()
  await answerConfirm(page)
  await page.locator('.row[data-kind=cancel]').waitFor()
  await openSettings(page)
  await expect.poll(() => page.getByRole('main').getByText('Очередь пуста', { exact: true }).count(), { timeout: 20_000 }).toBe(0)
  await control('clickpass/_control/faults', undefined, 'DELETE')
  await page.getByRole('button', { name: 'Отправить сейчас' }).click()
  await expect
    .poll(() => notice(page).textContent(), { timeout: 20_000 })
    .toMatch(/^Очередь (отправлена: выполнено операций — [01]|сейчас отправляет другая вкладка)$/)
  await page.getByRole('main').getByText('Очередь пуста', { exact: true }).waitFor({ timeout: 30_000 })
  await page.reload()
  await page.getByRole('main').getByText('Очередь пуста', { exact: true }).waitFor()
  await context.close()
})

it('imports a .conf as a preview (old → new, unknown keys, url warning), applies it with «Применить», keeps the rest, and exports the unknown keys again', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await pick(page, /ClickPass/)
  const conf = '[Main]\n; from the old till\ntimeout = 15\nurl = https://pay.example/click\nlegacyPort = 9000\n'
  await page.getByLabel('Импорт .conf').setInputFiles({ name: 'clickpass.conf', mimeType: 'text/plain', buffer: Buffer.from(conf) })
  const preview = page.getByTestId('conf-preview')
  await preview.waitFor()
  expect(await preview.getByRole('row', { name: /timeout/ }).textContent()).toBe('timeout1015')
  expect(await preview.getByRole('row', { name: /url/ }).textContent()).toBe('url/sandbox/clickpasshttps://pay.example/click')
  expect(await preview.textContent()).toContain('Неизвестные параметры сохраняются и экспортируются снова: legacyPort')
  expect(await preview.textContent()).toContain('url: «https://pay.example/click» — не адрес Paydesk; браузеру нужен прокси на том же адресе')
  // Nothing is stored before «Применить».
  await page.reload()
  await pick(page, /ClickPass/)
  expect(await field(page, 'timeout').inputValue()).toBe('10')
  await page
    .getByLabel('Импорт .conf')
    .setInputFiles({ name: 'clickpass.conf', mimeType: 'text/plain', buffer: Buffer.from(conf.replace('https://pay.example/click', '/sandbox/clickpass')) })
  await page.getByRole('button', { name: 'Применить' }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Настройки из файла применены: изменено параметров — 1')
  await page.reload()
  await pick(page, /ClickPass/)
  expect(await field(page, 'timeout').inputValue()).toBe('15')
  expect(await field(page, 'cashboxCode').inputValue()).toBe('KASSA-1')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт .conf' }).click()])
  const text = await readFile((await download.path())!, 'utf8')
  expect(text).toMatch(/^legacyPort = 9000$/m)
  expect(text).toMatch(/^timeout = 15$/m)
  expect(text).not.toContain('secret\n')
  await expect.poll(() => notice(page).textContent()).toBe('Файл clickpass.conf сохранён')
  await context.close()
})

it('refuses a .conf over 64 KB, and one with more than 50 bad lines, at once, listing the first errors', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await pick(page, /ClickPass/)
  await page.getByLabel('Импорт .conf').setInputFiles({ name: 'big.conf', mimeType: 'text/plain', buffer: Buffer.alloc(70 * 1024, 'a') })
  await expect.poll(() => notice(page).textContent()).toBe('Файл слишком большой (70 КБ, допустимо 64 КБ): это не файл .conf. Ничего не изменено')
  const junk = Array.from({ length: 60 }, (_, i) => `garbage ${i}`).join('\n')
  await page.getByLabel('Импорт .conf').setInputFiles({ name: 'junk.conf', mimeType: 'text/plain', buffer: Buffer.from(junk) })
  await expect.poll(() => notice(page).textContent()).toBe('Нераспознанных строк — 60 (больше 50): это не файл .conf. Ничего не изменено')
  expect(await page.getByTestId('settings-errors').getByRole('listitem').count()).toBe(10)
  expect(await page.getByTestId('settings-errors').getByRole('listitem').first().textContent()).toBe('[1] Строка 1 не распознана')
  await context.close()
})

it('exports the request log with the settings change log; the change log on the page names the field and hides secrets', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await pick(page, /ClickPass/)
  await page.getByRole('textbox', { name: /^timeout\b/ }).fill('11')
  await field(page, 'secretKey').fill('Very-Secret-Key-77')
  await saveForm(page)
  await expect.poll(() => notice(page).textContent()).toBe('Сохранено')
  await page.reload()
  const changes = page.getByTestId('changes')
  await expect.poll(() => changes.getByRole('row', { name: /secretKey/ }).textContent()).toContain('изменён изменён (значение скрыто)')
  expect(await changes.getByRole('row', { name: /timeout/ }).textContent()).toContain('ClickPasstimeoutизменён 10 → 11')
  expect(await changes.textContent()).not.toContain('Very-Secret-Key-77')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Экспорт журнала запросов' }).click()])
  const text = await readFile((await download.path())!, 'utf8')
  expect(text).toContain('"event":"settings change"')
  expect(text).toContain('"field":"timeout","action":"changed","old":"10","next":"11"')
  expect(text).not.toContain('Very-Secret-Key-77')
  await expect.poll(() => notice(page).textContent()).toMatch(/^Файл paydesk-terminal-\d{4}-\d\d-\d\d\.log сохранён$/)
  await context.close()
})

it('supervisor PIN: set in Settings, the journal asks for it before a cancel, refuses a wrong one, and cancels with the right one', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  // The supervisor PIN is changed only behind the admin PIN.
  await page.getByRole('textbox', { name: 'Новый PIN старшего кассира (пусто — не спрашивать)' }).fill('9753')
  await page.getByRole('button', { name: 'Сохранить PIN старшего кассира' }).click()
  await expect.poll(() => notice(page).textContent()).toBe('Сначала задайте PIN администратора: PIN старшего кассира меняется только под ним')
  await page.getByTestId('pin-next').fill('2468')
  await page.getByTestId('pin-save').click()
  await expect.poll(() => page.getByTestId('pin-note').textContent()).toBe('PIN сохранён')
  await page.getByRole('textbox', { name: 'Новый PIN старшего кассира (пусто — не спрашивать)' }).fill('9753')
  await page.getByRole('textbox', { name: 'PIN администратора' }).fill('2468')
  await page.getByRole('button', { name: 'Сохранить PIN старшего кассира' }).click()
  await expect.poll(() => notice(page).textContent()).toBe('PIN старшего кассира сохранён: журнал будет его спрашивать')
  await page.reload()
  await page.getByTestId('pin-input').fill('2468')
  await page.getByTestId('pin-submit').click()
  await expect.poll(() => page.getByTestId('supervisor-state').textContent()).toBe('Журнал спрашивает PIN старшего кассира')

  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('amount').fill('1800')
  await page.getByTestId('code').fill(await mint())
  await page.getByTestId('pay').click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await page.click('[data-nav=journal]')
  await page.getByRole('button', { name: 'Отменить', exact: true }).click()
  await answerConfirm(page)
  const dialog = page.getByRole('dialog')
  await dialog.getByText('Возврат денег: введите PIN старшего кассира').waitFor()
  await dialog.getByRole('textbox').fill('1111')
  await dialog.getByRole('button', { name: 'Подтвердить' }).click()
  await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Неверный PIN')
  expect(await page.locator('.row[data-kind=cancel]').count()).toBe(0)
  await dialog.getByRole('textbox').fill('9753')
  await dialog.getByRole('button', { name: 'Подтвердить' }).click()
  await page.locator('.row[data-kind=cancel] [data-state=approved]').waitFor({ timeout: 20_000 })
  expect(await page.getByRole('dialog').count()).toBe(0)
  // «Отмена» in the dialog leaves the money where it is.
  await page.goto(`${baseURL()}/#/sale`)
  await page.getByTestId('amount').fill('1900')
  await page.getByTestId('code').fill(await mint())
  await page.getByTestId('pay').click()
  await page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 20_000 })
  await page.click('[data-nav=journal]')
  await page.getByRole('button', { name: 'Отменить', exact: true }).first().click()
  await answerConfirm(page)
  await page.getByRole('dialog').getByRole('button', { name: 'Отмена' }).click()
  expect(await page.locator('.row[data-kind=cancel]').count()).toBe(1)
  await context.close()
})

it('a refused save is said in the admin’s language (uz, en), and follows a change of language', async () => {
  const { context, page } = await newPage(browser)
  await openSettings(page)
  await page.selectOption('[data-testid=lang]', 'uz')
  await pick(page, /ClickPass/)
  await page.getByRole('textbox', { name: /^timeout\b/ }).fill('abc')
  await page.getByRole('button', { name: 'Saqlash', exact: true }).click()
  await expect.poll(() => notice(page).textContent()).toMatch(/^Sozlamalar saqlanmadi/)
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => notice(page).textContent()).toBe('Settings not saved: 1 error(s)')
  await context.close()
})
