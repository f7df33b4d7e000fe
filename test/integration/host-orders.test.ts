// Host POS contract v1 in the engine: a host order's amount is fixed by its first
// request, and a payment for that order with another amount is refused before anything is sent;
// the allowed origins refuse wildcards and keep what was saved; the order's journal lists the
// payment and its reversal.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

it('refuses a payment for a host order whose amount differs from the request, and sends nothing', async () => {
  h = await harness({ confirmMode: false })
  expect(await h.engine.registerHostOrder({ order: 'H-1', amount: 150000 })).toEqual({ ok: true })
  // Another request for the same order with another amount.
  expect(await h.engine.registerHostOrder({ order: 'H-1', amount: 200000 })).toMatchObject({ ok: false, message: { key: 'host.amountMismatch' } })
  // The till tries to pay the order for an edited amount.
  expect(await h.engine.pay({ paymentTypeId: 'click', amount: 200000, code: await h.token(), order: 'H-1' })).toMatchObject({
    ok: false,
    message: { key: 'host.amountMismatch' },
  })
  expect(await h.routes()).toEqual([])
  expect(await h.ops()).toEqual([])
  // The host's amount goes through; the order's journal has it, then its cancel.
  const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150000, code: await h.token(), order: 'H-1' })
  await h.engine.settled()
  expect(r).toMatchObject({ ok: true, op: { state: 'approved', order: 'H-1' } })
  const cancel = await h.engine.reverse({ opId: r.ok ? r.op.id : '', kind: 'cancel' })
  await h.engine.settled()
  expect(cancel).toMatchObject({ ok: true })
  expect((await h.engine.orderOperations('H-1')).map((o) => [o.kind, o.state])).toEqual([
    ['pay', 'approved'],
    ['cancel', 'approved'],
  ])
  // A till payment without an order is not touched by host orders.
  expect((await h.engine.pay({ paymentTypeId: 'click', amount: 200000, code: await h.token() })).ok).toBe(true)
  await h.engine.settled()
})

it('keeps the allowed host origins, normalized, and refuses a wildcard without changing them', async () => {
  h = await harness()
  expect(await h.engine.hostOrigins()).toEqual([])
  expect(await h.engine.setHostOrigins('HTTPS://POS.example/ http://127.0.0.1:9000')).toEqual({
    ok: true,
    origins: ['https://pos.example', 'http://127.0.0.1:9000'],
  })
  expect(await h.engine.setHostOrigins('https://a.example *')).toMatchObject({ ok: false, message: { key: 'host.badOrigin', params: { origin: '*' } } })
  expect(await h.engine.hostOrigins()).toEqual(['https://pos.example', 'http://127.0.0.1:9000'])
  await h.engine.hostRefused('https://evil.example', 'origin not allowed (paydesk.pay)')
  await h.engine.settled()
  expect(await h.engine.exportLog()).toContain('request ignored')
})
