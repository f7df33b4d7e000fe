// O!plati end to end: engine and client against the O!plati sandbox over real HTTP
// (docs/protocols/oplati.md § 5). timeout = 1 s; every poll runs on the test clock, which moves
// the sandbox's clock with it, so the poll floors are checked by the sandbox itself.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, type Harness, type HarnessOptions } from '../support/engine.ts'
import { importConf } from '../../src/domain/config.ts'
import { OPLATI_SCHEMA } from '../../workers/providers/oplati/config.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'

let h: Harness
afterEach(async () => h?.close())

const REG = 'OPL000011111'

async function setup(opts: HarnessOptions = {}) {
  h = await harness({ provider: 'oplati', ...opts })
  return h
}

interface Call {
  route: string
  at: number
  status: number | null
  tooEarly: boolean
  headers: Record<string, string>
  body: unknown
  path: string
}
const calls = async () => (await h.calls()) as unknown as Call[]
const routes = async () => (await calls()).map((c) => c.route)
const count = (list: string[], name: string) => list.filter((r) => r === name).length
const act = (body: Record<string, unknown>) => h.sb.control('oplati', 'customer/act', body)
const cabinet = (what: 'reset-token' | 'desync') => h.sb.control('oplati', `cabinet/${what}`, { regNum: REG })
const state = async () =>
  (await h.sb.state('oplati')) as { payments: { paymentId: string; status: number; paymentType: number; sum: number; orderNumber: string }[] }

/** Run the customer's side at each tick of the test clock (the phone, while the till waits). */
function customer(fn: (op: Operation) => Promise<void> | void) {
  h.clock.onTick = async () => {
    const op = (await h.ops()).filter((o) => o.kind === 'pay' && !isFinal(o.state)).at(-1)
    if (op) await fn(op)
  }
}

async function pay(amount = 1700, o: { code?: string; items?: unknown } = {}) {
  const code = o.code ?? (await h.token())
  const r = await h.engine.pay({ paymentTypeId: 'oplati', amount, code, ...(o.items ? { items: o.items } : {}) })
  await h.engine.settled()
  h.clock.onTick = undefined
  return { r, op: r.ok ? await h.op(r.op.id) : undefined }
}

