// ClickPass end to end: the engine and the client against the sandbox over real HTTP
// (docs/protocols/clickpass.md § 5). "Then" covers the outcome, the message, the call log and
// the sandbox state. Tests use timeout = 1 s and the sandbox's manual clock.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, deferred, SECRET, type Harness, type HarnessOptions } from '../support/engine.ts'
import { authHeader } from '../../workers/providers/clickpass/auth.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'

let h: Harness
afterEach(async () => h?.close())

async function setup(opts: HarnessOptions = {}) {
  h = await harness(opts)
  return h
}

async function pay(amount = 150050, code?: string) {
  const c = code ?? (await h.token())
  const r = await h.engine.pay({ paymentTypeId: 'click', amount, code: c })
  await h.engine.settled()
  if (!r.ok) return { r, op: undefined, code: c }
  return { r, op: await h.op(r.op.id), code: c }
}

/** Call the sandbox as "another till" (same credentials), outside the engine. */
async function raw(method: string, path: string, body?: unknown) {
  const auth = await authHeader(123, SECRET, Math.floor(h.clock.now() / 1000))
  const res = await fetch(`${h.sb.url}/sandbox/clickpass${path}`, {
    method,
    headers: { Auth: auth, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return (await res.json()) as Record<string, unknown>
}

/** A transport that lets a test act around one route's exchange. */
function around(route: string, fn: (send: () => ReturnType<Http['send']>) => ReturnType<Http['send']>) {
  return (source: string, log: Logger): Http => {
    const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
    return { send: (req) => (req.route === route ? fn(() => real.send(req)) : real.send(req)) }
  }
}

const count = (routes: string[], name: string) => routes.filter((r) => r === name).length

describe('confirm-mode switch (seed rules 1.3.8–1.3.10)', () => {
  it('sends confirmOn before the first payment and never again', async () => {
    await setup({ confirmMode: true })
    expect((await pay()).op?.state).toBe('approved')
    expect((await pay()).op?.state).toBe('approved')
    expect(await h.routes()).toEqual(['confirmOn', 'payment', 'confirm', 'payment', 'confirm'])
  })

  it('sends confirmOff once when confirmMode = false', async () => {
    await setup({ confirmMode: false })
    await pay()
    await pay()
    expect(await h.routes()).toEqual(['confirmOff', 'payment', 'payment'])
  })

  it('a 502 on the switch aborts the payment, sends no payment, and the same scan works on retry', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'confirmOn', fault: 'http', status: 502 })
    const code = await h.token()
    const first = await pay(150050, code)
    expect(first.op?.state).toBe('declined')
    expect(first.op?.message?.key).toBe('clickpass.modeFailed')
    expect(await h.routes()).toEqual(['confirmOn'])
    await h.clock.advance(3_000) // the cashier retries: not a scanner double read
    const again = await pay(150050, code)
    expect(again.op?.state).toBe('approved')
    expect(await h.routes()).toEqual(['confirmOn', 'confirmOn', 'payment', 'confirm'])
  })

  it('no reply to the switch aborts the payment after the timeout', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'confirmOn', fault: 'noReply' })
    const r = await pay()
    expect(r.op?.message?.key).toBe('clickpass.modeFailed')
    expect(await h.routes()).toEqual(['confirmOn'])
  })

  it('a settings change from true to false switches the mode off once', async () => {
    await setup({ confirmMode: true })
    await pay()
    const types = await h.engine.listPaymentTypes()
    const t = types.find((x) => x.id === 'click')!
    const values = Object.fromEntries(Object.entries(t.values).map(([k, v]) => [k, v === undefined ? '' : String(v)]))
    expect(
      (await h.engine.savePaymentType({ id: 'click', number: 1, name: 'ClickPass', provider: 'clickpass', values: { ...values, confirmMode: 'false' } })).ok,
    ).toBe(true)
    await pay()
    await pay()
    expect(count(await h.routes(), 'confirmOff')).toBe(1)
    expect((await h.routes()).slice(-3)).toEqual(['confirmOff', 'payment', 'payment'])
  })

  it('follows the reply’s confirm_mode when another till switched the service on, and logs a warning', async () => {
    await setup({ confirmMode: false })
    await pay()
    await raw('PUT', '/v2/merchant/click_pass/confirmation/85335')
    const r = await pay()
    expect(r.op?.state).toBe('approved')
    expect((await h.routes()).slice(-2)).toEqual(['payment', 'confirm'])
    const warnings = await h.db.log.where('level').equals('warn').toArray()
    expect(warnings.some((w) => w.event.includes('confirm mode differs'))).toBe(true)
  })
})

