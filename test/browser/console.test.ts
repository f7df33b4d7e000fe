// The store console as a manager uses it, by label and visible text, checked after a reload: the first-run
// password and the login, a lockout after wrong passwords; two tills enrolled by one-time codes and seen online;
// a ClickPass type configured once, its timeout change reaching both tills, its secret never shown again; a .conf
// with errors refused with its lines; a revoked till's next push refused; the store X equal to the sum of the tills'
// X; a till offline at the day close incomplete, then complete once it syncs; a foreign origin kept out (CSRF).
// The tills here are HTTP clients of the store API (enrol, push, config), as the till's sync is.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { baseURL, launch } from './support.ts'
import { payRow, startConsoleServer, type ConsoleServer } from './console-server.ts'

let browser: Browser
let store: ConsoleServer
let context: BrowserContext
let page: Page
const PASSWORD = 'manager-pass-2026'
const SECRET = 'CLICK-SECRET-4242'

beforeAll(async () => {
  ;[browser, store] = await Promise.all([launch(), startConsoleServer()])
  context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'ru-RU' })
  page = await context.newPage()
  page.on('dialog', (d) => void d.accept())
  page.on('pageerror', (e) => console.error('page error:', e.message))
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await store?.close()
})

const tab = (name: string) => page.getByRole('link', { name, exact: true }).click()
const field = (name: string) => page.getByRole('textbox', { name: new RegExp(`^${name}\\b`) })
const row = (text: string) => page.getByRole('row').filter({ hasText: text })

it('first run sets the password; the session survives a reload; wrong passwords lock the login', async () => {
  await page.goto(`${store.url}/console/`)
  await page.getByRole('heading', { name: 'Первый запуск: пароль администратора' }).waitFor()
  await page.getByLabel('Новый пароль').fill('short')
  await page.getByLabel('Пароль ещё раз').fill('short')
  await page.getByRole('button', { name: 'Сохранить пароль' }).click()
  await page.getByRole('alert').filter({ hasText: 'не короче 8 символов' }).waitFor()
  await page.getByLabel('Новый пароль').fill(PASSWORD)
  await page.getByLabel('Пароль ещё раз').fill(PASSWORD)
  await page.getByRole('button', { name: 'Сохранить пароль' }).click()
  await page.getByRole('heading', { name: 'Кассы', exact: true }).waitFor()
  await page.reload()
  await page.getByRole('heading', { name: 'Кассы', exact: true }).waitFor()
  // The cookie is HttpOnly: the page's script cannot read it.
  expect(await page.evaluate(() => document.cookie)).toBe('')

  await page.getByRole('button', { name: 'Выйти' }).click()
  await page.getByRole('heading', { name: 'Вход в консоль магазина' }).waitFor()
  for (let left = 4; left >= 1; left--) {
    await page.getByLabel('Пароль', { exact: true }).fill(`wrong-${left}`)
    await page.getByRole('button', { name: 'Войти' }).click()
    await page
      .getByRole('alert')
      .filter({ hasText: `Осталось попыток: ${left}` })
      .waitFor()
  }
  await page.getByLabel('Пароль', { exact: true }).fill('wrong-last')
  await page.getByRole('button', { name: 'Войти' }).click()
  await page.getByRole('alert').filter({ hasText: 'Вход заблокирован до' }).waitFor()
  // The right password during the lockout does not open it, and a reload does not lift it.
  await page.reload()
  await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Войти' }).click()
  await page.getByRole('alert').filter({ hasText: 'Вход заблокирован до' }).waitFor()
  store.advance(16 * 60 * 1000)
  await page.getByLabel('Пароль', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Войти' }).click()
  await page.getByRole('heading', { name: 'Кассы', exact: true }).waitFor()
  store.advance(-16 * 60 * 1000)
})

const tills: Record<string, { tillId: string; token: string }> = {}

it('enrols two tills from the console by one-time codes and shows them online, after a reload too', async () => {
  for (const name of ['Касса 1', 'Касса 2']) {
    await page.getByRole('button', { name: 'Подключить кассу' }).click()
    await page.getByLabel('Название кассы').fill(name)
    await page.getByRole('button', { name: 'Получить код подключения' }).click()
    const card = page.getByTestId('enrol-code')
    await card.filter({ hasText: `Код подключения для «${name}»` }).waitFor()
    const code = (await card.locator('.code').textContent())!.trim()
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    // The till types the code into its Settings; here it calls the store as the till's sync does.
    tills[name] = await store.enrol(code, name)
    await page.getByRole('button', { name: 'Готово' }).click()
  }
  await page.reload()
  for (const name of ['Касса 1', 'Касса 2']) await row(name).filter({ hasText: 'в сети' }).waitFor()
  // The code was shown once: it is nowhere on the page after the reload.
  expect(await page.getByTestId('enrol-code').count()).toBe(0)
})

let typeId = ''

it('a ClickPass type configured once reaches both tills; its changed timeout reaches them; the secret is never shown again', async () => {
  await tab('Типы оплаты')
  await page.getByRole('button', { name: 'Добавить ClickPass (Click, UZ)' }).click()
  await field('url').fill('https://api.click.uz/v2/merchant')
  await field('serviceId').fill('77')
  await field('merchantUserId').fill('5')
  await page.getByLabel(/^secretKey/).fill(SECRET)
  await page.getByLabel('Касса 1').check()
  await page.getByLabel('Касса 2').check()
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'сохранён' }).waitFor()

  const first = await store.config(tills['Касса 1']!.token)
  const cfg = (await first.json()) as {
    version: number
    paymentTypes: { id: string; values: { timeout?: number } }[]
    secrets: Record<string, Record<string, string>>
  }
  typeId = cfg.paymentTypes[0]!.id
  expect(cfg.secrets[typeId]).toEqual({ secretKey: SECRET })

  await page.reload()
  await page.getByRole('button', { name: 'Изменить «ClickPass (Click, UZ)»' }).click()
  await expect.poll(() => field('timeout').inputValue()).toBe('10')
  expect(await page.getByLabel(/^secretKey/).inputValue()).toBe('')
  expect(await page.getByLabel(/^secretKey/).getAttribute('placeholder')).toMatch(/^задан/)
  await field('timeout').fill('25')
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'сохранён' }).waitFor()
  await page.reload()
  await page.getByRole('button', { name: 'Изменить «ClickPass (Click, UZ)»' }).click()
  await expect.poll(() => field('timeout').inputValue()).toBe('25')

  for (const name of ['Касса 1', 'Касса 2']) {
    const r = await store.config(tills[name]!.token, `"${cfg.version}"`)
    expect(r.status).toBe(200)
    const next = (await r.json()) as typeof cfg
    expect(next.version).toBeGreaterThan(cfg.version)
    expect(next.paymentTypes[0]!.values.timeout).toBe(25)
  }
  // Never in the console's page, nor its audit log, which says the secret changed.
  expect(await page.content()).not.toContain(SECRET)
  await tab('Журнал изменений')
  await page.getByRole('row').filter({ hasText: 'секреты изменены: secretKey' }).waitFor()
  await page.getByRole('row').filter({ hasText: 'Тип оплаты изменён' }).filter({ hasText: 'параметры: timeout' }).waitFor()
  expect(await page.content()).not.toContain(SECRET)
})