/** A mode-0 payment the customer confirms at the first poll. */
async function paid(amount = 1700) {
  customer(async (op) => {
    if (op.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
  })
  const { op } = await pay(amount)
  expect(op?.state).toBe('approved')
  return op!
}

async function drain(ms = 10_000) {
  await h.clock.advance(ms)
  await h.engine.drainQueue()
}

describe('configuration', () => {
  it('mode defaults to 0; mode 3 fails; regNum ABC is accepted with a warning', () => {
    expect(importConf(OPLATI_SCHEMA, '[Main]\nregNum = OPL000011111\n').values.mode).toBeUndefined()
    expect(importConf(OPLATI_SCHEMA, '[Main]\nmode = 3\n').ok).toBe(false)
    const abc = importConf(OPLATI_SCHEMA, '[Main]\nregNum = ABC\n')
    expect(abc.ok).toBe(true)
    expect(abc.warnings.map((w) => w.message.key)).toEqual(['oplati.regNumFormat'])
  })

  it('an empty regNum leaves the type disabled, and the default mode is 0 (the cashier scans)', async () => {
    await setup()
    await h.engine.savePaymentType({ id: 'oplati', number: 3, name: 'O!плати', provider: 'oplati', values: { url: 'http://x/ms-pay', regNum: '' } })
    const t = (await h.engine.listPaymentTypes()).find((x) => x.id === 'oplati')!
    expect(t).toMatchObject({ enabled: false, missing: ['regNum'] })
    await h.engine.savePaymentType({ id: 'oplati', number: 3, name: 'O!плати', provider: 'oplati', values: { url: 'http://x/ms-pay', regNum: REG } })
    expect((await h.engine.listPaymentTypes()).find((x) => x.id === 'oplati')?.payMode).toBe('customer-qr')
  })
})

describe('token and auth', () => {
  it('first access: one C1, the token stored and sent (masked in the log), never again', async () => {
    await setup()
    await paid()
    await paid()
    const list = await calls()
    expect(
      count(
        list.map((c) => c.route),
        'tokenIssue',
      ),
    ).toBe(1)
    const e4 = list.find((c) => c.route === 'payments')!
    expect(e4.headers).toMatchObject({ regnum: REG, token: '****' })
    expect(await h.engine.providerStatus('oplati')).toMatchObject({ ok: true, status: { auth: 'token', tokenStored: true, tokenState: 'ok' } })
    const token = (await h.db.settings.toArray()).find((r) => r.key.includes(':token:'))?.value as string
    expect(token.length).toBeGreaterThan(20)
    const log = await h.engine.exportLog()
    expect(log).not.toContain(token)
    expect(await h.engine.exportJournal()).not.toContain(token)
  })

  it('token desync: message A on every attempt until the cabinet resets it, then the payment proceeds', async () => {
    await setup()
    await cabinet('desync')
    const first = await pay()
    expect(first.op).toMatchObject({ state: 'declined', message: { key: 'oplati.tokenExists' } })
    expect((await pay()).op?.message?.key).toBe('oplati.tokenExists')
    expect(count(await routes(), 'tokenIssue')).toBe(2)
    expect(count(await routes(), 'payments')).toBe(0)
    await cabinet('reset-token')
    await paid()
  })

  it('a cashbox in password mode at the server and no Paydesk password: C1 gets 409, message A', async () => {
    await setup({ sandboxConfig: { cashboxes: [{ regNum: REG, password: '1111', authMode: 'password' }] } })
    expect((await pay()).op?.message?.key).toBe('oplati.tokenExists')
  })

  it('token reset without desync: 401 with message B, marked invalid; «Сбросить токен» and the next payment gets a new one', async () => {
    await setup()
    await paid()
    await cabinet('reset-token')
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'oplati.tokenReset' } })
    expect(await h.engine.providerStatus('oplati')).toMatchObject({ status: { tokenState: 'invalid', tokenStored: true } })
    expect(await h.engine.providerAction('oplati', 'resetToken')).toMatchObject({ ok: true, message: { key: 'oplati.tokenDeleted' } })
    expect(await h.engine.providerStatus('oplati')).toMatchObject({ status: { tokenStored: false } })
    await paid()
    expect(count(await routes(), 'tokenIssue')).toBe(2)
  })

  it('password mode: no C1 at all, regNum and password on every call; a wrong password is declined', async () => {
    await setup({ sandboxConfig: { cashboxes: [{ regNum: REG, password: '1111', authMode: 'password' }] }, secrets: { password: '1111' } })
    await paid()
    const list = await calls()
    expect(
      count(
        list.map((c) => c.route),
        'tokenIssue',
      ),
    ).toBe(0)
    for (const c of list) expect(c.headers).toMatchObject({ regnum: REG, password: '****' })
    expect(await h.engine.exportLog()).not.toContain('"password":"1111"')
    await h.engine.savePaymentType({
      id: 'oplati',
      number: 3,
      name: 'O!плати',
      provider: 'oplati',
      values: { url: `${h.sb.url}/sandbox/oplati/ms-pay`, regNum: REG, timeout: '1' },
      secrets: { password: '9999' },
    })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', error: { code: 'AUTH_FAILED' } })
  })
})