describe('pay', () => {
  it('approved in confirm mode: confirm right after payment, one slip', async () => {
    await setup({ confirmMode: true })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'approved', message: { key: 'common.approved' } })
    expect(op?.slip?.copies).toBe(1)
    expect(op?.slip?.lines.find((l) => l.label === 'slip.paymentId')?.value).toBe(op?.ref)
    expect((await h.payments())[0]).toMatchObject({ state: 'PAID', transaction_id: op?.id })
  })

  it('approved without confirm mode: no confirm is sent', async () => {
    await setup({ confirmMode: false })
    expect((await pay()).op?.state).toBe('approved')
    expect(count(await h.routes(), 'confirm')).toBe(0)
  })

  it('pending for 20 s, then paid: status is polled every 2 s and the payment is approved', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 20_000, then: 'approve' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    const polls = count(await h.routes(), 'status')
    expect(polls).toBeGreaterThanOrEqual(10)
    expect(polls).toBeLessThanOrEqual(12)
  })

  it('never completes in time: at 60 s one reversal is queued; the queue waits while processing, then reverses it', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 90_000, then: 'approve' })
    const { op } = await pay()
    expect(op?.state).toBe('compensating')
    expect(op?.message?.key).toBe('clickpass.unknownConfirm')
    expect(await h.db.queue.count()).toBe(1)
    expect(count(await h.routes(), 'reversal')).toBe(0)
    await h.engine.drainQueue() // still processing: status 1, nothing reversed
    expect(count(await h.routes(), 'reversal')).toBe(0)
    expect(await h.db.queue.count()).toBe(1)
    await h.clock.advance(40_000)
    await h.engine.drainQueue()
    expect(count(await h.routes(), 'reversal')).toBe(1)
    expect((await h.payments())[0]?.state).toBe('REVERSED')
    expect((await h.op(op!.id)).state).toBe('compensated')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a decline (magic 91) shows the server’s text and queues nothing', async () => {
    await setup({ confirmMode: true, sandboxConfig: { magic: true } })
    const { op } = await pay(150091)
    expect(op?.state).toBe('declined')
    expect(op?.message?.server).toBe('Недостаточно средств на карте')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('below the server minimum: declined with the server’s note, nothing queued', async () => {
    await setup()
    const { op } = await pay(50_000)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-9010', httpStatus: 400 } })
    expect(op?.message?.server).toBe('Сумма платежа меньше минимально допустимой')
  })

  it('above the maximum: declined (-9011)', async () => {
    await setup()
    expect((await pay(10_000_000_100)).op?.error?.code).toBe('-9011')
  })

  it('a code already used at another till is declined by the server (-9021)', async () => {
    await setup({ confirmMode: true })
    const code = await h.token()
    await raw('POST', '/v2/merchant/click_pass/payment', { service_id: 85335, otp_data: code, amount: 1500, transaction_id: 'OTHER-TILL-1' })
    const { op } = await pay(150050, code)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-9021' } })
  })

  it('an expired code is declined by the server (-9022)', async () => {
    await setup()
    const code = await h.token()
    await h.clock.advance(61_000)
    const { op } = await pay(150050, code)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-9022' } })
  })

  it('a malformed scan is refused locally, and nothing is sent', async () => {
    await setup()
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: 'ABC123' })
    expect(r).toMatchObject({ ok: false, message: { key: 'clickpass.badQr' } })
    expect(await h.routes()).toEqual([])
    expect(await h.ops()).toEqual([])
  })

  it('bad amounts are refused before anything is written or sent', async () => {
    await setup()
    for (const amount of [0, -100, 1.5, Number.NaN]) expect((await h.engine.pay({ paymentTypeId: 'click', amount, code: await h.token() })).ok).toBe(false)
    expect(await h.ops()).toEqual([])
    expect(await h.routes()).toEqual([])
  })

  it('lost reply in confirm mode: found by transaction id, confirmed, approved', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'lostReply' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    const routes = await h.routes()
    expect(routes).toContain('statusByMti')
    expect(count(routes, 'payment')).toBe(1)
    expect(count(routes, 'confirm')).toBe(1)
    expect(op?.history.map((x) => x.state)).toEqual(expect.arrayContaining(['sent', 'unknown', 'resolving', 'approved']))
  })

  it('lost reply in confirm mode, found too late (31 s): declined, no reversal', async () => {
    await setup({ confirmMode: true })
    h.engine.stop()
    await h.fault({ route: 'payment', fault: 'lostReply' })
    const e = h.makeEngine({
      http: around('payment', async (send) => {
        const r = await send()
        await h.clock.advance(31_000)
        return r
      }),
    })
    const r = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: { id: string } }).op.id)
    expect(op.state).toBe('declined')
    const routes = await h.routes()
    expect(count(routes, 'confirm')).toBe(0)
    expect(count(routes, 'reversal')).toBe(0)
    expect((await h.payments())[0]?.payment_status).toBe(-2)
  })

  it('no reply in confirm mode: not found until 35 s, then declined (Click cancels it)', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'noReply' })
    const { op } = await pay()
    expect(op?.state).toBe('declined')
    expect(op?.message?.key).toBe('clickpass.notFound')
    expect(await h.payments()).toEqual([])
    expect(count(await h.routes(), 'statusByMti')).toBeGreaterThanOrEqual(15)
  })

  it('lost reply without confirm mode: found paid, approved', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'lostReply' })
    expect((await pay()).op?.state).toBe('approved')
  })

  it('no reply without confirm mode: after 60 s needs attention, and no reversal is sent', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'noReply' })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'needs-attention', message: { key: 'common.unknownAttention' } })
    expect(count(await h.routes(), 'reversal')).toBe(0)
  })

  it('a 5xx on pay follows the no-reply path of the mode', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'http', status: 500 })
    const { op } = await pay()
    expect(op?.state).toBe('declined')
    expect(op?.history.map((x) => x.state)).toContain('unknown')
  })

  it('a malformed (applied) reply is resolved: found, confirmed, approved', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'malformed' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    expect((await h.payments())[0]?.state).toBe('PAID')
  })

  it('a slow reply within the timeout is approved with no resolution; beyond it, resolved', async () => {
    await setup({ confirmMode: true, timeout: 3 })
    await h.fault({ route: 'payment', fault: 'slow', delayMs: 1_200 })
    const fast = await pay()
    expect(fast.op?.state).toBe('approved')
    expect(fast.op?.history.map((x) => x.state)).not.toContain('unknown')
    await h.close()
    await setup({ confirmMode: true, timeout: 1 })
    await h.fault({ route: 'payment', fault: 'slow', delayMs: 1_500 })
    const late = await pay()
    expect(late.op?.history.map((x) => x.state)).toContain('unknown')
    expect(late.op?.state).toBe('approved')
  })

  it('a lost confirm reply: status shows paid, approved, and no second confirm', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'confirm', fault: 'lostReply' })
    expect((await pay()).op?.state).toBe('approved')
    expect(count(await h.routes(), 'confirm')).toBe(1)
  })

  it('a confirm refused while the payment is already paid: approved by status', async () => {
    await setup({ confirmMode: true })
    h.engine.stop()
    await h.fault({ route: 'confirm', fault: 'error', code: -9041 })
    const e = h.makeEngine({
      http: around('confirm', async (send) => {
        const id = (await h.payments())[0]!.payment_id
        await raw('POST', '/v2/merchant/click_pass/confirm', { service_id: 85335, payment_id: Number(id) })
        return send()
      }),
    })
    const r = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: { id: string } }).op.id)
    expect(op.state).toBe('approved')
  })

  it('a confirm too late (the reply held while 31 s pass at Click): -9042, status -2, declined', async () => {
    await setup({ confirmMode: true })
    h.engine.stop()
    const held = deferred()
    const e = h.makeEngine({
      http: around('payment', async (send) => {
        const r = await send()
        await h.sb.clock.advance(31_000)
        held.resolve()
        return r
      }),
    })
    const r = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await held.promise
    await e.settled()
    const op = await h.op((r as { op: { id: string } }).op.id)
    expect(op.state).toBe('declined')
    const calls = await h.calls()
    expect(calls.find((c) => c.route === 'confirm')?.status).toBe(400)
    expect((await h.payments())[0]?.payment_status).toBe(-2)
  })

  it('stop waiting, then found paid: a reversal is queued and sent, the payment ends compensated', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 20_000, then: 'approve' })
    const code = await h.token()
    const r = await h.stoppingWaiting(async () => {
      const paid = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code })
      await h.engine.settled()
      return paid
    })
    expect(r.ok).toBe(true)
    const opId = (await h.ops())[0]?.id
    expect((await h.op(opId!)).state).toBe('compensating')
    await h.engine.drainQueue()
    expect((await h.op(opId!)).state).toBe('compensated')
    expect((await h.payments())[0]?.state).toBe('REVERSED')
    expect(count(await h.routes(), 'reversal')).toBe(1)
  })

  it('stop waiting in confirm mode with no reply: no confirm is ever sent; declined at 35 s', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'noReply' })
    await h.stoppingWaiting(() => pay())
    const opId = (await h.ops())[0]?.id
    const op = await h.op(opId!)
    expect(op).toMatchObject({ state: 'declined', message: { key: 'clickpass.unknownConfirm' }, cashierLeft: true })
    expect(count(await h.routes(), 'confirm')).toBe(0)
  })

  it('a payment_id above 2^53 is kept exactly, and status and reversal carry it unchanged', async () => {
    await setup({ confirmMode: true, sandboxConfig: { idsAbove2p53: true } })
    const { op } = await pay()
    const id = (await h.payments())[0]!.payment_id
    expect(BigInt(id) > 2n ** 53n).toBe(true)
    expect(op?.ref).toBe(id)
    const c = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(c.ok && c.op.state).toBe('approved')
    expect((await h.calls()).find((x) => x.route === 'reversal')?.path).toContain(`/${id}`)
  })

  it('amounts go on the wire in so’m: 150050 → 1500.5, 100000 → 1000', async () => {
    await setup({ confirmMode: false })
    await pay(150050)
    await pay(100000)
    const bodies = (await h.calls()).filter((c) => c.route === 'payment').map((c) => (c.body as { amount: number }).amount)
    expect(bodies).toEqual([1500.5, 1000])
  })
})

