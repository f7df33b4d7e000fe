// Cross-provider rules with two providers in one engine (docs/protocols/README.md scenario 6):
// one provider's queue head failing on every attempt never holds up another provider's queue.
import { afterEach, expect, it } from 'vitest'
import { harness, SECRET, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

it('head of line: a ClickPass compensation failing every time does not hold up a Payme cancel', async () => {
  h = await harness({ provider: 'payme' })
  await h.sb.control('clickpass', 'config', { secretKey: SECRET }, 'PUT')
  const saved = await h.engine.savePaymentType({
    id: 'click',
    number: 1,
    name: 'ClickPass',
    provider: 'clickpass',
    values: { url: `${h.sb.url}/sandbox/clickpass`, serviceId: '85335', merchantUserId: '123', confirmMode: 'false', timeout: '1' },
    secrets: { secretKey: SECRET },
  })
  expect(saved.ok).toBe(true)

  // ClickPass: the cashier stops waiting on a payment still processing → a reversal is queued,
  // and every status query of that queue entry is reset on the wire.
  await h.sb.control('clickpass', 'faults', { route: 'payment', fault: 'pending', forever: true })
  const clickCode = ((await h.sb.mintToken('clickpass')) as { token: string }).token
  const click = await h.stoppingWaiting(async () => {
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: clickCode })
    await h.engine.settled()
    return r
  })
  expect(click.ok && (await h.op(click.op.id)).state).toBe('compensating')
  await h.sb.control('clickpass', 'faults', { route: 'status', fault: 'reset', times: 0 })

  // Payme: no reply to pay → after payDuration a cancel is queued.
  await h.fault({ route: 'pay', fault: 'noReply' })
  const payme = await h.engine.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
  await h.engine.settled()
  expect(payme.ok && (await h.op(payme.op.id)).state).toBe('compensating')

  for (let i = 0; i < 3; i++) {
    await h.clock.advance(30_000)
    await h.engine.drainQueue()
  }
  expect(payme.ok && (await h.op(payme.op.id)).state).toBe('compensated')
  expect(click.ok && (await h.op(click.op.id)).state).toBe('compensating')
  const queue = await h.db.queue.toArray()
  expect(queue.map((e) => e.provider)).toEqual(['clickpass'])
  expect(queue[0]!.attempt).toBeGreaterThanOrEqual(2)
})