describe('pay', () => {
  it('mode 0: E4 carries consumerQr, E3 polls ≥ 5 s apart, approved, no call too early', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'pending', forMs: 12_000, then: 'approve' })
    const { op } = await pay()
    expect(op?.state).toBe('approved')
    const list = await calls()
    expect((list.find((c) => c.route === 'payments')!.body as Record<string, unknown>).consumerQr).toMatch(/^o-plati:\/\/cpm\//)
    const polls = list.filter((c) => c.route === 'paymentStatus').map((c) => c.at)
    expect(polls.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < polls.length; i++) expect(polls[i]! - polls[i - 1]!).toBeGreaterThanOrEqual(5_000)
    expect(list.filter((c) => c.tooEarly)).toEqual([])
  })

  it('mode 0: a code past its lifetime at the sandbox is refused (QR_EXPIRED), declined', async () => {
    await setup()
    const { op } = await pay(1700, { code: await h.token({ ttlMs: 0 }) })
    expect(op).toMatchObject({ state: 'declined', error: { code: 'QR_EXPIRED' } })
  })

  it('mode 1: E4 with staticQr, the 4-digit code on screen; the customer types it and it is approved', async () => {
    await setup({ values: { mode: '1' } })
    let shown: string | undefined
    customer(async (op) => {
      if (op.display?.kind === 'code' && !shown) {
        shown = op.display.code
        await act({ code: shown, action: 'confirm' })
      }
    })
    const { op } = await pay(1700, { code: '' })
    expect(shown).toMatch(/^\d{4}$/)
    expect(op).toMatchObject({ state: 'approved' })
    expect(op?.display).toBeUndefined()
    expect(((await calls()).find((c) => c.route === 'payments')!.body as Record<string, unknown>).staticQr).toBe(true)
  })

  it('mode 2: E5, the QR with text F, E6 every ≥ 3 s until scanned, E4 with sessionId, approved', async () => {
    await setup({ values: { mode: '2' } })
    let qr: string | undefined
    customer(async (op) => {
      if (op.display?.kind === 'qr' && !qr) {
        qr = op.display.payload
        expect(op.message?.key).toBe('oplati.scanToPay')
      } else if (qr && op.display?.kind === 'qr' && h.clock.now() - op.createdAt >= 7_000)
        await act({ sessionId: op.details?.sessionId, action: 'scan' }).catch(() => undefined)
      if (op.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
    })
    const { op } = await pay(1700, { code: '' })
    expect(qr).toMatch(/^o-plati:\/\/o-webpay\/dyn\//)
    expect(op?.state).toBe('approved')
    const list = await calls()
    const e6 = list.filter((c) => c.route === 'consumerStatus').map((c) => c.at)
    expect(e6.length).toBeGreaterThanOrEqual(2)
    for (let i = 1; i < e6.length; i++) expect(e6[i]! - e6[i - 1]!).toBeGreaterThanOrEqual(3_000)
    expect((list.find((c) => c.route === 'payments')!.body as Record<string, unknown>).sessionId).toBeTruthy()
    expect(list.filter((c) => c.tooEarly)).toEqual([])
  })

  it('mode 2, never scanned: declined after 60 s with oplati.notScanned, and no E4', async () => {
    await setup({ values: { mode: '2' } })
    const started = h.clock.now()
    const { op } = await pay(1700, { code: '' })
    expect(op).toMatchObject({ state: 'declined', message: { key: 'oplati.notScanned' } })
    expect(h.clock.now() - started).toBeGreaterThanOrEqual(60_000)
    expect(count(await routes(), 'payments')).toBe(0)
  })

  it.each([
    ['decline', 'oplati.status2'],
    ['insufficient', 'oplati.status3'],
  ])('the customer answers %s: declined with the public text', async (then, key) => {
    await setup()
    await h.fault({ route: 'payments', fault: 'pending', forMs: 6_000, then })
    expect((await pay()).op).toMatchObject({ state: 'declined', message: { key } })
  })

  it('nobody acts: TIMEOUT (4) from the server, declined with «Клиент не подтвердил платеж»', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'pending', forever: true })
    expect((await pay()).op).toMatchObject({ state: 'declined', message: { key: 'oplati.status4' } })
  })

  it('the cashier cancels while waiting: C5, status 5, declined «Оплата отменена»', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'pending', forever: true })
    const { op } = await h.stoppingWaiting(() => pay())
    expect(op).toMatchObject({ state: 'declined', message: { key: 'oplati.cancelled' } })
    expect(count(await routes(), 'cancel')).toBe(1)
  })

  it('cancel races the confirm: C5 answers 1, one full E7 follows, and the payment ends compensated', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'pending', forever: true })
    await h.fault({ route: 'cancel', fault: 'confirmFirst' })
    const { op } = await h.stoppingWaiting(() => pay())
    expect(op?.state).toBe('compensating')
    await drain()
    expect((await h.op(op!.id)).state).toBe('compensated')
    expect(count(await routes(), 'reversals')).toBe(1)
  })

  it('safety cap: a customer who never acts and a slower server timeout get a C5 at 180 s', async () => {
    await setup({ sandboxConfig: { consumerTimeoutMs: 600_000 } })
    const started = h.clock.now()
    await h.fault({ route: 'payments', fault: 'pending', forever: true })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { key: 'oplati.cancelled' } })
    const c5 = (await calls()).find((c) => c.route === 'cancel')!
    expect(c5.at - started).toBeGreaterThanOrEqual(180_000)
  })

  it('E4 not answered: message C; a new payment meanwhile gets D; the resolution finds nothing twice and declines', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'noReply' })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'unknown', message: { key: 'oplati.serverError' }, queued: true })
    const again = await h.engine.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })
    expect(again).toMatchObject({ ok: false, message: { key: 'oplati.unavailable' } })
    await drain()
    expect((await h.op(op!.id)).state).toBe('declined')
    expect(await h.db.queue.count()).toBe(0)
    await paid()
  })

  it('E4 lost reply and the customer confirms: E8 finds it paid, one E7 compensates, payments blocked until then', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'lostReply' })
    const { op } = await pay()
    expect(op?.message?.key).toBe('oplati.serverError')
    const p = (await state()).payments.find((x) => x.orderNumber === op!.id)!
    await act({ paymentId: p.paymentId, action: 'confirm' })
    await h.fault({ route: 'reports', fault: 'offline' })
    expect(await h.engine.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })).toMatchObject({
      ok: false,
      message: { key: 'oplati.unavailable' },
    })
    await h.clearFaults()
    await drain()
    await drain()
    expect((await h.op(op!.id)).state).toBe('compensated')
    expect(count(await routes(), 'reversals')).toBe(1)
  })

  it('a 400 VALIDATION envelope on E4: declined with its lang_ru, nothing blocked', async () => {
    await setup()
    await h.fault({ route: 'payments', fault: 'error', code: 400, internalCode: 'VALIDATION', note: 'Неверная сумма' })
    const { op } = await pay()
    expect(op).toMatchObject({ state: 'declined', message: { server: 'Неверная сумма' } })
    expect(await h.db.queue.count()).toBe(0)
    await paid()
  })

  it('amounts go out in BYN: 1700 → 17 and 1705 → 17.05 in sum, amountTotal and cost', async () => {
    await setup()
    await paid(1700)
    await paid(1705)
    const bodies = (await calls())
      .filter((c) => c.route === 'payments')
      .map((c) => c.body as { sum: number; details: { amountTotal: number; items: { cost: number }[] } })
    expect(bodies.map((b) => [b.sum, b.details.amountTotal, b.details.items[0]!.cost])).toEqual([
      [17, 17, 17],
      [17.05, 17.05, 17.05],
    ])
  })
})