describe('requests a browser resends by itself', () => {
  // Chromium resends a request whose reused connection closed before any reply. The second
  // copy meets a consumed code or a reversed payment; money must still be accounted for.
  it('a payment resent after a lost reply is refused as a used code, yet found and approved', async () => {
    await setup({ confirmMode: true })
    h.engine.stop()
    const e = h.makeEngine({
      http: around('payment', async (send) => {
        await send()
        return send()
      }),
    })
    const r = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: { id: string } }).op.id)
    expect(op.state).toBe('approved')
    expect((await h.calls()).filter((c) => c.route === 'payment').map((c) => c.status)).toEqual([200, 400])
    expect(await h.payments()).toHaveLength(1)
    expect((await h.payments())[0]?.state).toBe('PAID')
  })

  it('a used-code refusal with no payment of ours behind it is declined after one lookup', async () => {
    await setup({ confirmMode: true })
    const code = await h.token()
    await raw('POST', '/v2/merchant/click_pass/payment', { service_id: 85335, otp_data: code, amount: 1500, transaction_id: 'OTHER-TILL-2' })
    const { op } = await pay(150050, code)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-9021' } })
    expect(count(await h.routes(), 'statusByMti')).toBeGreaterThanOrEqual(1)
  })

  it('a queued reversal resent by the browser: its copy is refused as already reversed, the status shows -3, the cancel is approved', async () => {
    // Found by the browser fault matrix (clickpass-confirm/lostReply/cancel/afterJournal): the
    // queue's reversal went through, its reply was lost, and the resent copy's refusal was believed.
    await setup()
    const { op } = await pay()
    await h.fault({ route: 'reversal', fault: 'http', status: 502 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'unknown', queued: true })
    h.engine.stop()
    const e = h.makeEngine({
      http: around('reversal', async (send) => {
        await send()
        return send()
      }),
    })
    const entry = (await h.db.queue.toArray())[0]!
    await h.clock.advance(entry.nextAttemptAt - h.clock.now())
    await e.drainQueue()
    const cancel = await h.op(r.ok ? r.op.id : '')
    expect(cancel.state).toBe('approved')
    expect((await h.calls()).filter((c) => c.route === 'reversal').map((c) => c.status)).toEqual([502, 200, 400])
    expect((await h.payments())[0]?.state).toBe('REVERSED')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a reversal refused while its status cannot be read is queued, not declined', async () => {
    await setup()
    const { op } = await pay()
    await raw('DELETE', `/v2/merchant/payment/reversal/85335/${op!.ref}`)
    await h.fault({ route: 'status', fault: 'reset' })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'unknown', message: { key: 'common.cancelQueued' } })
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('approved')
  })
})

