// Device and token providers as people meet them: a card payment on the Inpas pin-pad cancelled from the till while
// the pin-pad waits for the card; the demo pin-pad page's fault buttons in words, in the page's language; and a second
// demo till (another browser profile) on the demo's one O!plati cashbox, which gets out of «Токен уже существует»
// with the phone page's reset.
import { expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { baseURL, newPage, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

const result = (page: Page) => page.getByTestId('result')

it('a card payment on the pin-pad is cancelled from the till while it waits for the card (ru, en)', async () => {
  const { context, page: till } = await newPage(browser)
  await till.goto(baseURL())
  await till.getByRole('button', { name: /Inpas/ }).click()

  // The customer does nothing at the pin-pad: the till waits for the card.
  const pinpad = await context.newPage()
  await pinpad.goto(`${baseURL()}/#/pinpad`)
  await pinpad.locator('[data-testid=pinpad-screen][data-kind=idle]').waitFor({ timeout: 20_000 })
  await pinpad.getByLabel('Выбор').selectOption({ label: 'Карта' })
  await pinpad.getByLabel('Исход').selectOption({ label: 'Не платит (жмёте сами)' })
  await pinpad.getByRole('button', { name: 'Применить' }).click()
  await pinpad.locator('[data-testid=pinpad-screen][data-outcome=ignore]').waitFor({ timeout: 10_000 })

  await till.getByRole('textbox', { name: /Сумма/ }).fill('250')
  await till.getByRole('button', { name: 'Оплата картой' }).click()
  await expect.poll(() => till.getByTestId('result-message').textContent(), { timeout: 20_000 }).toContain('Приложите, вставьте или проведите карту')
  const cancel = till.getByRole('button', { name: 'Отменить оплату' })
  await cancel.waitFor({ timeout: 10_000 })
  await pinpad.locator('[data-testid=pinpad-screen][data-kind=card]').waitFor({ timeout: 10_000 })

  // The same button in English.
  await till.selectOption('[data-testid=lang]', 'en')
  await till.getByRole('button', { name: 'Cancel payment' }).click()
  // The pin-pad aborts the card wait; the till ends the payment declined as aborted, and no money moved.
  await till.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 30_000 })
  expect(await result(till).textContent()).toMatch(/aborted|прерван/i)
  await pinpad.locator('[data-testid=pinpad-screen]:not([data-kind=card])').waitFor({ timeout: 10_000 })
  expect(await till.getByRole('button', { name: 'Cancel payment' }).count()).toBe(0)

  // After a reload the journal keeps it declined.
  await till.reload()
  await till.getByRole('link', { name: 'Journal' }).click()
  const row = till.getByRole('row').filter({ hasText: 'Inpas' }).first()
  await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('declined')
  await context.close()
})

it('the pin-pad page names its faults in words, in the page’s language; an armed fault reads the same', async () => {
  const { context, page: till } = await newPage(browser)
  await till.goto(baseURL())
  const pinpad = await context.newPage()
  await pinpad.goto(`${baseURL()}/#/pinpad`)
  await pinpad.locator('[data-testid=pinpad-screen][data-kind=idle]').waitFor({ timeout: 20_000 })

  const faults = pinpad.getByRole('group', { name: 'Сбои' })
  const names = await faults.getByRole('button').allTextContents()
  for (const code of ['nak(n)', 'dropAck', 'lose(n)', 'corruptNext', 'dupNext', 'loseResult', 'eotAt', 'waitStorm', 'split(sizes)', 'gapMs'])
    expect(names.join(' | ')).not.toContain(code)
  for (const words of ['NAK на кадры кассы', 'Потерять результат', 'Испортить следующий кадр', 'Нет связи с банком'])
    expect(names).toContainEqual(expect.stringContaining(words))

  await pinpad.getByLabel('Сколько').fill('2')
  await faults.getByRole('button', { name: 'NAK на кадры кассы' }).click()
  await expect.poll(() => pinpad.getByTestId('pinpad-armed').textContent(), { timeout: 10_000 }).toBe('Взведено: NAK на кадры кассы×2')
  await faults.getByRole('button', { name: 'Потерять результат' }).click()
  await expect.poll(() => pinpad.getByTestId('pinpad-armed').textContent(), { timeout: 10_000 }).toBe('Взведено: NAK на кадры кассы×2, Потерять результат')
  // A second pin-pad view opens in another tab: every pin-pad of the browser says it is idle, the new tab's too (the
  // order they answer in is the machine's), and this page keeps showing the one its faults are armed on.
  const pads = async () => (await pinpad.getByTestId('pinpad-instance').locator('option').count()) - 1
  const before = await pads()
  const other = await context.newPage()
  await other.goto(`${baseURL()}/#/pinpad`)
  await expect.poll(pads, { timeout: 20_000 }).toBeGreaterThan(before)
  expect(await pinpad.getByTestId('pinpad-armed').textContent()).toBe('Взведено: NAK на кадры кассы×2, Потерять результат')
  await other.close()

  // The till's language is the page's: in English the same buttons read in English.
  await till.selectOption('[data-testid=lang]', 'en')
  await pinpad.reload()
  await pinpad.locator('[data-testid=pinpad-screen]').waitFor({ timeout: 20_000 })
  const en = pinpad.getByRole('group', { name: 'Faults' })
  await en.getByRole('button', { name: 'Lose the result' }).waitFor()
  await en.getByRole('button', { name: 'NAK the till’s frames' }).waitFor()
  await en.getByRole('button', { name: 'Pause inside a frame' }).waitFor()
  await context.close()
})

it('a second demo till on the one O!plati cashbox meets «Токен уже существует»; the phone page’s reset lets it pay', async () => {
  const pay = async (page: Page) => {
    await page.getByRole('button', { name: /O!плати/ }).click()
    await page.getByRole('textbox', { name: /Сумма/ }).fill('12,30')
    await page.getByRole('button', { name: 'Оплатить', exact: true }).click()
  }
  // The first till takes the cashbox's token with its first payment (the demo customer confirms by itself).
  const first = await newPage(browser)
  await first.page.goto(baseURL())
  await pay(first.page)
  await first.page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })

  // A second browser profile is a second till with an empty journal and no token.
  const second = await newPage(browser)
  await second.page.goto(baseURL())
  await pay(second.page)
  await second.page.locator('[data-testid=result][data-state=declined]').waitFor({ timeout: 30_000 })
  expect(await result(second.page).textContent()).toContain('Токен уже существует')

  // The phone page offers the way out: the merchant cabinet's reset of the cashbox token.
  const phone = await second.context.newPage()
  await phone.goto(`${baseURL()}/sandbox/phone`)
  await phone.getByLabel(/Платёжная система/).selectOption('oplati')
  const reset = phone.getByRole('button', { name: 'Сбросить токен кассы · Reset the cashbox token' })
  await reset.click()
  await expect.poll(() => phone.locator('#actNote').textContent(), { timeout: 10_000 }).toContain('Готово')
  await expect.poll(() => reset.count(), { timeout: 10_000 }).toBe(0)

  // The second till now gets its own token and pays.
  await second.page.getByRole('button', { name: 'Новая продажа' }).click()
  await pay(second.page)
  await second.page.locator('[data-testid=result][data-state=approved]').waitFor({ timeout: 30_000 })
  await first.context.close()
  await second.context.close()
})