describe('connectivity and blocking', () => {
  it('offline: C, then D with a failed probe and no E4; back online the probe passes and payments go again', async () => {
    await setup()
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    expect((await pay()).op?.message?.key).toBe('oplati.serverError')
    expect(await h.engine.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })).toMatchObject({
      ok: false,
      message: { key: 'oplati.unavailable' },
    })
    await h.clearFaults()
    await drain()
    await drain()
    await paid()
  })

  it('cancel while offline: warning E, queued; payments refused with D; after recovery one E7, then payments again, E7 before the new E4', async () => {
    await setup()
    const sale = await paid()
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    const c = await h.engine.reverse({ opId: sale.id, kind: 'cancel' })
    expect(c.ok && c.op).toMatchObject({ message: { key: 'oplati.cancelQueued' } })
    expect(await h.engine.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })).toMatchObject({
      ok: false,
      message: { key: 'oplati.unavailable' },
    })
    await h.clearFaults()
    await paid()
    // Calls refused by `offline` are logged too (status null); count what reached the server.
    const list = (await calls()).filter((x) => x.status !== null).map((x) => x.route)
    expect(count(list, 'reversals')).toBe(1)
    expect(list.lastIndexOf('reversals')).toBeLessThan(list.lastIndexOf('payments'))
    expect((await h.op(c.ok ? c.op.id : '')).state).toBe('approved')
  })
  it('a second cancel while the first waits in the queue joins the queue too (the journal and the queue written together)', async () => {
    await setup()
    const first = await paid(1700)
    const second = await paid(1705)
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    const a = await h.engine.reverse({ opId: first.id, kind: 'cancel' })
    expect(a.ok && a.op.message?.key).toBe('oplati.cancelQueued')
    const b = await h.engine.reverse({ opId: second.id, kind: 'cancel' })
    expect(b.ok && b.op).toMatchObject({ queued: true, message: { key: 'oplati.cancelQueued' } })
    expect((await h.engine.queueStatus()).length).toBe(2)
    await h.clearFaults()
    await paid()
    expect((await h.op(b.ok ? b.op.id : '')).state).toBe('approved')
  })
})

