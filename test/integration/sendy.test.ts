// Sendy end to end: engine and client against the Sendy sandbox over real HTTP
// (docs/protocols/sendy.md § 5). timeout = 1 s and the manual clock: every pause of the client
// moves the sandbox clock with it, so the 5 s / 3 s queries and the 15 s reverse rule are real.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { harness, type Harness, type HarnessOptions } from '../support/engine.ts'
import { exportConf, importConf } from '../../src/domain/config.ts'
import { SENDY_SCHEMA } from '../../workers/providers/sendy/config.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'

let h: Harness
afterEach(async () => h?.close())

interface Call {
  route: string
  at: number
  status: number | null
  headers: Record<string, string>
  body: Record<string, unknown> | undefined
  path: string
}
interface SbPayment {
  transactionNumber: number
  shiftNumber: number
  paymentId: string
  tradeState: string
  amount: number
  kind: string
}
const calls = async () => (await h.calls()) as unknown as Call[]
const routes = async () => (await calls()).map((c) => c.route)
const count = (list: string[], name: string) => list.filter((r) => r === name).length
const act = (body: Record<string, unknown>) => h.sb.control('sendy', 'customer/act', body)
const sbState = async () =>
  (await h.sb.state('sendy')) as { payments: SbPayment[]; counters: { lastTransactionNumber: number; shiftNumber: number; shiftOpen: boolean } }
