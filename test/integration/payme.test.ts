// PaymeGO end to end: engine and client against the Payme sandbox over real HTTP
// (docs/protocols/payme.md § 5). frequency = 1000, payDuration = 5000, timeout = 1; every poll
// interval runs on the test clock, which moves the sandbox's clock with it.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, deferred, SECRET, type Harness, type HarnessOptions } from '../support/engine.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'
import { importConf } from '../../src/domain/config.ts'
import { PAYME_SCHEMA } from '../../workers/providers/payme/config.ts'

let h: Harness
afterEach(async () => h?.close())

async function setup(opts: HarnessOptions = {}) {
  h = await harness({ provider: 'payme', ...opts })
  return h
}

async function pay(amount = 150050, code?: string, scannedAt?: number) {
  const c = code ?? (await h.token())
  const r = await h.engine.pay({ paymentTypeId: 'payme', amount, code: c, ...(scannedAt !== undefined ? { scannedAt } : {}) })
  await h.engine.settled()
  return { r, op: r.ok ? await h.op(r.op.id) : undefined, code: c }
}

const count = (routes: string[], name: string) => routes.filter((r) => r === name).length

function around(route: string, fn: (send: () => ReturnType<Http['send']>) => ReturnType<Http['send']>) {
  return (source: string, log: Logger): Http => {
    const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
    return { send: (req) => (req.route === route ? fn(() => real.send(req)) : real.send(req)) }
  }
}

describe('configuration', () => {
  it('reads the seed sample’s stray dot as an empty list, with a warning', () => {
    const r = importConf(PAYME_SCHEMA, '[Main]\n;posId = "id"\nignoredErrors =.\n')
    expect(r.ok).toBe(true)
    expect(r.values.ignoredErrors).toEqual([])
    expect(r.warnings.map((w) => w.message.key)).toEqual(['config.strayDot'])
  })

  it('accepts codes separated by commas or spaces, and refuses a non-code', () => {
    expect(importConf(PAYME_SCHEMA, '[Main]\nignoredErrors = -31630, -31303 -31400\n').values.ignoredErrors).toEqual(['-31630', '-31303', '-31400'])
    expect(importConf(PAYME_SCHEMA, '[Main]\nignoredErrors = -31630,abc\n').ok).toBe(false)
  })

  it('refuses a code the seed does not list (the issue’s rule: only the documented codes)', () => {
    const r = importConf(PAYME_SCHEMA, '[Main]\nignoredErrors = -12345\n')
    expect(r.ok).toBe(false)
    expect(r.errors[0]?.message).toMatchObject({ key: 'config.notAllowed', params: { field: 'ignoredErrors', value: '-12345' } })
  })

  it('refuses frequency above payDuration', async () => {
    await setup()
    const r = await h.engine.savePaymentType({
      id: 'payme',
      number: 2,
      name: 'PaymeGO',
      provider: 'payme',
      values: { url: 'http://x/api', posId: 'abc', frequency: '500000', payDuration: '300000' },
    })
    expect(r).toMatchObject({ ok: false })
    expect((r as unknown as { errors: { message: { key: string } }[] }).errors[0]?.message.key).toBe('payme.frequencyTooLong')
  })

  it('the seed placeholders posId = "id" / posKey = "key" leave the type disabled', async () => {
    await setup()
    await h.engine.savePaymentType({
      id: 'payme',
      number: 2,
      name: 'PaymeGO',
      provider: 'payme',
      values: { url: 'http://x/api', posId: 'id' },
      secrets: { posKey: 'key' },
    })
    const t = (await h.engine.listPaymentTypes()).find((x) => x.id === 'payme')!
    expect(t.enabled).toBe(false)
    expect(t.missing).toEqual(['posId', 'posKey'])
  })

  it('a wrong posKey: create gets -32504, declined, and no pay is sent', async () => {
    await setup({ sandboxConfig: { posKey: 'another' } })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', error: { code: '-32504' } })
    expect(await h.routes()).toEqual(['create'])
  })

  it('sends X-Auth as posId:posKey and logs posId:****', async () => {
    await setup()
    await pay()
    const calls = await h.calls()
    expect(calls[0]?.headers['x-auth'] ?? calls[0]?.headers['X-Auth']).toMatch(/^5e730e8e0b852a417aa49ceb:/)
    const log = await h.engine.exportLog()
    expect(log).toContain('"X-Auth":"5e730e8e0b852a417aa49ceb:****"')
    expect(log).not.toContain(SECRET)
  })
})

