// In the engine: deleting a payment type that has operations archives it (its operations
// keep their type: refund works, reports name it; the till's list drops it; no new payment is taken
// on it), and a host's amount in one currency is never taken by a type of another.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

it('a used type is archived: refundable, listed for the journal only, refusing new payments; an unused one is deleted', async () => {
  h = await harness()
  const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150000, code: await h.token() })
  await h.engine.settled()
  expect(r.ok).toBe(true)
  if (!r.ok) return
  expect(await h.engine.deletePaymentType('click')).toEqual({ ok: true, archived: true })
  expect((await h.engine.listPaymentTypes()).map((t) => t.id)).not.toContain('click')
  expect((await h.engine.listPaymentTypes({ archived: true })).find((t) => t.id === 'click')).toMatchObject({ archived: true, enabled: false })
  expect(await h.engine.pay({ paymentTypeId: 'click', amount: 1000, code: await h.token() })).toMatchObject({
    ok: false,
    message: { key: 'common.noPaymentType' },
  })
  const back = await h.engine.reverse({ opId: r.op.id, kind: 'refund' })
  await h.engine.settled()
  expect(back.ok ? 'ok' : back.message).toBe('ok')
  expect((await h.op(back.ok ? back.op.id : ''))?.state).toBe('approved')
  // The archived type's number is free for a new type.
  const again = await h.engine.savePaymentType({
    number: (await h.engine.listPaymentTypes({ archived: true })).find((t) => t.id === 'click')!.number,
    name: 'Click 2',
    provider: 'clickpass',
    values: { url: h.sb.url + '/sandbox/clickpass', serviceId: '85335', merchantUserId: '123' },
    secrets: { secretKey: 'x' },
  })
  expect(again).toMatchObject({ ok: true })
})

it('a payment in the host’s currency is refused by a type of another currency, before any request', async () => {
  h = await harness()
  const code = await h.token()
  expect(await h.engine.pay({ paymentTypeId: 'click', amount: 1500000, code, order: 'CUR-1', currency: 'BYN' })).toMatchObject({
    ok: false,
    message: { key: 'common.wrongCurrency', params: { currency: 'BYN' } },
  })
  expect(await h.engine.pay({ paymentTypeId: 'click', amount: 1500000, code, order: 'CUR-1', currency: 'UZS' })).toMatchObject({ ok: true })
})