const cabinetCode = async () => ((await h.sb.control('sendy', 'cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code
const code = async (system = 'wechat', o: Record<string, unknown> = {}) => ((await h.sb.mintToken('sendy', { system, ...o })) as { token: string }).token
const config = (c: Record<string, unknown>) => h.sb.control('sendy', 'config', c, 'PUT')
const activate = (activationCode: string, action = 'activate') => h.engine.providerAction('sendy', action, { activationCode })

async function setup(opts: HarnessOptions & { activated?: boolean } = {}) {
  h = await harness({ provider: 'sendy', ...opts })
  if (opts.activated !== false) {
    const r = await activate(await cabinetCode())
    expect(r).toMatchObject({ ok: true, message: { key: 'sendy.activated' } })
  }
  return h
}

function customer(fn: (op: Operation) => Promise<void> | void) {
  h.clock.onTick = async () => {
    const op = (await h.ops()).filter((o) => o.kind === 'pay' && !isFinal(o.state)).at(-1)
    if (op) await fn(op)
  }
}

async function pay(amount = 1000, o: { code?: string; choice?: string } = {}) {
  const c = o.code ?? ((await type()).payMode === 'customer-qr' ? await code() : '')
  const r = await h.engine.pay({ paymentTypeId: 'sendy', amount, code: c, ...(o.choice ? { choice: o.choice } : {}) })
  await h.engine.settled()
  h.clock.onTick = undefined
  return { r, op: r.ok ? await h.op(r.op.id) : undefined }
}
const type = async () => (await h.engine.listPaymentTypes()).find((t) => t.id === 'sendy')!

async function drain(ms = 20_000) {
  await h.clock.advance(ms)
  await h.engine.drainQueue()
}

async function online(values: Record<string, string> = {}) {
  await setup({ values: { mode: 'online', ...values } })
}

describe('activation and information (§ 5.1–5.5)', () => {
  it('1. activation stores the key and systems; the code is nowhere in storage, log or export; until then the type is disabled with why', async () => {
    await setup({ activated: false })
    expect(await type()).toMatchObject({ enabled: false, reason: { key: 'sendy.notActivated' } })
    const refused = await h.engine.pay({ paymentTypeId: 'sendy', amount: 1000, code: await code() })
    expect(refused).toMatchObject({ ok: false, message: { key: 'sendy.notActivated' } })
    const c = await cabinetCode()
    expect(await activate(c)).toMatchObject({ ok: true, message: { key: 'sendy.activated' } })
    expect(await type()).toMatchObject({ enabled: true })
    expect(await h.engine.providerStatus('sendy')).toMatchObject({ ok: true, status: { activated: true, allowedSystems: 'sendy, wechat, alipay' } })
    const key = ((await h.db.settings.toArray()).find((r) => r.key.endsWith(':token:terminalKey'))?.value ?? '') as string
    expect(key).toMatch(/^sk_\d{24}$/)
    const everything = JSON.stringify([
      await h.db.settings.toArray(),
      await h.db.secrets.toArray(),
      await h.engine.exportLog(),
      await h.engine.exportJournal(),
      await h.engine.exportConf('sendy'),
    ])
    expect(everything.split(c).length).toBe(1)
    const out = JSON.stringify([
      await h.engine.exportLog(),
      await h.engine.exportJournal(),
      await h.engine.exportConf('sendy'),
      await h.engine.providerStatus('sendy'),
    ])
    expect(out).not.toContain(key)
    // the activation request itself is logged with the code masked
    expect(await h.engine.exportLog()).toContain('"activationCode\\":\\"****\\"')
  })

  it('2. two wrong codes leave 2, then 1 tries; the third voids the code, and even the right one is refused', async () => {
    await setup({ activated: false })
    const good = await cabinetCode()
    expect((await activate('11111111')) as unknown).toMatchObject({ message: { key: 'sendy.badCode', params: { n: 2 } } })
    expect((await activate('22222222')) as unknown).toMatchObject({ message: { key: 'sendy.badCode', params: { n: 1 } } })
    expect((await activate('33333333')) as unknown).toMatchObject({ message: { key: 'sendy.codeExpired' } })
    expect((await activate(good)) as unknown).toMatchObject({ message: { key: 'sendy.codeExpired' } })
    expect(await type()).toMatchObject({ enabled: false })
  })

  it('3. with a key already held, activation asks «may already be activated» before any request', async () => {
    await setup()
    await h.sb.control('sendy', 'calls', undefined, 'DELETE')
    expect(await activate(await cabinetCode())).toMatchObject({ ok: true, message: { key: 'sendy.maybeActivated' } })
    expect(await routes()).toEqual([])
    expect(await activate(await cabinetCode(), 'reactivate')).toMatchObject({ message: { key: 'sendy.activated' } })
  })

  it('4. a key revoked elsewhere: 401, the type is disabled with «not activated», queued entries stay queued', async () => {
    await setup()
    await config({ magic: true })
    customer(async (op) => {
      if (op.state === 'resolving') await h.engine.stopWaiting(op.id)
    })
    const { op } = await pay(1093)
    expect(op?.state).toBe('compensating')
    // activated again "elsewhere": the key this browser holds is revoked
    await h.sb.control('sendy', 'cabinet/activation-code', { terminalId: 'T0001' }).then(async (r) => {
      const res = await fetch(`${h.sb.url}/sandbox/sendy/pos/activate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ terminalId: 'T0001', serial: 'X', activationCode: (r as { code: string }).code }),
      })
      expect(res.status).toBe(200)
    })
    await drain(20_000)
    expect((await h.engine.queueStatus()).length).toBe(1)
    expect(await type()).toMatchObject({ enabled: false, reason: { key: 'sendy.notActivated' } })
    expect((await calls()).some((c) => c.status === 401)).toBe(true)
  })

  it('5. «Информация» shows the info answer', async () => {
    await setup()
    const r = await h.engine.providerAction('sendy', 'info')
    expect(r).toMatchObject({
      ok: true,
      message: { key: 'sendy.info', params: { terminalId: 'T0001', serial: 'SN-0001', systems: 'Sendy, WeChat, AliPay', modes: 'offline, online' } },
    })
  })
})

describe('numbering (§ 5.6–5.10)', () => {
  it('6–7. counters first, number = last + 1; a magic-91 refusal keeps its number and the next uses the following', async () => {
    await setup()
    await config({ magic: true })
    await h.sb.control('sendy', 'calls', undefined, 'DELETE')
    const { op } = await pay(1091)
    expect(op).toMatchObject({ state: 'declined', ref: '1', details: { transactionNumber: 1, shiftNumber: 1 } })
    const r = await calls()
    expect(r.map((c) => c.route)).toEqual(['counters', 'offline'])
    expect(r[1]!.body).toMatchObject({ transactionNumber: 1, shiftNumber: 1 })
    expect(r[1]!.headers.authorization).toBe('Bearer ****')
    const next = await pay(1000)
    expect(next.op).toMatchObject({ state: 'approved', ref: '2' })
  })

  it('8. a lost reply keeps its number: the next uses last + 1 as the server reports it', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'lostReply' })
    const first = await pay(1000)
    expect(first.op).toMatchObject({ state: 'approved', ref: '1' })
    const second = await pay(2000)
    expect(second.op).toMatchObject({ state: 'approved', ref: '2' })
  })

  it('9. the counter moved between counters and the transaction: declined, the local copy refreshed, the scan spent', async () => {
    await setup()
    await h.fault({ route: 'counters', fault: 'slow', delayMs: 300 })
    const c = await code()
    const asked = count(await routes(), 'counters')
    const p = h.engine.pay({ paymentTypeId: 'sendy', amount: 1000, code: c })
    // The sandbox has answered `counters` (its reply is held by `slow`): now the counter moves under the till.
    await vi.waitFor(async () => expect(count(await routes(), 'counters')).toBeGreaterThan(asked))
    await h.sb.control('sendy', 'counters', { lastTransactionNumber: 5 })
    const r = await p
    await h.engine.settled()
    await h.clock.advance(3_000)
    expect(r.ok && (await h.op(r.op.id))).toMatchObject({ state: 'declined', error: { code: 'TXN_NUMBER_MISMATCH' } })
    expect(count(await routes(), 'counters')).toBe(2)
    expect(await h.engine.pay({ paymentTypeId: 'sendy', amount: 1000, code: c })).toMatchObject({ ok: false, message: { key: 'common.qrUsed' } })
  })

  it('10. after a close, the next transaction carries the new shift, and it opens', async () => {
    await setup()
    await pay(1000)
    await h.sb.control('sendy', 'counters', { shiftNumber: 7, shiftOpen: false })
    const { op } = await pay(1000)
    expect(op).toMatchObject({ state: 'approved', details: { shiftNumber: 7 } })
    expect((await sbState()).counters).toMatchObject({ shiftNumber: 7, shiftOpen: true })
  })
})

describe('offline pay (§ 5.11–5.20)', () => {
  it('11. a wechat code is approved at once, with slipCopies slips in the slip language and width', async () => {
    await setup({ values: { slipCopies: '2', language: 'en', slipWidth: '32' } })
    const { op } = await pay(1500)
    expect(op).toMatchObject({ state: 'approved', details: { system: 'wechat', transactionNumber: 1 } })
    expect(op!.slip).toMatchObject({ copies: 2, provider: 'Sendy' })
    const text = op!.slip!.text!
    expect(text.every((l) => l.length <= 32)).toBe(true)
    expect(text.join('\n')).toContain('PAYMENT')
    expect(text.join('\n')).toMatch(/Transaction No\.\s+1/)
    expect(text.join('\n')).toMatch(/Amount\s+15\.00 RUB/)
  })

  it('12. above the PIN threshold: USERPAYING, queries every 5 s, approved after the PIN', async () => {
    await setup()
    let polls = 0
    customer(async (op) => {
      if (op.state === 'resolving' && ++polls === 3) await act({ transactionNumber: Number(op.ref), action: 'pin' })
    })
    const { op } = await pay(150_000)
    expect(op?.state).toBe('approved')
    const q = (await calls()).filter((c) => c.route === 'query')
    expect(q.length).toBeGreaterThanOrEqual(2)
    expect(q[1]!.at - q[0]!.at).toBeGreaterThanOrEqual(5_000)
  })

  it('13. PIN never entered (magic 93): after 45 s a reverse is queued; the outcome is compensated with no slip', async () => {
    await setup()
    await config({ magic: true })
    const { op } = await pay(1093)
    expect(op).toMatchObject({ state: 'compensating', message: { key: 'sendy.notConfirmed' } })
    expect(op!.slip).toBeUndefined()
    await drain()
    const after = await h.op(op!.id)
    expect(after.state).toBe('compensated')
    const log = await calls()
    const offline = log.find((c) => c.route === 'offline')!
    for (const r of log.filter((c) => c.route === 'reverse')) expect(r.at - offline.at).toBeGreaterThanOrEqual(15_000)
  })

  it('14. SYSTEMERROR with apply: waits 5 s, queries, approved', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'error', code: 'SYSTEMERROR', apply: true })
    const { op } = await pay(1000)
    expect(op?.state).toBe('approved')
    const log = await calls()
    const q = log.find((c) => c.route === 'query')!
    expect(q.at - log.find((c) => c.route === 'offline')!.at).toBeGreaterThanOrEqual(5_000)
  })

  it('15. lostReply on offline: the query finds SUCCESS', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'lostReply' })
    const { op } = await pay(1000)
    expect(op?.state).toBe('approved')
    expect(count(await routes(), 'offline')).toBe(1)
  })

  it('16. noReply on offline: ORDERNOTEXIST all window, the fencing reverse finds nothing; nothing applied', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'noReply', holdMs: 2_000 })
    const { op } = await pay(1000)
    expect(op?.state).toBe('compensating')
    await drain()
    expect((await h.op(op!.id)).state).toBe('compensated')
    expect((await sbState()).payments).toEqual([])
    expect(count(await routes(), 'offline')).toBe(1)
  })

  it('a compensation whose number the next sale took: the queue never reverses that sale, and ends with nothing of ours moved', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'noReply', holdMs: 2_000 })
    const first = await pay(1000)
    expect(first.op?.state).toBe('compensating')
    await h.clearFaults()
    // Our request never took its number, so the server's counter still ends before it: the next sale takes it.
    const second = await pay(2000)
    expect(second.op).toMatchObject({ state: 'approved', ref: first.op!.ref })
    await drain()
    expect((await h.op(first.op!.id)).state).toBe('compensated')
    // The other sale is still paid, and no reverse was sent by its number.
    expect((await sbState()).payments.map((p) => [p.amount, p.tradeState])).toEqual([[2000, 'SUCCESS']])
    expect(count(await routes(), 'reverse')).toBe(0)
    expect((await h.op(second.op!.id)).state).toBe('approved')
  })

  it('17. a used code, an expired code, an alipay code while alipay is not allowed: declined with errCodeDes', async () => {
    await setup()
    await config({ allowedSystems: ['sendy', 'wechat'] })
    // used at the server (not in this journal): minted, spent by another till
    const used = await code()
    await fetch(`${h.sb.url}/sandbox/sendy/pos/counters`)
    const st = await sbState()
    const key = (await h.db.settings.toArray()).find((r) => r.key.endsWith(':token:terminalKey'))!.value as string
    await fetch(`${h.sb.url}/sandbox/sendy/pos/payment/offline`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Terminal-Id': 'T0001', Authorization: `Bearer ${key}` },
      body: JSON.stringify({
        transactionNumber: st.counters.lastTransactionNumber + 1,
        shiftNumber: st.counters.shiftNumber,
        orderId: 'other-till',
        amount: 1000,
        authCode: used,
      }),
    })
    expect((await pay(1000, { code: used })).op).toMatchObject({ state: 'declined', message: { server: 'Код покупателя уже использован' } })
    const old = await code('wechat', { ttlMs: 100 })
    await h.clock.advance(1_000)
    expect((await pay(1000, { code: old })).r).toMatchObject({ ok: true })
    expect((await h.ops()).at(-1)).toMatchObject({ state: 'declined', message: { server: 'Срок действия кода покупателя истёк' } })
    expect((await pay(1000, { code: await code('alipay') })).op).toMatchObject({ state: 'declined', error: { code: 'SYSTEM_NOT_ALLOWED' } })
  })

  it('18. a code used by an earlier operation is refused locally with no request', async () => {
    await setup()
    const c = await code()
    await pay(1000, { code: c })
    await h.clock.advance(3_000)
    await h.sb.control('sendy', 'calls', undefined, 'DELETE')
    expect((await pay(1000, { code: c })).r).toMatchObject({ ok: false, message: { key: 'common.qrUsed' } })
    expect(await routes()).toEqual([])
  })

  it('19. below minAmount: AMOUNT_INVALID → declined', async () => {
    await setup()
    expect((await pay(50)).op).toMatchObject({ state: 'declined', error: { code: 'AMOUNT_INVALID' } })
  })

  it('20. malformed on offline and 500 on the first query: querying continues and settles', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'malformed' })
    await h.fault({ route: 'query', fault: 'http', status: 500 })
    const { op } = await pay(1000)
    expect(op?.state).toBe('approved')
    expect(count(await routes(), 'query')).toBe(2)
  })

  it('the shared classification (docs/rules.md R3): a 202 that is not the envelope is unknown and resolved by query; a 403 is refused with the credentials named', async () => {
    await setup()
    await h.fault({ route: 'offline', fault: 'http', status: 202, apply: true })
    const { op } = await pay(1000)
    expect(op).toMatchObject({ state: 'approved' })
    expect(count(await routes(), 'query')).toBe(1)
    await h.fault({ route: 'offline', fault: 'http', status: 403 })
    const { op: refused } = await pay(1000)
    expect(refused).toMatchObject({ state: 'declined', message: { key: 'common.authHttp', params: { status: 403 } } })
  })
})

describe('online pay (§ 5.21–5.26)', () => {
  it('21, 26. the choice: sendy and wechat offered; a system not allowed by the server is not offered; one system → no dialog', async () => {
    await online({ 'systems.alipay': 'true' })
    expect((await type()).choices).toMatchObject({ title: { key: 'sendy.chooseSystem' }, options: [{ id: 'sendy' }, { id: 'wechat' }, { id: 'alipay' }] })
    await config({ allowedSystems: ['sendy', 'wechat'] })
    await h.engine.providerAction('sendy', 'info')
    expect((await type()).choices!.options.map((o) => o.id)).toEqual(['sendy', 'wechat'])
    await h.engine.savePaymentType({
      id: 'sendy',
      number: 4,
      name: 'Sendy',
      provider: 'sendy',
      values: { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1', mode: 'online', 'systems.wechat': 'false' },
    })
    expect((await type()).choices).toBeUndefined()
  })

  it('22. the QR is shown (printQr), 3 s queries reach SUCCESS after scan and confirm', async () => {
    await online()
    let n = 0
    let shown: Operation['display']
    customer(async (op) => {
      if (op.state !== 'resolving' || !op.details?.paymentId) return
      shown = op.display
      n++
      if (n === 2) await act({ paymentId: op.details.paymentId, action: 'scan' })
      if (n === 3) await act({ paymentId: op.details.paymentId, action: 'confirm' })
    })
    const { op } = await pay(5000, { choice: 'wechat' })
    expect(op).toMatchObject({ state: 'approved', details: { system: 'wechat', printQr: true } })
    expect(shown).toMatchObject({ kind: 'qr' })
    expect((shown as { payload: string }).payload).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    const q = (await calls()).filter((c) => c.route === 'query')
    expect(q[1]!.at - q[0]!.at).toBe(3_000)
    expect((await calls()).find((c) => c.route === 'online')!.body).toMatchObject({ system: 'wechat' })
  })

  it('23. nobody scans: the window ends, a reverse closes it, declined', async () => {
    await online()
    const { op } = await pay(5000, { choice: 'sendy' })
    expect(op).toMatchObject({ state: 'declined', message: { key: 'sendy.notPaid' } })
    expect((await sbState()).payments[0]).toMatchObject({ tradeState: 'CLOSED' })
  })

  it('24. the customer has just paid when the cashier cancels: the reverse refunds it, compensated', async () => {
    await online()
    customer(async (op) => {
      if (op.state === 'resolving' && op.details?.paymentId && h.clock.now() - (op.sentAt ?? 0) >= 15_000) {
        await act({ paymentId: op.details.paymentId, action: 'confirm' }).catch(() => undefined)
        await h.engine.stopWaiting(op.id)
      }
    })
    const r = await h.engine.pay({ paymentTypeId: 'sendy', amount: 5000, code: '', choice: 'sendy' })
    await h.engine.settled()
    h.clock.onTick = undefined
    expect(r.ok && (await h.op(r.op.id))).toMatchObject({ state: 'compensated', message: { key: 'sendy.refundedRace' } })
    expect((await sbState()).payments[0]).toMatchObject({ tradeState: 'REVOKED' })
  })

  it('25. noReply on online: the query finds NOTPAY, a reverse closes it, declined; the number stays used', async () => {
    await online()
    await h.fault({ route: 'online', fault: 'noReply', holdMs: 2_000 })
    // noReply does not apply: make it exist behind the lost reply instead
    await h.clearFaults()
    await h.fault({ route: 'online', fault: 'lostReply' })
    const { op } = await pay(5000, { choice: 'sendy' })
    expect(op).toMatchObject({ state: 'declined' })
    expect((await sbState()).payments[0]).toMatchObject({ tradeState: 'CLOSED' })
    expect(op!.display).toBeUndefined()
  })

  it('25a. lost online reply, the order found open and its reverse unanswered: not declined — a reverse is queued, and a payment behind it is returned', async () => {
    await online()
    await h.fault({ route: 'online', fault: 'lostReply' })
    await h.fault({ route: 'reverse', fault: 'http', status: 503, times: 0 })
    const { op } = await pay(5000, { choice: 'sendy' })
    // The order is still open at the server (NOTPAY): declining it now would leave it payable with the journal saying nothing moved.
    expect(op?.state).not.toBe('declined')
    expect(op).toMatchObject({ queued: true })
    // The customer pays it after all (found the QR some other way); the server is back; the queue reverses it.
    const paymentId = ((await sbState()).payments[0] as { paymentId: string }).paymentId
    await act({ paymentId, action: 'scan' })
    await act({ paymentId, action: 'confirm' })
    await h.clearFaults()
    await drain()
    await h.engine.settled()
    expect(await h.op(op!.id)).toMatchObject({ state: 'compensated' })
    expect((await sbState()).payments[0]).toMatchObject({ tradeState: 'REVOKED' })
  })
})

describe('cancel and refund (§ 5.27–5.32)', () => {
  it('27. a cancel 5 s after approval waits for REVERSE_TOO_EARLY, then succeeds at 15 s or later, with a slip', async () => {
    await setup()
    const { op } = await pay(1000)
    await h.clock.advance(5_000)
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved' })
    const rev = (await calls()).filter((c) => c.route === 'reverse')
    expect(rev.length).toBe(2)
    expect(rev[1]!.at - (await calls()).find((c) => c.route === 'offline')!.at).toBeGreaterThanOrEqual(15_000)
    expect(r.ok && r.op.slip?.text?.join('\n')).toContain('ОТМЕНА ОПЛАТЫ')
    // the cancel slip names the transaction it reverses (§ 4.11)
    expect(r.ok && r.op.slip?.text?.join('\n')).toMatch(new RegExp(`Транзакция №\\s+${op!.ref}$`, 'm'))
  })

  it('28. lostReply on reverse: the queue queries, finds REVOKED, and sends no second reverse', async () => {
    await setup()
    const { op } = await pay(1000)
    await h.clock.advance(16_000)
    await h.fault({ route: 'reverse', fault: 'lostReply' })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op.state).toBe('unknown')
    await drain()
    expect((await h.op(r.ok ? r.op.id : '')).state).toBe('approved')
    expect(count(await routes(), 'reverse')).toBe(1)
  })

  it('29. SYSTEMERROR on reverse three times: retried while recall=Y, then succeeds', async () => {
    await setup()
    const { op } = await pay(1000)
    await h.clock.advance(16_000)
    await h.fault({ route: 'reverse', fault: 'error', code: 'SYSTEMERROR', times: 3 })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    const id = r.ok ? r.op.id : ''
    for (let i = 0; i < 5 && (await h.op(id)).state !== 'approved'; i++) await drain(60_000)
    expect((await h.op(id)).state).toBe('approved')
    expect(count(await routes(), 'reverse')).toBe(4)
  })

  it('30. a payment of a closed shift: cancel refused locally with sendy.shiftClosed', async () => {
    await setup()
    const { op } = await pay(1000)
    const close = await (await import('../../workers/providers/registry.ts')).PROVIDERS.find((p) => p.id === 'sendy')!
    expect(close.closeDay).toBeTypeOf('function')
    await h.engine.reconcile({ paymentTypeId: 'sendy' })
    await closeDay()
    await h.sb.control('sendy', 'calls', undefined, 'DELETE')
    const r = await h.engine.reverse({ opId: op!.id, kind: 'cancel' })
    expect(r.ok && r.op).toMatchObject({ state: 'declined', message: { key: 'sendy.shiftClosed' } })
    expect(await routes()).toEqual([])
  })

  it('31. refund: off → refused; on → a new number, SUCCESS, slip; a partial amount is refused locally', async () => {
    await setup()
    const { op } = await pay(1000)
    const off = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(off.ok && off.op).toMatchObject({ state: 'declined', message: { key: 'sendy.refundOff' } })
    await h.engine.savePaymentType({
      id: 'sendy',
      number: 4,
      name: 'Sendy',
      provider: 'sendy',
      values: { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1', allowRefund: 'true' },
    })
    expect(await h.engine.reverse({ opId: op!.id, kind: 'refund', amount: 500 })).toMatchObject({ ok: false, message: { key: 'common.partialRefund' } })
    const r = await h.engine.reverse({ opId: op!.id, kind: 'refund' })
    expect(r.ok && r.op).toMatchObject({ state: 'approved', ref: '2', details: { transactionNumber: 2 } })
    expect(r.ok && r.op.slip?.text?.join('\n')).toContain('ВОЗВРАТ')
  })

  it('32. magic 99 and a compensating reverse: the original ends needs-attention', async () => {
    await setup()
    await config({ magic: true })
    customer(async (op) => {
      if (op.state === 'resolving') await h.engine.stopWaiting(op.id)
    })
    await h.fault({ route: 'offline', fault: 'error', code: 'SYSTEMERROR', apply: true, match: { amount: 1099 } })
    const { op } = await pay(1099)
    expect(op?.state).toBe('compensating')
    await drain()
    expect((await h.op(op!.id)).state).toBe('needs-attention')
  })
})

async function closeDay() {
  const p = (await import('../../workers/providers/registry.ts')).PROVIDERS.find((x) => x.id === 'sendy')!
  // The till's day close runs the provider's closeDay; here it is called as that would.
  const ctxOf = await probe()
  try {
    return await p.closeDay!(ctxOf, await h.ops(), { queued: (await h.engine.queueStatus()).length })
  } finally {
    // Its log rows are written before the test's database closes, as the engine's are by `settled()`.
    await ctxOf.log.flush()
  }
}

/** A ProbeCtx over this harness's database, as the engine builds one. */
async function probe() {
  const { createHttp } = await import('../../workers/transport/http.ts')
  const { createLogger } = await import('../../workers/engine/log.ts')
  const { withDefaults } = await import('../../src/domain/config.ts')
  const p = (await import('../../workers/providers/registry.ts')).PROVIDERS.find((x) => x.id === 'sendy')!
  const log = createLogger(
    h.db,
    () => h.clock.now(),
    () => [],
  )
  const pt = ((await h.db.settings.get('paymentTypes'))!.value as { id: string; values: Record<string, unknown> }[]).find((t) => t.id === 'sendy')!
  return {
    config: p.toConfig(withDefaults(p.schema, pt.values as never), {}),
    paymentType: pt as never,
    http: createHttp(globalThis.fetch, log, 'sendy', () => h.clock.now()),
    clock: h.clock,
    log,
    store: {
      get: async <T>(k: string) => (await h.db.settings.get(`sendy:sendy:${k}`))?.value as T | undefined,
      put: async (k: string, v: unknown) => void (await h.db.settings.put({ key: `sendy:sendy:${k}`, value: v })),
      next: () => Promise.reject(new Error('not used by reports')),
    },
  }
}

describe('day close and reports (§ 5.33–5.36)', () => {
  it('33. 3 paid, 1 revoked, 1 USERPAYING: the close counts 3 and sums only those; detailed → exactly 3 lines', async () => {
    await setup({ values: { detailedReport: 'true' } })
    await pay(1000)
    await pay(2000)
    const { op: toCancel } = await pay(4000)
    await pay(3000)
    await h.clock.advance(16_000)
    expect((await h.engine.reverse({ opId: toCancel!.id, kind: 'cancel' })) as unknown).toMatchObject({ ok: true, op: { state: 'approved' } })
    // a USERPAYING one the cashier stopped waiting for (still open at the server)
    customer(async (op) => {
      if (op.state === 'resolving') await h.engine.stopWaiting(op.id)
    })
    await pay(200_000)
    const r = await closeDay()
    expect(r).toMatchObject({ ok: true, net: 6000, mismatches: 0 })
    const text = (r as { slip: { text: string[] } }).slip.text
    expect(text.filter((l) => /^#\d+ /.test(l)).length).toBe(3)
    expect(text.join('\n')).toMatch(/Оплачено 3 шт\.\s+60\.00/)
  })

  it('34. approved in the journal but REVOKED at the server: a mismatch line', async () => {
    await setup()
    await pay(1000)
    await h.clock.advance(16_000)
    const key = (await h.db.settings.toArray()).find((r) => r.key.endsWith(':token:terminalKey'))!.value as string
    await fetch(`${h.sb.url}/sandbox/sendy/pos/payment/reverse`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Terminal-Id': 'T0001', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ transactionNumber: 1 }),
    })
    const r = await closeDay()
    expect(r).toMatchObject({ ok: true, mismatches: 1 })
    expect((r as { slip: { text: string[] } }).slip.text.join('\n')).toMatch(/РАСХОЖДЕНИЕ\s+#1/)
  })

  it('35. reports by shift (with and without detail) and by a date range print without closing the shift', async () => {
    await setup()
    await pay(1000)
    const plain = await h.engine.reconcile({ paymentTypeId: 'sendy', shift: 1 })
    expect(plain.ok && plain.op.slip?.text?.some((l) => /^#1 /.test(l))).toBe(false)
    const detailed = await h.engine.reconcile({ paymentTypeId: 'sendy', shift: 1, detail: true })
    expect(detailed.ok && detailed.op.slip?.text?.some((l) => /^#1 /.test(l))).toBe(true)
    const day = new Date(h.clock.now() + 3 * 3_600_000).toISOString().slice(0, 10)
    const range = await h.engine.reconcile({ paymentTypeId: 'sendy', start: `${day}T00:00`, end: `${day}T23:59`, detail: true })
    expect(range.ok && range.op).toMatchObject({ amount: 1000 })
    expect(range.ok && range.op.slip?.text?.join('\n')).toContain('Период')
    expect((await sbState()).counters.shiftOpen).toBe(true)
    const q = (await calls()).filter((c) => c.route === 'reports').map((c) => c.path)
    expect(q.length).toBe(3)
  })

  it('36. a shift closed already: no close is sent, the day close prints empty totals; a SHIFT_CLOSED from the server is an error, nothing printed', async () => {
    await setup()
    await pay(1000)
    expect(await closeDay()).toMatchObject({ ok: true, net: 1000 })
    await h.sb.control('sendy', 'calls', undefined, 'DELETE')
    const again = await closeDay()
    expect(again).toMatchObject({ ok: true, net: 0, mismatches: 0 })
    expect((again as { slip: { text: string[] } }).slip.text.join('\n')).toMatch(/Оплачено 0 шт\.\s+0\.00/)
    expect(await routes()).not.toContain('closeShift')
    // The counters said open, but the shift was closed by the time the close arrived: the server's refusal stands.
    await h.fault({ route: 'closeShift', fault: 'error', code: 'SHIFT_CLOSED' })
    await pay(1000)
    expect(await closeDay()).toMatchObject({ ok: false, message: { key: 'sendy.error', params: { code: 'SHIFT_CLOSED' } } })
  })

  it('a day with no Sendy sale at all: the day close prints Sendy’s empty totals, not «Смена закрыта»', async () => {
    await setup()
    expect((await sbState()).counters.shiftOpen).toBe(false)
    const r = await closeDay()
    expect(r).toMatchObject({ ok: true, net: 0, mismatches: 0 })
    const text = (r as { slip: { text: string[] } }).slip.text.join('\n')
    expect(text).toContain('ЗАКРЫТИЕ ДНЯ')
    expect(text).toMatch(/Возвраты 0 шт\.\s+0\.00/)
    expect(await routes()).not.toContain('closeShift')
  })
})

describe('settings', () => {
  it('Paydesk JSON export and import; secrets and the terminal key never exported; a bad value refuses the whole file', async () => {
    await setup()
    const out = await h.engine.exportConf('sendy')
    expect(out.ok && out.fileName).toBe('sendy.json')
    const json = out.ok ? (JSON.parse(out.text) as { Main: Record<string, unknown> }) : { Main: {} }
    expect(json.Main).toMatchObject({ terminalId: 'T0001', mode: null, slipCopies: null })
    const good = importConf(SENDY_SCHEMA, JSON.stringify({ Main: { ...json.Main, mode: 'online', slipCopies: 3, 'systems.alipay': true, extra: 'x' } }))
    expect(good).toMatchObject({ ok: true, values: { mode: 'online', slipCopies: 3, 'systems.alipay': true }, foreign: { extra: 'x' } })
    expect(importConf(SENDY_SCHEMA, JSON.stringify({ Main: { slipCopies: 9, mode: 'online' } })).ok).toBe(false)
    expect(importConf(SENDY_SCHEMA, JSON.stringify({ Main: { wire: '{"paths":{"nope":"/x"}}' } })).ok).toBe(false)
    expect(exportConf(SENDY_SCHEMA, { url: '/x' })).toContain('"url": "/x"')
    const imported = await h.engine.importConf(
      'sendy',
      JSON.stringify({ Main: { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: 1, slipCopies: 0 } }),
    )
    expect(imported.ok).toBe(true)
    expect((await pay(1000)).op).toMatchObject({ state: 'approved' })
    expect((await h.ops()).at(-1)!.slip).toBeUndefined()
  })

  it('a wire override moves a path without a code change', async () => {
    await setup({ values: { wire: JSON.stringify({ paths: { counters: '/pos/nope' } }) } })
    const { op } = await pay(1000)
    expect(op).toMatchObject({ state: 'declined', message: { key: 'sendy.noServer' } })
    expect((await calls()).at(-1)!.path).toBe('/sandbox/sendy/pos/nope')
  })
})

// Faults the browser fault matrix meets with Sendy: a reply lost after the money moved
// with the browser resending the same request (Chromium does so on a reused connection that
// closed before any reply), and a till killed with a refund journaled but not yet numbered.
describe('faults', () => {
  /** The request reaches the server, its reply is lost, and the browser sends the same request again. */
  const resent =
    (route: string) =>
    (source: string, log: Logger): Http => {
      const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
      return { send: async (req) => (req.route === route ? (await real.send(req), real.send(req)) : real.send(req)) }
    }
  /** The request never gets an answer: the tab died with it in flight. */
  const hangs =
    (route: string) =>
    (source: string, log: Logger): Http => {
      const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
      return { send: (req) => (req.route === route ? new Promise<never>(() => undefined) : real.send(req)) }
    }
  const withRefund = () =>
    h.engine.savePaymentType({
      id: 'sendy',
      number: 4,
      name: 'Sendy',
      provider: 'sendy',
      values: { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1', allowRefund: 'true' },
    })

  it('offline: the reply is lost and the resent copy meets TXN_NUMBER_MISMATCH; our own order is looked up and the payment approved, never declined', async () => {
    await setup()
    const e = h.makeEngine({ http: resent('offline') })
    const r = await e.pay({ paymentTypeId: 'sendy', amount: 1000, code: await code() })
    await e.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    const offline = (await calls()).filter((c) => c.route === 'offline')
    expect(offline).toHaveLength(2)
    const server = (await sbState()).payments
    expect(server.map((p) => p.tradeState)).toEqual(['SUCCESS'])
    expect(op).toMatchObject({ state: 'approved', ref: String(server[0]!.transactionNumber) })
    e.stop()
  })

  it('online: the resent copy is refused too; our order is found (its QR never shown), closed, and the sale declined with nothing held', async () => {
    await setup({ values: { mode: 'online', 'systems.wechat': 'false' } })
    const e = h.makeEngine({ http: resent('online') })
    const r = await e.pay({ paymentTypeId: 'sendy', amount: 1000, code: '' })
    await e.settled()
    const op = await h.op((r as { op: Operation }).op.id)
    expect(op.state).not.toBe('needs-attention')
    expect(op.error?.code).not.toBe('TXN_NUMBER_MISMATCH')
    await drain()
    expect(['declined', 'compensated']).toContain((await h.op(op.id)).state)
    expect((await sbState()).payments.map((p) => p.tradeState)).not.toContain('SUCCESS')
    e.stop()
  })

  it('refund: the reply is lost and the resent copy is refused; our refund is found and approved, the money returned once', async () => {
    await setup()
    await withRefund()
    const { op } = await pay(1000)
    const e = h.makeEngine({ http: resent('refund') })
    const r = await e.reverse({ opId: op!.id, kind: 'refund' })
    await e.settled()
    expect(r.ok && (await h.op(r.op.id))).toMatchObject({ state: 'approved' })
    const server = (await sbState()).payments
    expect(server.filter((p) => p.kind === 'refund')).toHaveLength(1)
    expect(server.find((p) => p.kind !== 'refund')?.tradeState).toBe('REFUND')
    e.stop()
  })

  it('a refund journaled, the till killed before it took its number: reopened, it is declined as never sent (nothing moved), not left for a person', async () => {
    await setup()
    await withRefund()
    const { op } = await pay(1000)
    h.engine.stop()
    const killed = h.makeEngine({ http: hangs('counters') })
    void killed.reverse({ opId: op!.id, kind: 'refund' })
    let refundId = ''
    for (let i = 0; i < 500 && !refundId; i++) {
      refundId = (await h.ops()).find((o) => o.kind === 'refund')?.id ?? ''
      await new Promise((res) => setTimeout(res, 10))
    }
    expect((await h.op(refundId)).state).toBe('created')
    killed.stop()
    const e = h.makeEngine()
    await e.start()
    await e.settled()
    await h.clock.advance(20_000)
    await e.drainQueue()
    await e.settled()
    expect(await h.op(refundId)).toMatchObject({ state: 'declined', message: { key: 'common.interrupted' } })
    expect(await h.op(op!.id)).toMatchObject({ state: 'approved' })
    expect((await sbState()).payments.map((p) => p.tradeState)).toEqual(['SUCCESS'])
    e.stop()
  })
})