describe('blocking across a reload', () => {
  it('a cancel queued offline still blocks after a reload, and is sent once by itself when the server is back', async () => {
    await setup()
    const sale = await paid()
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    const c = await h.engine.reverse({ opId: sale.id, kind: 'cancel' })
    expect(c.ok && c.op.message?.key).toBe('oplati.cancelQueued')
    h.engine.stop()
    await h.engine.settled()
    const reloaded = h.makeEngine()
    await reloaded.start()
    expect(await reloaded.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token() })).toMatchObject({
      ok: false,
      message: { key: 'oplati.unavailable' },
    })
    await h.clearFaults()
    await h.clock.advance(10_000)
    await reloaded.online()
    await reloaded.settled()
    expect(await h.db.queue.count()).toBe(0)
    expect((await h.op(c.ok ? c.op.id : '')).state).toBe('approved')
    expect((await calls()).filter((x) => x.route === 'reversals' && x.status !== null)).toHaveLength(1)
    reloaded.stop()
    await reloaded.settled()
  })
})

describe('a queued entry during 401', () => {
  it('stays queued while the token is refused, and is sent after «Сбросить токен»', async () => {
    await setup()
    const sale = await paid()
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    const c = await h.engine.reverse({ opId: sale.id, kind: 'cancel' })
    await h.clearFaults()
    await cabinet('reset-token')
    await drain()
    expect(await h.db.queue.count()).toBe(1)
    expect((await h.op(c.ok ? c.op.id : '')).state).not.toBe('approved')
    expect(await h.engine.providerStatus('oplati')).toMatchObject({ status: { tokenState: 'invalid' } })
    await h.engine.providerAction('oplati', 'resetToken')
    await drain(400_000)
    expect(await h.db.queue.count()).toBe(0)
    expect((await h.op(c.ok ? c.op.id : '')).state).toBe('approved')
    expect((await calls()).filter((x) => x.route === 'reversals' && x.status === 200)).toHaveLength(1)
  })
})

describe('refund and cancel refund', () => {
  it('partial refunds 5.00 and 12.00 of 17.00 succeed; 0.01 more is refused locally', async () => {
    await setup()
    const sale = await paid(1700)
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 500 })).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1200 })).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1 })).toMatchObject({ ok: false, message: { key: 'oplati.refundTooBig' } })
    expect(count(await routes(), 'reversals')).toBe(2)
  })

  it('a refund of a refund is refused with the seed sentence and sends nothing', async () => {
    await setup()
    const sale = await paid()
    const r = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 500 })
    const before = (await routes()).length
    expect(await h.engine.reverse({ opId: r.ok ? r.op.id : '', kind: 'refund' })).toMatchObject({ ok: false, message: { key: 'oplati.returnNotAvailable' } })
    expect((await routes()).length).toBe(before)
  })

  it('refund, lost reply: C; E8 finds it paid, C5 undoes it, and the whole sum is refundable again', async () => {
    await setup()
    const sale = await paid()
    await h.fault({ route: 'reversals', fault: 'lostReply' })
    const r = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1700 })
    expect(r.ok && r.op.message?.key).toBe('oplati.serverError')
    await drain()
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('declined')
    expect(count(await routes(), 'cancel')).toBe(1)
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1700 })).toMatchObject({ ok: true, op: { state: 'approved' } })
  })

  it('refund, no reply: E8 does not find it twice, declined; a new refund is then allowed', async () => {
    await setup()
    const sale = await paid()
    await h.fault({ route: 'reversals', fault: 'noReply' })
    const r = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 700 })
    await drain()
    await drain()
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('declined')
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1700 })).toMatchObject({ ok: true, op: { state: 'approved' } })
  })

  it('cancel refund: C5 gives 5 and the sale is refundable again', async () => {
    await setup()
    const sale = await paid()
    const r = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1700 })
    const c = await h.engine.reverse({ opId: r.ok ? r.op.id : '', kind: 'cancel' })
    expect(c).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 1700 })).toMatchObject({ ok: true, op: { state: 'approved' } })
  })

  it('a cancel refused for ever (magic 99) from the queue: the original needs attention', async () => {
    await setup({ sandboxConfig: { magic: true } })
    customer(async (op) => {
      if (op.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
    })
    const { op } = await pay(1799)
    expect(op?.state).toBe('approved')
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    const c = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    await h.clearFaults()
    await drain()
    expect((await h.op(c.ok ? c.op.id : '')).state).toBe('needs-attention')
  })

  it('ids above 2^53 keep every digit through E3, E7 and C5', async () => {
    await setup({ sandboxConfig: { idsAbove2p53: true } })
    const sale = await paid()
    expect(BigInt(sale.ref!)).toBeGreaterThan(2n ** 53n)
    const r = await h.engine.reverse({ opId: sale.id, kind: 'refund', amount: 700 })
    expect(r.ok && r.op.state).toBe('approved')
    const paths = (await calls()).filter((c) => ['paymentStatus', 'reversals'].includes(c.route)).map((c) => c.path)
    for (const p of paths) expect(p).toContain(sale.ref)
  })
})