describe('pay', () => {
  it('approved: exactly create and pay, two slips from the receipt', async () => {
    await setup()
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    expect(await h.routes()).toEqual(['create', 'pay'])
    expect(op?.slip?.copies).toBe(2)
    const labels = op!.slip!.lines.map((l) => l.label)
    expect(labels).toEqual(expect.arrayContaining(['slip.merchant', 'slip.terminalId', 'slip.receiptId', 'slip.card', 'slip.amount']))
    expect((await h.receipts())[0]).toMatchObject({ _id: op?.ref, state: 4, amount: 150050 })
  })

  it('the sale’s items go to receipts.create as fiscal detail, price per unit next to count; items that do not add up are refused with no request', async () => {
    await setup()
    const items = [
      { title: 'Non', price: 50_000, count: 2, code: '10202001001000001', packageCode: '1500212', vatPercent: 12 },
      { title: 'Suv', price: 50_050, count: 1, code: '02201001001000000', vatPercent: 0 },
    ]
    const bad = await h.engine.pay({ paymentTypeId: 'payme', amount: 150_051, code: await h.token(), items })
    expect(bad).toMatchObject({ ok: false, message: { key: 'common.badItems' } })
    expect(await h.routes()).toEqual([])
    const r = await h.engine.pay({ paymentTypeId: 'payme', amount: 150_050, code: await h.token(), items })
    await h.engine.settled()
    expect(r.ok && (await h.op(r.op.id)).state).toBe('approved')
    const create = (await h.calls())[0]?.body as { params: { detail: { items: unknown[] } } }
    expect(create.params.detail.items).toEqual([
      { title: 'Non', price: 50_000, count: 2, code: '10202001001000001', package_code: '1500212', vat_percent: 12 },
      { title: 'Suv', price: 50_050, count: 1, code: '02201001001000000', vat_percent: 0 },
    ])
    expect((await h.receipts())[0]).toMatchObject({ detail: { receipt_type: 0 } })
  })

  it('a sale line without its IKPU code or VAT rate is refused with a clear message before anything is sent', async () => {
    await setup()
    const noCode = [
      { title: 'Non', price: 100_000, count: 1, code: '10202001001000001', vatPercent: 12 },
      { title: 'Suv', price: 50_050, count: 1, vatPercent: 12 },
    ]
    expect(await h.engine.pay({ paymentTypeId: 'payme', amount: 150_050, code: await h.token(), items: noCode })).toMatchObject({
      ok: false,
      message: { key: 'payme.itemNoCode', params: { line: 2 } },
    })
    const noVat = [{ title: 'Non', price: 150_050, count: 1, code: '10202001001000001' }]
    expect(await h.engine.pay({ paymentTypeId: 'payme', amount: 150_050, code: await h.token(), items: noVat })).toMatchObject({
      ok: false,
      message: { key: 'payme.itemNoVat', params: { line: 1 } },
    })
    expect(await h.routes()).toEqual([])
    expect(await h.ops()).toEqual([])
  })

  it('without items, receipts.create has no detail', async () => {
    await setup()
    await pay()
    expect((await h.calls())[0]?.body).not.toHaveProperty('params.detail')
  })

  it('pending for 3 s, then paid: check about every 1000 ms, approved with two slips', async () => {
    await setup()
    await h.fault({ route: 'pay', fault: 'pending', forMs: 3_000, then: 'approve' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    expect(op?.slip?.copies).toBe(2)
    const checks = (await h.calls()).filter((c) => c.route === 'check').map((c) => (c as unknown as { at: number }).at)
    expect(checks.length).toBeGreaterThanOrEqual(3)
    for (let i = 1; i < checks.length; i++) expect(checks[i]! - checks[i - 1]!).toBe(1000)
  })

  it('declined while pending: check shows 50, declined, nothing queued', async () => {
    await setup()
    await h.fault({ route: 'pay', fault: 'pending', forMs: 2_000, then: 'decline' })
    const { op } = await pay()
    expect(op?.state).toBe('declined')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('declined with the default list: the {ru} message, and a safety cancel queued that finds 50 and sends nothing', async () => {
    await setup({ sandboxConfig: { magic: true, messageForm: 'object' } })
    const { op } = await pay(150091)
    expect(op?.state).toBe('declined')
    expect(op?.message?.serverByLang?.ru).toBeTruthy()
    expect(await h.db.queue.count()).toBe(1)
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    expect(await h.db.queue.count()).toBe(0)
    expect(count(await h.routes(), 'cancel')).toBe(0)
    expect((await h.op(op!.id)).state).toBe('declined')
  })

  it('declined with the code in ignoredErrors: nothing is queued', async () => {
    await setup({ sandboxConfig: { magic: true }, values: { ignoredErrors: '-31630' } })
    expect((await pay(150091)).op?.state).toBe('declined')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a plain-string error message (the sandbox default, as the real API) is shown as received', async () => {
    await setup({ sandboxConfig: { magic: true } })
    const { op } = await pay(150091)
    expect(typeof op?.message?.server).toBe('string')
    expect(op?.message?.server?.length).toBeGreaterThan(0)
  })

  it('below the minimum: create gets -31611, declined, no pay', async () => {
    await setup()
    const { op } = await pay(50_000)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-31611' } })
    expect(await h.routes()).toEqual(['create'])
  })

  it('a code scanned 31 s ago is refused locally, with no request', async () => {
    await setup()
    const r = await h.engine.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token(), scannedAt: h.clock.now() - 31_000 })
    expect(r).toMatchObject({ ok: false, message: { key: 'common.qrExpired' } })
    expect(await h.routes()).toEqual([])
  })

  it('a code that passes 30 s while create is answered: pay is not sent, payme.qrExpired', async () => {
    await setup()
    h.engine.stop()
    const e = h.makeEngine({
      http: around('create', async (send) => {
        const r = await send()
        await h.clock.advance(31_000)
        return r
      }),
    })
    const r = await e.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
    await e.settled()
    expect(await h.op((r as { op: { id: string } }).op.id)).toMatchObject({ state: 'declined', message: { key: 'payme.qrExpired' } })
    expect(await h.routes()).toEqual(['create'])
  })

  it('a token used before at the server: pay gets -31400, declined', async () => {
    await setup({ values: { ignoredErrors: '-31400' } })
    const code = await h.token()
    const other = await setup2ndTill(code)
    expect(other).toBe(true)
    const { op } = await pay(150050, code)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-31400' } })
  })

  it('a token past its lifetime at the sandbox: pay gets -31400, declined, nothing charged', async () => {
    await setup({ values: { ignoredErrors: '-31400' } })
    const { op } = await pay(150050, await h.token({ ttlMs: 0 }))
    expect(op).toMatchObject({ state: 'declined', error: { code: '-31400' } })
    expect((await h.receipts())[0]?.state).toBe(0)
  })

  it.each([-32300, -32700, -32600, -32601])('a JSON-RPC error %i on create: declined with the code shown, no pay', async (code) => {
    await setup()
    await h.fault({ route: 'create', fault: 'error', code })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', error: { code: String(code) }, message: { key: 'payme.error', params: { code } } })
    expect(await h.routes()).toEqual(['create'])
  })

  it('create not answered: payme.createFailed, and the same scan works on a retry within 30 s', async () => {
    await setup()
    await h.fault({ route: 'create', fault: 'noReply' })
    const { op, code } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'payme.createFailed' }, code: { spent: false } })
    await h.clock.advance(3_000)
    expect((await pay(150050, code)).op?.state).toBe('approved')
  })

  it('a lost pay reply: check shows 4, get supplies the slip, approved with two slips', async () => {
    await setup()
    await h.fault({ route: 'pay', fault: 'lostReply' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    const routes = await h.routes()
    expect(routes).toContain('check')
    expect(routes).toContain('get')
    expect(op?.slip?.copies).toBe(2)
    expect(op?.slip?.lines.find((l) => l.label === 'slip.card')).toBeTruthy()
  })

  it('no pay reply: check shows 0 until payDuration, the seed message, one cancel queued; the drain cancels the receipt', async () => {
    await setup()
    await h.fault({ route: 'pay', fault: 'noReply' })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'compensating', message: { key: 'payme.timeout' } })
    expect(await h.db.queue.count()).toBe(1)
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    expect((await h.op(op!.id)).state).toBe('compensated')
    expect(count(await h.routes(), 'cancel')).toBe(1)
    expect((await h.receipts())[0]?.state).toBe(50)
  })

  it('never completes (magic 93): the same path, and the drain cancels the receipt to 50', async () => {
    await setup({ sandboxConfig: { magic: true } })
    const { op } = await pay(150093)
    expect(op?.state).toBe('compensating')
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    await h.clock.advance(10_000)
    await h.engine.drainQueue()
    expect((await h.receipts())[0]?.state).toBe(50)
    expect((await h.op(op!.id)).state).toBe('compensated')
  })

  it('stop waiting starts the timeout path at once', async () => {
    await setup({ values: { payDuration: '60000' } })
    await h.fault({ route: 'pay', fault: 'pending', forMs: 50_000, then: 'approve' })
    const started = h.clock.now()
    const { op } = await h.stoppingWaiting(() => pay())
    expect(op).toMatchObject({ state: 'compensating', message: { key: 'payme.timeout' } })
    expect(h.clock.now() - started).toBeLessThan(5_000)
  })

  it('poll failures (500 on every check): the seed message only after payDuration', async () => {
    await setup()
    await h.fault({ route: 'check', fault: 'http', status: 500, times: 0 })
    await h.fault({ route: 'pay', fault: 'pending', forMs: 60_000, then: 'approve' })
    const started = h.clock.now()
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'compensating', message: { key: 'payme.timeout' } })
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(5_000)
  })

  it('a malformed pay reply: polling finds 4, approved', async () => {
    await setup()
    await h.fault({ route: 'pay', fault: 'malformed' })
    expect((await pay()).op?.state).toBe('approved')
  })

  it('a reload during polling resumes with the original deadline, and never pays twice', async () => {
    await setup()
    h.engine.stop()
    await h.fault({ route: 'pay', fault: 'pending', forMs: 60_000, then: 'approve' })
    const gone = deferred()
    const e1 = h.makeEngine({
      http: around('check', async (send) => {
        if (h.clock.now() - (await h.ops())[0]!.sentAt! >= 2_000) {
          gone.resolve()
          return new Promise(() => undefined)
        }
        return send()
      }),
    })
    void e1.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
    await gone.promise
    const before = (await h.ops())[0]!
    const e2 = h.makeEngine()
    await e2.start()
    await e2.settled()
    const after = (await h.ops())[0]!
    expect(after.deadline).toBe(before.deadline)
    expect(after.state).toBe('compensating')
    expect(after.history.find((x) => x.state === 'compensating')!.at).toBe(before.deadline)
    expect(count(await h.routes(), 'pay')).toBe(1)
  })
})

