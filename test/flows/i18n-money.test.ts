// A message parameter marked `:money` is written as money in the app's language («400 ₽»), never as the
// engine's «400.00» text: the refund-past-the-rest message as the cashier reads it.
import { expect, it } from 'vitest'
import { i18n } from '../../src/i18n/i18n.svelte.ts'

it('`{rest:money}` writes minor units as money with the currency of the message', async () => {
  // A refund's message is the journal's: the screen renders once the whole catalogue is here (App.svelte).
  await i18n.complete()
  const said = i18n.m({ key: 'common.refundExceedsRest', params: { rest: 40_000, currency: 'RUB' } })
  expect(said).toBe('Сумма возврата больше остатка по оплате: можно вернуть не более 400 ₽')
  expect(i18n.t('common.refundExceedsRest', { rest: 2_500_050, currency: 'UZS' }).replace(/\s/g, ' ')).toContain('не более 25 000,50 сум')
})