describe('cancel and refund', () => {
  it('a payment from last month (not the 1st): the refund gets -5017 and is declined with that note', async () => {
    await setup({ confirmMode: false })
    const { op } = await pay()
    // Both clocks to the 10th of next month, 10:00 Tashkent; the payment dated the 15th of the month before.
    const d = new Date(h.clock.now())
    await h.clock.advance(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 10, 5) - h.clock.now())
    await h.sb.control('clickpass', `payment/${op!.ref}`, { createdAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 15, 7) }, 'PUT')
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op).toMatchObject({ state: 'declined', error: { code: '-5017' } })
    expect((await h.payments())[0]?.state).toBe('PAID')
  })

  it('a payment from last month on the 1st of this one: the reversal succeeds', async () => {
    await setup({ confirmMode: false })
    const { op } = await pay()
    // Both clocks to the 1st of next month, 10:00 Tashkent; the payment dated the 15th of this one.
    const d = new Date(h.clock.now())
    await h.clock.advance(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 5) - h.clock.now())
    await h.sb.control('clickpass', `payment/${op!.ref}`, { createdAt: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 15, 7) }, 'PUT')
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op.state).toBe('approved')
    expect((await h.payments())[0]?.state).toBe('REVERSED')
  })

  it('cancel: one reversal, a slip, the sandbox shows REVERSED', async () => {
    await setup()
    const { op } = await pay()
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', kind: 'cancel', slip: { title: 'slip.cancel' } })
    expect(count(await h.routes(), 'reversal')).toBe(1)
    expect((await h.payments())[0]?.state).toBe('REVERSED')
  })

  it('a full refund succeeds with one slip', async () => {
    await setup()
    const { op } = await pay()
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund', amount: 150050 })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', slip: { title: 'slip.refund', copies: 1 } })
  })

  it('a partial refund is refused locally with the seed’s sentence, and nothing is sent', async () => {
    await setup()
    const { op } = await pay()
    const before = (await h.routes()).length
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund', amount: 100000 })
    expect(r).toMatchObject({ ok: false, message: { key: 'common.partialRefund' } })
    expect((await h.routes()).length).toBe(before)
  })

  it('a second refund of a reversed payment is refused locally', async () => {
    await setup()
    const { op } = await pay()
    await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    const before = (await h.routes()).length
    expect(await h.engine.reverse({ opId: op!.id, kind: 'refund' })).toMatchObject({ ok: false, message: { key: 'common.alreadyReversed' } })
    expect((await h.routes()).length).toBe(before)
  })

  it('already reversed at Click while the journal says approved: -9050, status -3, the cancel is done', async () => {
    await setup()
    const { op } = await pay()
    await raw('DELETE', `/v2/merchant/payment/reversal/85335/${op!.ref}`)
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op.state).toBe('approved')
    expect((await h.calls()).filter((c) => c.route === 'reversal').map((c) => c.status)).toEqual([200, 400])
  })

  it('a lost reversal reply is queued; on drain the status shows -3 and no second DELETE goes out', async () => {
    await setup()
    const { op } = await pay()
    await h.fault({ route: 'reversal', fault: 'lostReply' })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'unknown', message: { key: 'common.cancelQueued' }, queued: true })
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    const cancel = await h.op(r.ok ? r.op.id : '')
    expect(cancel.state).toBe('approved')
    expect(count(await h.routes(), 'reversal')).toBe(1)
    expect(await h.db.queue.count()).toBe(0)
  })

  it('reversal 5xx twice: queued with growing backoff, then one more reversal after the fault clears', async () => {
    await setup({ random: () => 0.999 })
    const { op } = await pay()
    await h.fault({ route: 'reversal', fault: 'http', status: 502, times: 2 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op.state).toBe('unknown')
    const e1 = (await h.db.queue.toArray())[0]!
    await h.clock.advance(e1.nextAttemptAt - h.clock.now())
    await h.engine.drainQueue()
    const e2 = (await h.db.queue.toArray())[0]!
    expect(e2.attempt).toBe(1)
    expect(e2.nextAttemptAt - h.clock.now()).toBeGreaterThan(9_000)
    await h.clock.advance(e2.nextAttemptAt - h.clock.now())
    await h.engine.drainQueue()
    expect((await h.payments())[0]?.state).toBe('REVERSED')
    expect(count(await h.routes(), 'reversal')).toBe(3)
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a reversal always refused (magic 99): the cancel is declined with the server’s note', async () => {
    await setup({ sandboxConfig: { magic: true } })
    const { op } = await pay(150099)
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'declined', error: { code: '-9050' } })
    expect((await h.op(op!.id)).reversedBy).toBeUndefined()
  })

  it('a compensation refused definitively (magic 99): the payment ends needing attention', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 4_000, then: 'approve' })
    await h.fault({ route: 'reversal', fault: 'error', code: -9050, status: 400, times: 0 })
    await h.stoppingWaiting(() => pay())
    const opId = (await h.ops())[0]?.id
    await h.engine.drainQueue()
    expect((await h.op(opId!)).state).toBe('needs-attention')
    expect((await h.payments())[0]?.state).toBe('PAID')
  })
})

