// The compensation queue does not stall behind one entry. Each entry waits on its own backoff:
// a reversal the processor keeps refusing never delays another customer's compensation of the same provider.
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

/** A ClickPass payment left processing, the cashier stopped waiting: compensated by a queued reversal. */
async function stoppedPayment(amount: number) {
  await h.fault({ route: 'payment', fault: 'pending', forMs: 4_000, then: 'approve' })
  const code = await h.token()
  h.clock.onTick = async () => {
    const open = (await h.ops()).filter((o) => o.kind === 'pay' && !o.cashierLeft && !o.queued).at(-1)
    if (open) await h.engine.stopWaiting(open.id)
  }
  const r = await h.engine.pay({ paymentTypeId: 'click', amount, code })
  await h.engine.settled()
  h.clock.onTick = undefined
  expect(r.ok).toBe(true)
  return r.ok ? r.op.id : ''
}

it('a reversal refused again and again waits on its own backoff; the next customer’s compensation goes through at once', async () => {
  h = await harness({ provider: 'clickpass', confirmMode: false })
  const first = await stoppedPayment(150050)
  const second = await stoppedPayment(250050)
  expect(await h.db.queue.count()).toBe(2)
  const [stuck] = await h.payments()
  // The first customer's reversal fails at Click every time (an outage of that route for that payment).
  await h.fault({ route: 'reversal', fault: 'http', status: 502, times: 0, match: { payment_id: stuck!.payment_id } })
  await h.clock.advance(10_000)
  await h.engine.drainQueue()
  await h.engine.settled()
  expect((await h.op(second)).state).toBe('compensated')
  expect((await h.op(first)).state).toBe('compensating')
  const left = await h.db.queue.toArray()
  expect(left).toHaveLength(1)
  expect(left[0]!.attempt).toBe(1)
  // Cleared: the stuck one is sent at its own next attempt.
  await h.clearFaults()
  await h.clock.advance(left[0]!.nextAttemptAt - h.clock.now())
  await h.engine.drainQueue()
  await h.engine.settled()
  expect((await h.op(first)).state).toBe('compensated')
  expect(await h.db.queue.count()).toBe(0)
})
