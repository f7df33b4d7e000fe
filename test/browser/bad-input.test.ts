// Bad input cannot mislead the till: a scanner burst that breaks off is reported,
// never sent cut short, and the field it typed into keeps its value.
import { expect, it } from 'vitest'
import { baseURL, clickCalls, newPage, useBrowser } from './support.ts'

const browser = useBrowser({ resetSandbox: true })

it('a scanner burst that stalls in the middle says the code was not read, sends nothing, and leaves the amount as typed', async () => {
  const { context, page } = await newPage(browser)
  await page.goto(baseURL())
  const amount = page.getByTestId('amount')
  await amount.fill('1500')
  await amount.focus()
  // A scanner's keys, each burst at once (a loaded test machine cannot type 4 ms apart reliably), with a
  // 200 ms stall in the middle (a weak USB hub, a smudged code): the stall is the input, not a wait.
  await page.evaluate(async () => {
    const field = document.activeElement as HTMLInputElement
    const key = (k: string) => field.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
    for (const k of '8801016982') key(k)
    await new Promise((r) => setTimeout(r, 200))
    for (const k of '07133392') key(k)
    key('Enter')
  })
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Код не считан целиком. Отсканируйте его ещё раз')
  expect(await amount.inputValue()).toBe('1500')
  expect(await clickCalls()).toEqual([])
  await page.selectOption('[data-testid=lang]', 'en')
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('The code was not read whole. Scan it again')
  await context.close()
})
