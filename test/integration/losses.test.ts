// The four losses seen under real faults, each against the real sandbox over HTTP.
// A reply lost after the money moved, with the browser resending the request by itself, is
// modelled by a transport that sends the request, throws the reply away and sends it again
// (what Chromium does on a reused connection that closed before any reply). A browser killed
// with a request in flight is an engine whose transport never answers, dropped, and a new
// engine started on the same IndexedDB (its Web Locks die with it, as a killed tab's do).
import { afterEach, describe, expect, it } from 'vitest'
import { harness, type Harness, type HarnessOptions } from '../support/engine.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import type { Engine } from '../../workers/engine/engine.ts'

let h: Harness
afterEach(async () => h?.close())

async function setup(opts: HarnessOptions) {
  h = await harness(opts)
  h.engine.stop()
  return h
}

/** A transport that lets a test act around one route's exchange. */
function around(route: string, fn: (send: () => ReturnType<Http['send']>) => ReturnType<Http['send']>) {
  return (source: string, log: Logger): Http => {
    const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
    return { send: (req) => (req.route === route ? fn(() => real.send(req)) : real.send(req)) }
  }
}

/** The request reaches the server, its reply is lost, and the browser sends the same request again. */
const resent = (route: string) =>
  around(route, async (send) => {
    await send()
    return send()
  })

/** The request reaches the server and then the tab dies: no reply ever comes. */
const killedInFlight = (route: string) =>
  around(route, async (send) => {
    await send()
    return new Promise<never>(() => undefined)
  })

const count = (routes: string[], name: string) => routes.filter((r) => r === name).length

async function until(cond: () => Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('condition not met')
}

/** Reopen the till on the same journal: a fresh engine whose start resumes open operations. */
async function reopen(): Promise<Engine> {
  const e = h.makeEngine()
  await e.start()
  await e.settled()
  return e
}

async function drain(e: Engine, times = 3) {
  for (let i = 0; i < times; i++) {
    await h.clock.advance(10_000)
    await e.drainQueue()
    await e.settled()
  }
}

describe('the four losses', () => {
  it('loss 1 — O!plati: the pay reply is lost and the resent copy meets DUPLICATE_ORDER; our order is looked up and the payment approved', async () => {
    await setup({ provider: 'oplati' })
    const e = h.makeEngine({ http: resent('payments') })
    // The customer confirms on the phone while the till polls.
    h.clock.onTick = async () => {
      const op = (await h.ops()).find((o) => o.kind === 'pay' && !isFinal(o.state))
      const p = ((await h.sb.state('oplati')) as { payments: { paymentId: string; orderNumber: string; status: number }[] }).payments.find(
        (x) => x.orderNumber === op?.id,
      )
      if (p && p.status === 0) await h.sb.control('oplati', 'customer/act', { paymentId: p.paymentId, action: 'confirm' }).catch(() => undefined)
    }
    const r = await e.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })
    await e.settled()
    h.clock.onTick = undefined
    const op = await h.op((r as { op: Operation }).op.id)
    const server = ((await h.sb.state('oplati')) as { payments: { paymentId: string; orderNumber: string; status: number }[] }).payments.filter(
      (x) => x.orderNumber === op.id,
    )
    expect((await h.calls()).filter((c) => c.route === 'payments').map((c) => c.status)).toEqual([200, 409])
    expect(server).toHaveLength(1)
    expect(server[0]!.status).toBe(1)
    expect(op).toMatchObject({ state: 'approved', ref: server[0]!.paymentId })
    e.stop()
  })

  it('loss 2 — ClickPass: the confirm reply is lost, the resent confirm gets -9041, status is down: unknown and compensated, never declined', async () => {
    await setup({ provider: 'clickpass', confirmMode: true })
    const e = h.makeEngine({ http: resent('confirm') })
    await h.fault({ route: 'status', fault: 'http', status: 500, times: 0 })
    await h.fault({ route: 'statusByMti', fault: 'http', status: 500, times: 0 })
    const r = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    expect((await h.calls()).filter((c) => c.route === 'confirm').map((c) => c.status)).toEqual([200, 400])
    expect((await h.payments())[0]?.state).toBe('PAID')
    expect(op.state).not.toBe('declined')
    expect(op).toMatchObject({ state: 'compensating', queued: true })
    // Status comes back: the queue reverses the payment, and the journal agrees with Click.
    await h.clearFaults()
    await drain(e)
    expect((await h.op(op.id)).state).toBe('compensated')
    expect((await h.payments())[0]?.state).not.toBe('PAID')
    expect(count(await h.routes(), 'reversal')).toBe(1)
    e.stop()
  })

  it('loss 3 — ClickPass: a cancel from the journal gets no reply and the browser is killed; reopened, the cancel is resumed as a cancel, not as the payment', async () => {
    await setup({ provider: 'clickpass', confirmMode: true })
    const e1 = h.makeEngine({ http: around('reversal', () => new Promise<never>(() => undefined)) })
    const paid = await e1.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token() })
    await e1.settled()
    const pay = (paid as { op: Operation }).op
    expect(pay.state).toBe('approved')
    void e1.reverse({ opId: pay.id, kind: 'cancel' })
    await until(async () => (await h.ops()).some((o) => o.kind === 'cancel' && o.state === 'sent'))
    e1.stop()
    const e2 = await reopen()
    const cancel = (await h.ops()).find((o) => o.kind === 'cancel')!
    // The reversal never reached Click: the payment is still PAID, so the cancel is not approved yet.
    expect((await h.payments())[0]?.state).toBe('PAID')
    expect(cancel.state).not.toBe('approved')
    await drain(e2)
    expect((await h.op(cancel.id)).state).toBe('approved')
    expect((await h.payments())[0]?.state).not.toBe('PAID')
    expect(count(await h.routes(), 'reversal')).toBe(1)
    e2.stop()
  })

  it('loss 4 — PaymeGO: a cancel from the journal reaches Payme and the tab is killed; reopened, the cancel is approved as Payme holds it (50)', async () => {
    await setup({ provider: 'payme' })
    const e1 = h.makeEngine({ http: killedInFlight('cancel') })
    const paid = await e1.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
    await e1.settled()
    const pay = (paid as { op: Operation }).op
    expect(pay.state).toBe('approved')
    void e1.reverse({ opId: pay.id, kind: 'cancel' })
    await until(async () => count(await h.routes(), 'cancel') === 1 && (await h.ops()).some((o) => o.kind === 'cancel' && o.state === 'sent'))
    e1.stop()
    const e2 = await reopen()
    await drain(e2)
    const cancel = (await h.ops()).find((o) => o.kind === 'cancel')!
    expect((await h.receipts()).find((x) => x._id === pay.ref)?.state).toBe(50)
    expect(cancel.state).toBe('approved')
    expect(count(await h.routes(), 'cancel')).toBe(1)
    e2.stop()
  })
})