it('a .conf with errors is refused with its lines, and changes nothing', async () => {
  await tab('Типы оплаты')
  await page.getByRole('button', { name: 'Изменить «ClickPass (Click, UZ)»' }).click()
  await page.getByLabel('Импорт .conf').setInputFiles({
    name: 'clickpass.conf',
    mimeType: 'text/plain',
    buffer: Buffer.from('[Main]\ntimeout = soon\nserviceId = 77\nconfirmMode = maybe\n'),
  })
  const preview = page.getByTestId('conf-preview')
  await preview.getByRole('alert').waitFor()
  await preview.getByText('строка 2:').waitFor()
  await preview.getByText('строка 4:').waitFor()
  await expect.poll(() => field('timeout').inputValue()).toBe('25')
})

it('the store X equals the sum of the tills’ X; a till offline at the day close is incomplete, then complete once it syncs', async () => {
  const t0 = Date.now() - 60_000
  expect(
    (
      await store.push(tills['Касса 1']!.token, {
        ops: [payRow({ amount: 1_500_000, paymentTypeId: typeId, at: t0 }), payRow({ amount: 250_000, paymentTypeId: typeId, at: t0 + 1 })],
      })
    ).status,
  ).toBe(200)
  // Касса 2 pushed one payment, then went offline with one more still in its outbox.
  expect(
    (
      await store.push(tills['Касса 2']!.token, {
        ops: [payRow({ amount: 70_000, paymentTypeId: typeId, at: t0 + 2 })],
        status: { outbox: 1, oldestUnsyncedAt: t0 + 3 },
      })
    ).status,
  ).toBe(200)

  await tab('Отчёты')
  await page.getByRole('button', { name: 'Показать' }).click()
  const report = page.getByTestId('store-report')
  await report.getByRole('row').filter({ hasText: 'Итого Касса 1' }).filter({ hasText: '17 500 сум' }).waitFor()
  await report.getByRole('row').filter({ hasText: 'Итого Касса 2' }).filter({ hasText: '700 сум' }).waitFor()
  await report.getByRole('row').filter({ hasText: 'Итого по магазину' }).filter({ hasText: '18 200 сум' }).waitFor()

  await page.getByLabel('Отчёт').selectOption({ label: 'Z-отчёт магазина за день' })
  await page.getByRole('button', { name: 'Показать' }).click()
  await report.getByText(/Касса 2: последняя синхронизация .*, 1 операций ждут/).waitFor()
  await report.getByText('Не все кассы синхронизированы: отчёт неполный').waitFor()

  // Both close their day and sync: the shift carries the till's own totals.
  const closedAt = Date.now() - 1000
  const shift = (net: number, count: number) => ({
    number: 1,
    rev: 1,
    openedAt: t0 - 1,
    closedAt,
    body: { number: 1, openedAt: t0 - 1, closedAt, totals: { types: [{ paymentTypeId: typeId, currency: 'UZS', payments: { count, sum: net }, net }] } },
  })
  expect((await store.push(tills['Касса 1']!.token, { shifts: [shift(1_750_000, 2)] })).status).toBe(200)
  expect(
    (await store.push(tills['Касса 2']!.token, { ops: [payRow({ amount: 30_000, paymentTypeId: typeId, at: t0 + 3 })], shifts: [shift(100_000, 2)] })).status,
  ).toBe(200)
  await page.getByRole('button', { name: 'Показать' }).click()
  await report.getByText('Все кассы синхронизированы: отчёт полный').waitFor()
  await report.getByRole('row').filter({ hasText: 'Итого по магазину' }).filter({ hasText: '18 500 сум' }).waitFor()
  expect(await report.getByText('расхождение').count()).toBe(0)
})

