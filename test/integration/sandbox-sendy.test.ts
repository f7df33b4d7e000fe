// The Sendy emulator (docs/protocols/sendy.md § 3) over real HTTP: activation with three tries per code, auth,
// through numbering and server shifts, offline codes and PIN, online QR and the customer, query,
// reverse rules, refund, shift close with paid receipts only, reports, faults and magic amounts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts'

const API = '/sandbox/sendy'
let sb: TestSandbox
let key = ''

beforeAll(async () => {
  sb = await startTestSandbox({ seed: 7 })
})
afterAll(async () => sb.close())

type J = Record<string, unknown>
async function call(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; json: J }> {
  const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' }
  if (auth) Object.assign(headers, { 'X-Terminal-Id': 'T0001', Authorization: `Bearer ${key}` })
  const res = await fetch(`${sb.url}${API}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as J) : {} }
}
const code = async () => ((await sb.control('sendy', 'cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code
const activate = (activationCode: string, terminalId = 'T0001') => call('POST', '/pos/activate', { terminalId, serial: 'SN-9', activationCode }, false)
const counters = async () => (await call('GET', '/pos/counters')).json as { lastTransactionNumber: number; shiftNumber: number; shiftOpen: boolean }
const wechat = async (o: J = {}) => ((await sb.mintToken('sendy', { system: 'wechat', ...o })) as { token: string }).token
let order = 0
async function offline(amount: number, authCode?: string) {
  const c = await counters()
  return call('POST', '/pos/payment/offline', {
    transactionNumber: c.lastTransactionNumber + 1,
    shiftNumber: c.shiftNumber,
    orderId: `o${++order}`,
    amount,
    currency: 'RUB',
    authCode: authCode ?? (await wechat()),
  })
}
async function online(amount: number, system = 'sendy') {
  const c = await counters()
  return call('POST', '/pos/payment/online', {
    transactionNumber: c.lastTransactionNumber + 1,
    shiftNumber: c.shiftNumber,
    orderId: `o${++order}`,
    amount,
    currency: 'RUB',
    system,
  })
}
const query = async (n: unknown) => (await call('GET', `/pos/payment/query?transactionNumber=${String(n)}`)).json
const reverse = async (n: unknown) => (await call('POST', '/pos/payment/reverse', { transactionNumber: n })).json

beforeEach(async () => {
  await sb.reset(7)
  await sb.clock.manual()
  const r = await activate(await code())
  key = r.json.terminalKey as string
})

describe('activation and auth (§ 3.4)', () => {
  it('two wrong codes leave 2 then 1 tries; the third kills the code, even for the right one', async () => {
    const good = await code()
    expect((await activate('11111111')).json).toMatchObject({ resultCode: 'FAIL', errCode: 'ACTIVATION_CODE_INVALID', attemptsLeft: 2 })
    expect((await activate('22222222')).json).toMatchObject({ errCode: 'ACTIVATION_CODE_INVALID', attemptsLeft: 1 })
    expect((await activate('33333333')).json).toMatchObject({ errCode: 'ACTIVATION_CODE_EXPIRED' })
    expect((await activate(good)).json).toMatchObject({ errCode: 'ACTIVATION_CODE_EXPIRED' })
    expect((await activate(await code(), 'T9')).json).toMatchObject({ errCode: 'TERMINAL_NOT_FOUND' })
  })

  it('a new activation revokes the old key (401), and info answers with the new one', async () => {
    const old = key
    const r = await activate(await code())
    expect(r.json).toMatchObject({
      resultCode: 'SUCCESS',
      allowedSystems: ['sendy', 'wechat', 'alipay'],
      registration: { terminalId: 'T0001', serial: 'SN-9' },
    })
    key = old
    expect(await call('GET', '/pos/info')).toMatchObject({ status: 401, json: { returnCode: 'FAIL', returnMsg: 'TERMINAL_NOT_AUTHORIZED' } })
    key = r.json.terminalKey as string
    expect((await call('GET', '/pos/info')).json).toMatchObject({ terminalId: 'T0001', serial: 'SN-9', modes: ['offline', 'online'] })
  })
})

describe('numbering and shifts (§ 3.4)', () => {
  it('a transaction must carry last + 1 and the shift; a refusal still consumes its number', async () => {
    expect(await counters()).toMatchObject({ lastTransactionNumber: 0, shiftNumber: 1, shiftOpen: false })
    const bad = await call('POST', '/pos/payment/offline', { transactionNumber: 5, shiftNumber: 1, orderId: 'x', amount: 1000, authCode: await wechat() })
    expect(bad.json).toMatchObject({ errCode: 'TXN_NUMBER_MISMATCH', lastTransactionNumber: 0 })
    expect((await offline(50)).json).toMatchObject({ errCode: 'AMOUNT_INVALID' })
    expect(await counters()).toMatchObject({ lastTransactionNumber: 1, shiftOpen: true })
    expect(
      (await call('POST', '/pos/payment/offline', { transactionNumber: 2, shiftNumber: 7, orderId: 'y', amount: 1000, authCode: await wechat() })).json,
    ).toMatchObject({ errCode: 'SHIFT_MISMATCH' })
  })

  it('closing the shift reports paid receipts only; the next transaction opens the next shift', async () => {
    await offline(1000)
    await offline(2000)
    const pin = await offline(200_000)
    expect(pin.json).toMatchObject({ errCode: 'USERPAYING' })
    await sb.clock.advance(16_000)
    await offline(3000)
    expect((await reverse(2)).tradeState).toBe('REVOKED')
    const close = await call('POST', '/pos/shift/close', { shiftNumber: 1, detail: true })
    expect(close.json).toMatchObject({ resultCode: 'SUCCESS', shiftNumber: 1, paid: { count: 2, amount: 4000 } })
    expect((close.json.transactions as unknown[]).length).toBe(2)
    expect((await call('POST', '/pos/shift/close', { shiftNumber: 1 })).json).toMatchObject({ errCode: 'SHIFT_CLOSED' })
    expect(await counters()).toMatchObject({ shiftNumber: 2, shiftOpen: false })
    expect((await offline(1000)).json).toMatchObject({ resultCode: 'SUCCESS' })
    expect(await counters()).toMatchObject({ shiftNumber: 2, shiftOpen: true, lastTransactionNumber: 5 })
    // a payment of the closed shift cannot be reversed: a refund is needed
    expect(await reverse(1)).toMatchObject({ errCode: 'REVERSE_NOT_ALLOWED' })
  })

  it('reports by shift and by range do not close the shift', async () => {
    await offline(1000)
    const byShift = await call('GET', '/pos/reports?shift=1&detail=false')
    expect(byShift.json).toMatchObject({ paid: { count: 1, amount: 1000 } })
    expect(byShift.json.transactions).toBeUndefined()
    const now = (await sb.clock.now()).now
    const range = await call('GET', `/pos/reports?from=${new Date(now - 60_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}&detail=true`)
    expect((range.json.transactions as unknown[]).length).toBe(1)
    expect(await counters()).toMatchObject({ shiftOpen: true })
  })

  it('the control API sets the counters', async () => {
    await sb.control('sendy', 'counters', { lastTransactionNumber: 40, shiftNumber: 12, shiftOpen: true })
    expect(await counters()).toEqual(expect.objectContaining({ lastTransactionNumber: 40, shiftNumber: 12, shiftOpen: true }))
  })
})

describe('offline (§ 3.4)', () => {
  it('codes: prefix selects the system; used, expired and not-allowed codes are refused', async () => {
    const c = await wechat()
    expect((await offline(1000, c)).json).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'SUCCESS', system: 'wechat' })
    expect((await offline(1000, c)).json).toMatchObject({ errCode: 'AUTH_CODE_USED' })
    const old = await wechat()
    await sb.clock.advance(31_000)
    expect((await offline(1000, old)).json).toMatchObject({ errCode: 'AUTH_CODE_EXPIRED' })
    expect((await offline(1000, '123456')).json).toMatchObject({ errCode: 'AUTH_CODE_INVALID' })
    await sb.control('sendy', 'config', { allowedSystems: ['sendy', 'wechat'] }, 'PUT')
    const ali = ((await sb.mintToken('sendy', { system: 'alipay' })) as { token: string }).token
    expect(ali.startsWith('28')).toBe(true)
    expect((await offline(1000, ali)).json).toMatchObject({ errCode: 'SYSTEM_NOT_ALLOWED', errCodeDes: 'Платежная система не разрешена для терминала' })
  })

  it('USERPAYING above the threshold: the PIN pays it; nobody confirms → REVOKED after 45 s', async () => {
    expect((await offline(100_000)).json).toMatchObject({ errCode: 'USERPAYING' })
    expect(await query(1)).toMatchObject({ tradeState: 'USERPAYING' })
    await sb.control('sendy', 'customer/act', { transactionNumber: 1, action: 'pin' })
    expect(await query(1)).toMatchObject({ tradeState: 'SUCCESS' })
    await offline(150_000)
    await sb.clock.advance(45_000)
    expect(await query(2)).toMatchObject({ tradeState: 'REVOKED' })
  })

  it('SYSTEMERROR with apply hides a success; query of an unknown number → ORDERNOTEXIST', async () => {
    await sb.control('sendy', 'faults', { route: 'offline', fault: 'error', code: 'SYSTEMERROR', apply: true })
    expect((await offline(1000)).json).toMatchObject({ resultCode: 'FAIL', errCode: 'SYSTEMERROR' })
    expect(await query(1)).toMatchObject({ tradeState: 'SUCCESS' })
    expect(await query(9)).toMatchObject({ errCode: 'ORDERNOTEXIST' })
  })

  it('magic: 91 NOTENOUGH keeps its number, 93 never pays, 99 cannot be reversed', async () => {
    await sb.control('sendy', 'config', { magic: true }, 'PUT')
    expect((await offline(1091)).json).toMatchObject({ errCode: 'NOTENOUGH' })
    expect(await counters()).toMatchObject({ lastTransactionNumber: 1 })
    expect((await offline(1093)).json).toMatchObject({ errCode: 'USERPAYING' })
    await offline(1099)
    await sb.clock.advance(46_000)
    expect(await query(2)).toMatchObject({ tradeState: 'REVOKED' })
    expect(await reverse(3)).toMatchObject({ errCode: 'REVERSE_NOT_ALLOWED', recall: 'N' })
  })
})

describe('online, reverse and refund (§ 3.4)', () => {
  it('the QR by system; scan, confirm; unpaid → CLOSED after the TTL', async () => {
    const r = await online(5000, 'wechat')
    expect(r.json).toMatchObject({ tradeState: 'NOTPAY' })
    expect(String(r.json.qrCode)).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/)
    expect(String((await online(5000, 'alipay')).json.qrCode)).toMatch(/^https:\/\/qr\.alipay\.com\/bax/)
    await sb.control('sendy', 'customer/act', { paymentId: r.json.paymentId, action: 'scan' })
    expect(await query(1)).toMatchObject({ tradeState: 'USERPAYING' })
    await sb.control('sendy', 'customer/act', { paymentId: r.json.paymentId, action: 'confirm' })
    expect(await query(1)).toMatchObject({ tradeState: 'SUCCESS' })
    await sb.clock.advance(120_000)
    expect(await query(2)).toMatchObject({ tradeState: 'CLOSED' })
  })

  it('reverse: too early, then REVOKED (idempotent); unpaid online → CLOSED; not found', async () => {
    await offline(1000)
    expect(await reverse(1)).toMatchObject({ errCode: 'REVERSE_TOO_EARLY', recall: 'Y' })
    await sb.clock.advance(15_000)
    expect(await reverse(1)).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'REVOKED', recall: 'N' })
    expect(await reverse(1)).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'REVOKED' })
    await online(1000)
    await sb.clock.advance(15_000)
    expect(await reverse(2)).toMatchObject({ tradeState: 'CLOSED' })
    expect(await reverse(77)).toMatchObject({ errCode: 'ORDERNOTEXIST', recall: 'N' })
    await sb.control('sendy', 'faults', { route: 'reverse', fault: 'error', code: 'SYSTEMERROR' })
    expect(await reverse(1)).toMatchObject({ errCode: 'SYSTEMERROR', recall: 'Y' })
  })

  it('refund: full only, its own number, once', async () => {
    await offline(1000)
    const c = await counters()
    const refund = (amount: number, n: number) =>
      call('POST', '/pos/payment/refund', { transactionNumber: n, shiftNumber: c.shiftNumber, orderId: `r${n}`, originalTransactionNumber: 1, amount })
    expect((await refund(500, 2)).json).toMatchObject({ errCode: 'REFUND_AMOUNT_INVALID' })
    expect((await refund(1000, 3)).json).toMatchObject({ resultCode: 'SUCCESS', tradeState: 'SUCCESS' })
    expect((await refund(1000, 4)).json).toMatchObject({ errCode: 'ORDER_REFUNDED' })
    expect(await query(1)).toMatchObject({ tradeState: 'REFUND', refundedAmount: 1000 })
  })

  it('the customer pending list offers the online payment to the phone page', async () => {
    const r = await online(5000)
    const pending = (await sb.control('sendy', 'customer/pending')) as { items: { id: string; actions: { body: J }[] }[] }
    expect(pending.items[0]).toMatchObject({ id: r.json.paymentId })
    expect(pending.items[0]!.actions.map((a) => a.body.action)).toEqual(['scan', 'confirm', 'decline'])
  })

  it('the call log masks the terminal key', async () => {
    await counters()
    const log = await sb.calls('sendy')
    const last = log.at(-1) as unknown as { headers: Record<string, string>; route: string }
    expect(last.route).toBe('counters')
    expect(JSON.stringify(log)).not.toContain(key)
  })
})