describe('reconcile', () => {
  it('three sales and a refund: the totals; a sale only the server knows (lost reply, unresolved) is one "only at O!plati" line', async () => {
    await setup()
    const a = await paid(1700)
    await paid(500)
    await paid(250)
    await h.engine.reverse({ opId: a.id, kind: 'refund', amount: 700 })
    await h.fault({ route: 'payments', fault: 'lostReply' })
    const lost = (await pay(999)).op!
    const p = (await state()).payments.find((x) => x.orderNumber === lost.id)!
    await act({ paymentId: p.paymentId, action: 'confirm' })
    const r = await h.engine.reconcile({ paymentTypeId: 'oplati' })
    expect(r.ok).toBe(true)
    const op = r.ok ? r.op : undefined
    expect(op).toMatchObject({ kind: 'reconcile', state: 'approved', message: { key: 'report.mismatches', params: { count: 1 } } })
    const line = (label: string) => op!.slip!.lines.filter((l) => l.label === label).map((l) => l.value)
    expect(line('report.sales')).toEqual(['4'])
    expect(line('report.salesSum')).toEqual([1700 + 500 + 250 + 999])
    expect(line('report.refunds')).toEqual(['1'])
    expect(line('report.net')).toEqual([1700 + 500 + 250 + 999 - 700])
    expect(line('report.onlyServer')).toEqual([`${p.paymentId}`])
    expect(op!.slip!.lines.find((l) => l.label === 'report.onlyServer')?.amount).toBe(999)
    expect(line('report.queued')).toEqual(['1'])
    expect((await h.ops()).filter((o) => o.kind === 'reconcile')).toHaveLength(1)
  })

  it('a payment the journal holds and the server does not is an "only in Paydesk" line', async () => {
    await setup()
    const sale = await paid()
    const ghost = { ...sale, id: `${sale.id}X` as typeof sale.id, ref: '424242', history: [] }
    await h.db.operations.add(ghost)
    const r = await h.engine.reconcile({ paymentTypeId: 'oplati' })
    expect(r.ok && r.op.slip!.lines.filter((l) => l.label === 'report.onlyJournal').map((l) => [l.value, l.amount])).toEqual([['424242', 1_700]])
  })

  it('a date range goes to E8 as shiftStart / shiftEnd', async () => {
    await setup()
    await paid()
    const r = await h.engine.reconcile({ paymentTypeId: 'oplati', start: '2026-11-01', end: '2026-11-30' })
    expect(r.ok).toBe(true)
    const e8 = (await calls()).filter((c) => c.route === 'reports').at(-1)!
    expect(e8.path).toContain('shiftStart=2026-11-01')
    expect(e8.path).toContain('shiftEnd=2026-11-30')
  })

  it('unreachable: message C and nothing journaled', async () => {
    await setup()
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    expect(await h.engine.reconcile({ paymentTypeId: 'oplati' })).toMatchObject({ ok: false, message: { key: 'oplati.serverError' } })
    expect((await h.ops()).filter((o) => o.kind === 'reconcile')).toHaveLength(0)
  })
})