it('revoking a till names the keys to rotate; its next push is refused', async () => {
  await tab('Кассы')
  await row('Касса 2').getByRole('button', { name: 'Отключить' }).click()
  const said = page.getByTestId('revoked')
  await said.filter({ hasText: 'Касса «Касса 2» отключена' }).waitFor()
  await said.filter({ hasText: 'ClickPass (Click, UZ): secretKey' }).waitFor()
  await page.reload()
  await row('Касса 2').filter({ hasText: 'отключена' }).waitFor()
  expect((await store.push(tills['Касса 2']!.token, {})).status).toBe(401)
  expect((await store.push(tills['Касса 1']!.token, {})).status).toBe(200)
})

it('a page on a foreign origin cannot call the console’s API, even with the manager logged in', async () => {
  const before = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till')).rows[0]!.n
  const evil = await context.newPage()
  // Another origin (the till's demo server on another port) sends the manager's browser at the console's API.
  await evil.goto(baseURL())
  const results = await evil.evaluate(async (api) => {
    const out: string[] = []
    for (const init of [
      { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'name=evil' },
      { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'evil' }) },
    ] as RequestInit[]) {
      try {
        const r = await fetch(`${api}/api/v1/admin/tills`, init)
        out.push(`status ${r.status}`)
      } catch {
        out.push('blocked')
      }
    }
    return out
  }, store.url)
  expect(results[1]).toBe('blocked')
  const after = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM till')).rows[0]!.n
  expect(after).toBe(before)
  await evil.close()
})