describe('cancel and refund', () => {
  it('a full refund: cancel answers 21, check until 50, two slips', async () => {
    await setup()
    const { op } = await pay()
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', slip: { copies: 2, title: 'slip.refund' } })
    expect(count(await h.routes(), 'check')).toBeGreaterThanOrEqual(1)
  })

  it('a partial refund is refused locally', async () => {
    await setup()
    const { op } = await pay()
    expect(await h.engine.reverse({ opId: op!.id, kind: 'refund', amount: 100 })).toMatchObject({ ok: false, message: { key: 'common.partialRefund' } })
    expect(count(await h.routes(), 'cancel')).toBe(0)
  })

  it('a cancel follows the same flow', async () => {
    await setup()
    const { op } = await pay()
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', slip: { copies: 2, title: 'slip.cancel' } })
  })

  it('a refund stuck in 21: no slip, payme.refundQueued, one cancel queued that completes with no second cancel', async () => {
    await setup()
    const { op } = await pay()
    await h.fault({ route: 'cancel', fault: 'pending', forMs: 20_000 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op).toMatchObject({ state: 'resolving', message: { key: 'payme.refundQueued' }, queued: true })
    expect(r.ok && r.op.slip).toBeUndefined()
    await h.clock.advance(3_000)
    await h.engine.drainQueue()
    expect(await h.db.queue.count()).toBe(1)
    await h.clock.advance(20_000)
    await h.engine.drainQueue()
    expect(await h.db.queue.count()).toBe(0)
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('approved')
    expect(count(await h.routes(), 'cancel')).toBe(1)
  })

  it('a refund refused every time (-31008): queued, needs attention after 10 refusals', async () => {
    await setup()
    const { op } = await pay()
    await h.fault({ route: 'cancel', fault: 'error', code: -31008, times: 0 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op.message?.key).toBe('payme.refundQueued')
    for (let i = 0; i < 12 && (await h.db.queue.count()); i++) {
      await h.clock.advance(301_000)
      await h.engine.drainQueue()
    }
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('needs-attention')
    expect(count(await h.routes(), 'cancel')).toBe(11)
  })

  it('a refund refused with an ignored code: declined, nothing queued', async () => {
    // -31008 is not in the seed's list (docs/protocols/payme.md § 2.5), so the form refuses it; -31623 is.
    await setup({ values: { ignoredErrors: '-31623' } })
    const { op } = await pay()
    await h.fault({ route: 'cancel', fault: 'error', code: -31623, times: 0 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op.state).toBe('declined')
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a lost refund reply: check shows 21 then 50, the refund completes with two slips', async () => {
    await setup()
    const { op } = await pay()
    await h.fault({ route: 'cancel', fault: 'lostReply' })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', slip: { copies: 2 } })
  })

  it('a queued safety cancel meeting an ignored code is dropped; the payment stays declined', async () => {
    await setup({ sandboxConfig: { magic: true }, values: { ignoredErrors: '-31602' } })
    const { op } = await pay(150091)
    expect(await h.db.queue.count()).toBe(1)
    await h.fault({ route: 'check', fault: 'error', code: -31602 })
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    expect(await h.db.queue.count()).toBe(0)
    expect((await h.op(op!.id)).state).toBe('declined')
  })

  it('a compensating cancel meeting an ignored code is dropped; the payment needs attention', async () => {
    await setup({ values: { ignoredErrors: '-31602' } })
    await h.fault({ route: 'pay', fault: 'noReply' })
    const { op } = await pay()
    expect(op?.state).toBe('compensating')
    await h.fault({ route: 'check', fault: 'error', code: -31602 })
    await h.clock.advance(6_000)
    await h.engine.drainQueue()
    expect(await h.db.queue.count()).toBe(0)
    expect((await h.op(op!.id)).state).toBe('needs-attention')
  })
})

describe('robustness', () => {
  it('a 4xx without a JSON-RPC body is a refusal that names the status; 401/403 also point at the credentials (docs/rules.md R3)', async () => {
    await setup()
    await h.fault({ route: 'create', fault: 'http', status: 404 })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'common.httpStatus', params: { status: 404 } } })
    await h.fault({ route: 'create', fault: 'http', status: 403 })
    expect((await pay()).op).toMatchObject({ state: 'declined', message: { key: 'common.authHttp', params: { status: 403 } } })
    // Refused before receipts.pay: nothing was paid, nothing is queued.
    expect(await h.routes()).toEqual(['create', 'create'])
    expect(await h.db.queue.count()).toBe(0)
  })

  it('an amount of 2^53 − 1 is sent exactly and refused by the server as too large', async () => {
    await setup()
    const r = await h.engine.pay({ paymentTypeId: 'payme', amount: 2 ** 53 - 1, code: await h.token() })
    expect(r.ok).toBe(false) // above what Paydesk accepts at all (10^13 minor units)
    const { op } = await pay(10_000_000_000_00)
    expect(op).toMatchObject({ state: 'declined', error: { code: '-31612' } })
    expect(((await h.calls())[0]?.body as { params: { amount: number } }).params.amount).toBe(1_000_000_000_000)
  })
})

/** Use the code at the sandbox as another till would. */
async function setup2ndTill(code: string): Promise<boolean> {
  const post = (method: string, params: unknown) =>
    fetch(`${h.sb.url}/sandbox/payme/api`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth': `5e730e8e0b852a417aa49ceb:${SECRET}` },
      body: JSON.stringify({ id: 1, method, params }),
    }).then((r) => r.json() as Promise<{ result?: { receipt?: { _id: string } } }>)
  const created = await post('receipts.create', { amount: 150000, account: { order_id: 'OTHER' } })
  const id = created.result?.receipt?._id
  const paid = await post('receipts.pay', { id, token: code })
  return !!paid.result
}
