// ClickPass in confirm mode with a payment the processing holds (magic 92/93): the sandbox and
// the client tell the same story. A confirm answered 0 makes the payment PAID (docs/protocols/clickpass.md § 3.4), and the
// client approves on it (§ 4.3.3.2); a payment held in progress is not awaiting confirmation yet, so its
// confirm is refused (-9041), the status decides (§ 4.3.3.3), and Click's 30 s window cancels what is never paid.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

async function pay(amount: number) {
  const r = await h.engine.pay({ paymentTypeId: 'click', amount, code: await h.token() })
  await h.engine.settled()
  return r.ok ? await h.op(r.op.id) : undefined
}

it('amount ending 93 in confirm mode: never approved — the journal says declined and the sandbox cancelled it; no money held', async () => {
  h = await harness({ provider: 'clickpass', confirmMode: true, sandboxConfig: { magic: true } })
  const op = await pay(150093)
  const [payment] = await h.payments()
  expect(op?.state).toBe('declined')
  expect(payment?.state).toBe('AUTO_CANCELLED')
  expect(payment?.payment_status).toBe(-2)
  expect(await h.db.queue.count()).toBe(0)
})

it('amount ending 92 in confirm mode: held 20 s, then confirmed — approved in the journal and PAID in the sandbox', async () => {
  h = await harness({ provider: 'clickpass', confirmMode: true, sandboxConfig: { magic: true } })
  const op = await pay(150092)
  const [payment] = await h.payments()
  expect(op?.state).toBe('approved')
  expect(payment?.state).toBe('PAID')
  expect(payment?.payment_status).toBe(2)
})

it('a confirm answered 0 always leaves the payment PAID (the § 3.4 diagram), whatever the amount', async () => {
  h = await harness({ provider: 'clickpass', confirmMode: true, sandboxConfig: { magic: true } })
  for (const amount of [150050, 150092, 150093]) await pay(amount)
  const calls = await h.calls()
  const confirmed = calls.filter((c) => c.route === 'confirm' && c.status === 200).map((c) => (c.body as { payment_id?: unknown }).payment_id)
  const payments = await h.payments()
  for (const id of confirmed) expect(payments.find((p) => String(p.payment_id) === String(id))?.state).toBe('PAID')
  expect(confirmed.length).toBe(2)
})