it('a till enrolled from its own Settings gets the store’s type read-only, labelled with the store’s version, at 1366×768', async () => {
  await tab('Кассы')
  await page.getByRole('button', { name: 'Подключить кассу' }).click()
  await page.getByLabel('Название кассы').fill('Касса 3')
  await page.getByRole('button', { name: 'Получить код подключения' }).click()
  const code = (await page.getByTestId('enrol-code').locator('.code').textContent())!.trim()
  await page.getByRole('button', { name: 'Готово' }).click()

  const tillContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' })
  const till = await tillContext.newPage()
  await till.goto(`${store.url}/#/settings`)
  await till.getByRole('heading', { name: 'Настройки', exact: true }).waitFor()
  await till.getByLabel('Адрес магазина').fill(store.url)
  await till.getByLabel('Одноразовый код').fill(code)
  // The demo till has payment types of its own: it takes the store's.
  await till.getByRole('radio', { name: /Взять типы оплаты магазина/ }).check()
  await till.getByRole('button', { name: 'Подключить к магазину' }).click()
  await till
    .getByTestId('store-state')
    .filter({ hasText: /^Подключена к магазину/ })
    .waitFor()
  // Its stream is open (the tills above are plain HTTP clients, without one).
  await expect.poll(() => store.connected().length, { timeout: 20_000 }).toBe(1)

  // The manager assigns the store's Click type to the new till, under a name of its own.
  await tab('Типы оплаты')
  await page.getByRole('button', { name: 'Изменить «ClickPass (Click, UZ)»' }).click()
  await page.getByRole('textbox', { name: 'Название', exact: true }).fill('Click магазина')
  await page.getByRole('textbox', { name: 'Номер типа оплаты', exact: true }).fill('50')
  await page.getByLabel('Касса 3').check()
  await page.getByRole('button', { name: 'Сохранить', exact: true }).click()
  await page.getByRole('status').filter({ hasText: 'сохранён' }).waitFor()

  // The till holds the store's event stream: the change reaches its open Settings with no reload, long before
  // the minute of its status push.
  const storeType = till.getByRole('button', { name: /^№ 50 · Click магазина/ })
  await storeType.waitFor({ timeout: 20_000 })
  await storeType.click()
  await till
    .getByTestId('pt-managed')
    .filter({ hasText: /Задаётся магазином \(настройки магазина, версия \d+\)/ })
    .waitFor()
  expect(await till.getByTestId('f-timeout').getAttribute('readonly')).not.toBeNull()
  expect(await till.getByTestId('f-timeout').inputValue()).toBe('25')
  expect(await till.getByTestId('f-cashboxCode').getAttribute('readonly')).toBeNull()
  expect(await till.content()).not.toContain(SECRET)
  // The console fits the smaller screen too: no sideways scrolling of the page.
  await page.setViewportSize({ width: 1366, height: 768 })
  await tab('Кассы')
  await row('Касса 3').filter({ hasText: 'в сети' }).waitFor()
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
  await tillContext.close()
})

it('the store journal filters by till and shows needs-attention across the store; a report downloads as CSV and prints; English after a reload', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 })
  const at = Date.now() - 30_000
  const stuck = { ...payRow({ amount: 99_900, paymentTypeId: typeId, at }), state: 'needs-attention' }
  stuck.body = { ...stuck.body, state: 'needs-attention' }
  expect((await store.push(tills['Касса 1']!.token, { ops: [stuck], status: { attention: 1 } })).status).toBe(200)

  await tab('Журнал магазина')
  await page.getByRole('row').filter({ hasText: 'Касса 2' }).first().waitFor()
  await page.getByRole('combobox', { name: /^Касса/ }).selectOption({ label: 'Касса 1' })
  await page.getByRole('button', { name: 'Найти' }).click()
  await expect.poll(() => page.getByTestId('store-op').filter({ hasText: 'Касса 2' }).count()).toBe(0)
  expect(await page.getByTestId('store-op').filter({ hasText: 'Касса 1' }).count()).toBe(3)
  await page.getByRole('button', { name: 'Требуют проверки по магазину' }).click()
  await page.getByTestId('store-op').filter({ hasText: 'требует проверки' }).filter({ hasText: 'проверить на кассе «Касса 1»' }).waitFor()
  await expect.poll(() => page.getByTestId('store-op').count()).toBe(1)
  await page.getByText('откройте её журнал, нажмите «Проверить статус»').waitFor()
  await page.getByLabel('Сумма от').fill('abc')
  await page.getByRole('button', { name: 'Найти' }).click()
  await page.getByRole('alert').filter({ hasText: 'Проверьте фильтр' }).waitFor()

  await tab('Отчёты')
  await page.getByRole('button', { name: 'Показать' }).click()
  await page.getByTestId('store-report').getByRole('row').filter({ hasText: 'Итого по магазину' }).waitFor()
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Скачать CSV' }).click()])
  const csv = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    void file.createReadStream().then((s) => {
      s.on('data', (c: Buffer) => chunks.push(c))
      s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      s.on('error', reject)
    })
  })
  expect(csv).toContain('X-отчёт магазина')
  expect(csv).toMatch(/Итого по магазину,,\d+,/)
  expect(csv).not.toContain(SECRET)
  await page.evaluate(() => {
    ;(window as unknown as { __printed: number }).__printed = 0
    window.print = () => void (window as unknown as { __printed: number }).__printed++
  })
  await page.getByRole('button', { name: 'Печать' }).click()
  expect(await page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1)

  await page.getByLabel('Язык').selectOption('en')
  await page.reload()
  await page.getByRole('link', { name: 'Tills', exact: true }).waitFor()
  await page.getByRole('link', { name: 'Reports', exact: true }).click()
  await page.getByRole('button', { name: 'Show' }).waitFor()
  await page.getByLabel('Language').selectOption('uz')
  await page.getByRole('link', { name: 'Kassalar', exact: true }).waitFor()
  await page.getByLabel('Til').selectOption('ru')
})