describe('loyalty card', () => {
  const loyalty = async (code = '') => {
    const r = await h.engine.addLoyaltyCard({ paymentTypeId: 'oplati', code })
    await h.engine.settled()
    h.clock.onTick = undefined
    return r.ok ? await h.op(r.op.id) : r
  }

  it('mode 0: the scanned code gives the card number at once; nothing is queued', async () => {
    await setup()
    const op = (await loyalty(await h.token())) as Operation
    expect(op).toMatchObject({ kind: 'loyalty', state: 'approved', message: { key: 'oplati.cardAdded' } })
    expect(op.details?.cardNumber).toMatch(/^\d{13}$/)
    expect((await calls()).find((c) => c.route === 'loyalty')!.body).toMatchObject({ consumerQr: expect.stringMatching(/^o-plati:/) })
    expect(await h.db.queue.count()).toBe(0)
  })

  it.each(['1', '2'])('mode %s: polled ≥ 5 s apart until the customer confirms; a decline is declined', async (mode) => {
    await setup({ values: { mode } })
    // The customer: scans the till's QR (mode 2), then answers every waiting loyalty request.
    const actor = (action: string) =>
      customerLoyalty(async (op) => {
        if (op.details?.sessionId && op.display?.kind === 'qr') await act({ sessionId: op.details.sessionId, action: 'scan' }).catch(() => undefined)
        const pending = ((await h.sb.state('oplati')) as { loyalty: { requestId: string; status: number }[] }).loyalty.filter((l) => l.status === 0)
        for (const l of pending) await act({ requestId: l.requestId, action }).catch(() => undefined)
      })
    actor('confirm')
    const ok = (await loyalty()) as Operation
    expect(ok.state).toBe('approved')
    const polls = (await calls()).filter((c) => c.route === 'loyaltyStatus').map((c) => c.at)
    for (let i = 1; i < polls.length; i++) expect(polls[i]! - polls[i - 1]!).toBeGreaterThanOrEqual(5_000)
    expect((await calls()).filter((c) => c.tooEarly)).toEqual([])
    actor('decline')
    expect(((await loyalty()) as Operation).state).toBe('declined')
  })

  it('refused with A while the token is out of sync, and with D while unreachable; never queued', async () => {
    await setup()
    await cabinet('desync')
    expect(await loyalty(await h.token())).toMatchObject({ state: 'declined', message: { key: 'oplati.tokenExists' } })
    await cabinet('reset-token')
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    expect(await loyalty(await h.token())).toMatchObject({ state: 'declined', message: { key: 'oplati.serverError' } })
    expect(await h.engine.addLoyaltyCard({ paymentTypeId: 'oplati', code: await h.token() })).toMatchObject({
      ok: false,
      message: { key: 'oplati.unavailable' },
    })
    expect(await h.db.queue.count()).toBe(0)
  })
})

function customerLoyalty(fn: (op: Operation) => Promise<void>) {
  h.clock.onTick = async () => {
    const op = (await h.ops()).filter((o) => o.kind === 'loyalty' && !isFinal(o.state)).at(-1)
    if (op) await fn(op)
  }
}

describe('void (аннулирование чека)', () => {
  const payOrder = async (order: string) => {
    customer(async (op) => {
      if (op.ref && op.state === 'resolving') await act({ paymentId: op.ref, action: 'confirm' }).catch(() => undefined)
    })
    const r = await h.engine.pay({ paymentTypeId: 'oplati', amount: 1700, code: await h.token(), order })
    await h.engine.settled()
    h.clock.onTick = undefined
    return r.ok ? await h.op(r.op.id) : undefined
  }

  it('the receipt’s approved payment is reversed with one E7; the void reports it cancelled', async () => {
    await setup()
    const sale = await payOrder('R-1')
    expect(sale?.state).toBe('approved')
    expect(await h.engine.voidOrder({ order: 'R-1' })).toMatchObject({ ok: true, results: [{ opId: sale!.id, outcome: 'cancelled' }] })
    expect(count(await routes(), 'reversals')).toBe(1)
  })

  it('offline: the cancel is queued with warning E, the void still reports done, and it is sent once later', async () => {
    await setup()
    const sale = await payOrder('R-2')
    await h.fault({ route: '*', fault: 'offline', times: 0 })
    expect(await h.engine.voidOrder({ order: 'R-2' })).toMatchObject({
      ok: true,
      results: [{ opId: sale!.id, outcome: 'queued', message: { key: 'oplati.cancelQueued' } }],
    })
    await h.clearFaults()
    await drain()
    expect((await calls()).filter((c) => c.route === 'reversals' && c.status !== null)).toHaveLength(1)
    expect(await h.db.queue.count()).toBe(0)
  })

  it('a receipt with no O!plati payment: nothing to void', async () => {
    await setup()
    expect(await h.engine.voidOrder({ order: 'none' })).toMatchObject({ ok: false, message: { key: 'common.noOperation' } })
  })
})