describe('robustness and cross-provider rules', () => {
  it('4xx with an HTML body: declined at once, the message names the status, no resolution', async () => {
    await setup()
    await h.fault({ route: 'payment', fault: 'http', status: 404 })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'common.httpStatus', params: { status: 404 } } })
    expect(await h.routes()).not.toContain('statusByMti')
  })

  it('403 with an HTML body: declined, the message names the status and points at the credentials', async () => {
    await setup()
    await h.fault({ route: 'payment', fault: 'http', status: 403 })
    expect((await pay()).op?.message).toMatchObject({ key: 'clickpass.authHttp', params: { status: 403 } })
  })

  it('a wrong secret: 401/-9001, declined with the authorisation message, and the scan is spent', async () => {
    await setup({ sandboxConfig: { secretKey: 'another' } })
    const { op, code } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'clickpass.auth' } })
    expect(op?.code?.spent).toBe(false) // the switch itself failed first: nothing was sent with the code
    await h.clock.advance(3_000)
    expect((await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code })).ok).toBe(true)
  })

  it('a device clock 10 minutes off: the payment is declined with the authorisation message', async () => {
    await setup({ confirmMode: true })
    await pay()
    await h.sb.clock.advance(600_000)
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'clickpass.auth' }, code: { spent: true } })
  })

  it('the scanner delivering the same code twice within 2 s creates one operation', async () => {
    await setup()
    const code = await h.token()
    const [a, b] = await Promise.all([
      h.engine.pay({ paymentTypeId: 'click', amount: 150050, code }),
      h.engine.pay({ paymentTypeId: 'click', amount: 150050, code }),
    ])
    await h.engine.settled()
    expect([a.ok, b.ok].sort()).toEqual([false, true])
    expect((await h.ops()).length).toBe(1)
  })

  it('a code used by an earlier operation is refused locally, with no request', async () => {
    await setup()
    const { code } = await pay()
    await h.clock.advance(3_000)
    const before = (await h.routes()).length
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code })).toMatchObject({ ok: false, message: { key: 'common.qrUsed' } })
    expect((await h.routes()).length).toBe(before)
  })

  it('a code scanned longer ago than its lifetime is refused locally', async () => {
    await setup()
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token(), scannedAt: h.clock.now() - 61_000 })
    expect(r).toMatchObject({ ok: false, message: { key: 'common.qrExpired' } })
  })

  it('restart mid-flight: a payment left "sent" is resolved by a status query, never paid twice', async () => {
    await setup({ confirmMode: true })
    h.engine.stop()
    const never = deferred<never>()
    const crashed = h.makeEngine({
      http: around('payment', async (send) => {
        await send() // the request reaches Click, but the tab dies before the reply is read
        return never.promise
      }),
    })
    void crashed.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await vi_waitFor(async () => (await h.ops())[0]?.state === 'sent' && (await h.payments()).length === 1)
    const restarted = h.makeEngine()
    await restarted.start()
    await restarted.settled()
    const op = (await h.ops())[0]!
    expect(op.state).toBe('approved')
    expect(count(await h.routes(), 'payment')).toBe(1)
    expect((await h.payments())[0]?.state).toBe('PAID')
  })

  it('a reload keeps the deadline: resolution resumes with the stored window, not a fresh one', async () => {
    await setup({ confirmMode: false })
    h.engine.stop()
    await h.fault({ route: 'payment', fault: 'pending', forMs: 45_000, then: 'approve' })
    const stopAt = deferred()
    let first: string | undefined
    const e1 = h.makeEngine({
      http: around('status', async (send) => {
        if (h.clock.now() - (await h.ops())[0]!.sentAt! >= 20_000) {
          first ??= 'reloaded'
          stopAt.resolve()
          return new Promise(() => undefined) // the page is gone
        }
        return send()
      }),
    })
    void e1.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await stopAt.promise
    const before = (await h.ops())[0]!
    expect(before.state).toBe('resolving')
    const e2 = h.makeEngine()
    await e2.start()
    await e2.settled()
    const after = (await h.ops())[0]!
    expect(after.deadline).toBe(before.deadline)
    expect(after.deadline! - after.sentAt!).toBe(60_000)
    expect(after.state).toBe('approved')
  })

  it('offline queue: a compensation waits while the sandbox is offline and is sent exactly once after online', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 4_000, then: 'approve' })
    await h.stoppingWaiting(() => pay())
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    await h.engine.online()
    expect(await h.db.queue.count()).toBe(1)
    await h.clearFaults()
    await h.clock.advance(10_000)
    await h.engine.online()
    await h.engine.online()
    expect(count(await h.routes(), 'reversal')).toBe(1)
    expect((await h.ops()).find((o) => o.kind === 'pay')?.state).toBe('compensated')
  })

  it('backoff: a failing compensation retries with gaps 5, 10, 20 … up to 300 s and is never dropped', async () => {
    await setup({ confirmMode: false, random: () => 0.999999 })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 4_000, then: 'approve' })
    await h.stoppingWaiting(() => pay())
    await h.fault({ route: 'status', fault: 'reset', times: 0 })
    const gaps: number[] = []
    for (let i = 0; i < 8; i++) {
      const e = (await h.db.queue.toArray())[0]!
      await h.clock.advance(Math.max(0, e.nextAttemptAt - h.clock.now()))
      await h.engine.drainQueue()
      const next = (await h.db.queue.toArray())[0]!
      gaps.push(Math.round((next.nextAttemptAt - h.clock.now()) / 1000))
    }
    expect(gaps).toEqual([10, 20, 40, 80, 160, 300, 300, 300])
    expect(await h.db.queue.count()).toBe(1)
  })

  it('two engines sharing one database and one lock never send the same compensation twice', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'pending', forMs: 4_000, then: 'approve' })
    await h.stoppingWaiting(() => pay())
    const { memoryLocks } = await import('../../workers/engine/locks.ts')
    const locks = memoryLocks()
    const a = h.makeEngine({ locks })
    const b = h.makeEngine({ locks })
    const results = await Promise.all([a.drainQueue(), b.drainQueue(), a.drainQueue()])
    expect(results.filter((r) => r.ok && r.drainer).length).toBeGreaterThanOrEqual(1)
    await a.drainQueue()
    expect(count(await h.routes(), 'reversal')).toBe(1)
  })

  it('the host’s second pay request for an unsettled order is refused until the first is settled', async () => {
    await setup({ confirmMode: false })
    await h.fault({ route: 'payment', fault: 'noReply' })
    const first = h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token(), order: 'R-1' })
    await vi_waitFor(async () => (await h.ops()).length === 1)
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token(), order: 'R-1' })).toMatchObject({
      ok: false,
      message: { key: 'common.orderPending' },
    })
    await first
    await h.engine.settled()
  })

  it('no secret, full customer code or unmasked Auth appears in the log or the exports', async () => {
    await setup({ confirmMode: true })
    await h.fault({ route: 'payment', fault: 'lostReply' })
    const { code } = await pay()
    await pay()
    const log = await h.engine.exportLog()
    const journal = await h.engine.exportJournal()
    const conf = await h.engine.exportConf('click')
    for (const text of [log, journal, conf.ok ? conf.text : '']) {
      expect(text).not.toContain(SECRET)
      expect(text).not.toContain(code)
      expect(text).not.toMatch(/\b123:[0-9a-f]{40}:/)
    }
    expect(log).toMatch(/"Auth":"123:\*\*\*\*:\d{10}"/)
    expect(log).toContain(`otp_data\\":\\"${code.slice(0, 4)}…${code.slice(-2)}\\"`)
  })
})

async function vi_waitFor(cond: () => Promise<boolean>, ms = 5_000) {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}