it('a till with payment types of its own chooses as it joins: take the store’s, or upload its own — seen on the till and in the console after a reload', async () => {
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`${store.url}/console/`)
  const codeFor = async (name: string) => {
    await tab('Кассы')
    await page.getByRole('button', { name: 'Подключить кассу' }).click()
    await page.getByLabel('Название кассы').fill(name)
    await page.getByRole('button', { name: 'Получить код подключения' }).click()
    const code = (await page.getByTestId('enrol-code').filter({ hasText: name }).locator('.code').textContent())!.trim()
    await page.getByRole('button', { name: 'Готово' }).click()
    return code
  }
  const openTill = async () => {
    const c = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ru-RU' })
    const p = await c.newPage()
    p.on('dialog', (d) => void d.accept())
    await p.goto(`${store.url}/#/settings`)
    await p.getByRole('heading', { name: 'Настройки', exact: true }).waitFor()
    // The demo till starts with payment types of its own (№ 1 is its ClickPass).
    await p.getByRole('button', { name: /^№ 1 · ClickPass/ }).waitFor()
    await p.getByLabel('Адрес магазина').fill(store.url)
    return { c, p }
  }
  const settingsAfterReload = async (p: Page) => {
    await p.reload()
    await p.getByRole('heading', { name: 'Настройки', exact: true }).waitFor()
  }

  // Take the store's: the till's own types stay its own (no store type has their numbers), nothing goes up.
  const adopt = await openTill()
  await adopt.p.getByLabel('Одноразовый код').fill(await codeFor('Касса 4'))
  await adopt.p.getByRole('button', { name: 'Подключить к магазину' }).click()
  await adopt.p.getByRole('status').filter({ hasText: 'Выберите: взять типы оплаты магазина или отправить свои' }).waitFor()
  await adopt.p.getByRole('radio', { name: /Взять типы оплаты магазина/ }).check()
  await adopt.p.getByRole('button', { name: 'Подключить к магазину' }).click()
  await adopt.p
    .getByTestId('store-state')
    .filter({ hasText: /^Подключена к магазину/ })
    .waitFor()
  await settingsAfterReload(adopt.p)
  await adopt.p.getByRole('button', { name: /^№ 1 · ClickPass/ }).click()
  await adopt.p.getByTestId('f-timeout').waitFor()
  expect(await adopt.p.getByTestId('pt-managed').count()).toBe(0)

  // Upload its own: the store saves them for that till, the till's copies become the store's.
  const upload = await openTill()
  await upload.p.getByLabel('Одноразовый код').fill(await codeFor('Касса 5'))
  await upload.p.getByRole('radio', { name: /Отправить свои типы оплаты в магазин/ }).check()
  await upload.p.getByRole('button', { name: 'Подключить к магазину' }).click()
  await upload.p
    .getByRole('status')
    .filter({ hasText: /Типы оплаты отправлены в магазин: \d+|Отправлено в магазин: \d+ из \d+/ })
    .waitFor({ timeout: 30_000 })
  await settingsAfterReload(upload.p)
  await upload.p.getByRole('button', { name: /^№ 1 · ClickPass/ }).click()
  await upload.p
    .getByTestId('pt-managed')
    .filter({ hasText: /Задаётся магазином \(настройки магазина, версия \d+\)/ })
    .waitFor()
  // Its own per-till value stayed on the till.
  expect(await upload.p.getByTestId('f-cashboxCode').inputValue()).toBe('KASSA-1')

  await page.reload()
  await tab('Типы оплаты')
  await page.getByRole('button', { name: 'Изменить «ClickPass»' }).click()
  await expect.poll(() => page.getByLabel('Касса 5').isChecked()).toBe(true)
  expect(await page.getByLabel('Касса 4').isChecked()).toBe(false)
  expect(await page.getByLabel(/^secretKey/).getAttribute('placeholder')).toMatch(/^задан/)
  await tab('Журнал изменений')
  await page.getByRole('row').filter({ hasText: 'Тип оплаты отправлен кассой при подключении' }).filter({ hasText: 'Касса 5' }).first().waitFor()
  expect(await page.getByRole('row').filter({ hasText: 'Тип оплаты отправлен кассой при подключении' }).filter({ hasText: 'Касса 4' }).count()).toBe(0)
  await adopt.c.close()
  await upload.c.close()
})