describe('a crash between the queue and the journal (found by the fault matrix)', () => {
  it('a compensation that ended while its original still says compensating, with no queue entry left, finishes the original on start', async () => {
    await setup({})
    const now = h.clock.now()
    const base = { provider: 'clickpass' as const, paymentTypeId: 'click', amount: 150050, currency: 'UZS', createdAt: now, updatedAt: now }
    // The journal a tab left when it died after the queue's ack and before the original's final state.
    await h.db.operations.bulkAdd([
      { ...base, id: 'PAY', kind: 'pay', state: 'compensating', reversedBy: 'COMP', history: [{ at: now, state: 'compensating' }] },
      { ...base, id: 'COMP', kind: 'cancel', state: 'approved', compensates: 'PAY', history: [{ at: now, state: 'approved' }] },
    ] as unknown as Operation[])
    const restarted = h.makeEngine()
    await restarted.start()
    await restarted.settled()
    expect((await h.op('PAY')).state).toBe('compensated')
    restarted.stop()
  })
})

describe('refusals of our own resent requests are checked before they are believed', () => {
  it('PaymeGO: a resent receipts.pay meets "wrong state" (-31008); the receipt is paid, so the payment is approved and nothing is cancelled', async () => {
    await setup({ provider: 'payme' })
    const e = h.makeEngine({ http: resent('pay') })
    const r = await e.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    expect((await h.calls()).filter((c) => c.route === 'pay').length).toBe(2)
    expect(op.state).toBe('approved')
    expect((await h.receipts()).find((x) => x._id === op.ref)?.state).toBe(4)
    expect(await h.db.queue.count()).toBe(0)
    e.stop()
  })

  it('O!plati: a DUPLICATE_ORDER while E8 cannot be read is unknown and resolved by the queue, never declined', async () => {
    await setup({ provider: 'oplati' })
    const e = h.makeEngine({ http: resent('payments') })
    await h.fault({ route: 'reports', fault: 'http', status: 500 })
    const r = await e.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })
    await e.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    expect(op).toMatchObject({ state: 'unknown', queued: true })
    await drain(e)
    // Found in progress by E8, cancelled with C5 (the cashier has left): the journal says declined, as the server does.
    const server = ((await h.sb.state('oplati')) as { payments: { orderNumber: string; status: number }[] }).payments.find((x) => x.orderNumber === op.id)
    expect(server?.status).not.toBe(1)
    expect(isFinal((await h.op(op.id)).state)).toBe(true)
    e.stop()
  })
})

describe('two tabs on one till', () => {
  it('«Прекратить ожидание» pressed in the tab that is not driving the payment reaches it: no approval after the cashier left', async () => {
    await setup({ provider: 'payme' })
    // The receipt would be paid 3 s in; the cashier stops waiting in the other tab at the first check.
    await h.fault({ route: 'pay', fault: 'pending', forMs: 3_000 })
    const other = h.makeEngine()
    let stopped = false
    const driver = h.makeEngine({
      http: around('check', async (send) => {
        if (!stopped) {
          stopped = true
          const op = (await h.ops()).find((o) => o.kind === 'pay')!
          expect(await other.stopWaiting(op.id)).toEqual({ ok: true })
        }
        return send()
      }),
    })
    const r = await driver.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
    await driver.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    expect(stopped).toBe(true)
    expect(op).toMatchObject({ cashierLeft: true, state: 'compensating', message: { key: 'payme.timeout' } })
    expect(count(await h.routes(), 'check')).toBe(1)
    driver.stop()
    other.stop()
  })

  it('each operation remembers the tab that started it', async () => {
    await setup({ provider: 'clickpass' })
    const e = h.makeEngine()
    const a = await e.pay({ paymentTypeId: 'click', amount: 150050, code: await h.token(), tab: 'tab-a' })
    const b = await e.pay({ paymentTypeId: 'click', amount: 160000, code: await h.token(), tab: 'bad tab id!' })
    await e.settled()
    expect((await h.op((a as { op: Operation }).op.id)).tab).toBe('tab-a')
    expect((await h.op((b as { op: Operation }).op.id)).tab).toBeUndefined()
    e.stop()
  })
})
