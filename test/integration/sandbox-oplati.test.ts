// The O!plati emulator (docs/protocols/oplati.md § 3) over real HTTP: token issue and auth (C1, C2,
// password mode), E4 validation and the three modes (C3 customer QR, C4 static code, E5/E6
// session), statuses on the manual clock, poll floors, cashbox cancel (C5), reversals (E7)
// with their totals, reconciliation (E8), loyalty (C6), the customer, faults, magic amounts,
// ids above 2^53, the control API and demo mode.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSandboxServer } from '../../sandbox/server.ts'
import { startTestSandbox, type TestSandbox } from '../support/sandbox.ts'

const REG = 'OPL000011111'
const PASSWORD = '1111'
const API = '/sandbox/oplati/ms-pay'
const MESSAGE_A = 'Токен уже существует или касса работает в режиме пароля'
const MESSAGE_B = 'Необходимо получить новый токен в кассовом ПО либо касса не зарегистрирована в личном кабинете юр. лица'
const DAY = 86_400_000

interface Reply {
  status: number
  text: string
  json: Record<string, unknown> | undefined
}

interface PaymentView {
  paymentId: string
  paymentType: number
  amount: number
  status: number
  state: string
  orderNumber: string
  shift: string | null
  confirmationCode: string | null
  originalPaymentId: string | null
  refunded: number | null
  irreversible: boolean
  magic: number | null
}

interface OplatiState {
  cashboxes: Array<{ regNum: string; authMode: string; tokenState: string; currentShift: string | null }>
  payments: PaymentView[]
  sessions: Array<{ sessionId: string; ready: boolean; usedBy: string | null }>
  loyalty: Array<{ requestId: string; status: number; cardNumber: string | null }>
  tokens: Array<{ token: string; usedAt: string | null }>
  counters: Record<string, number>
}

let sb: TestSandbox
let now = 0
/** The token C1 issued in beforeEach; every API call carries it unless told otherwise. */
let token = ''
let order = 0

beforeAll(async () => {
  sb = await startTestSandbox()
})
afterAll(async () => {
  await sb.close()
})
beforeEach(async () => {
  await sb.reset()
  now = (await sb.clock.manual()).now
  order = 0
  const r = await call('POST', '/pos/cashbox/token', {}, { regNum: REG })
  token = String(r.json?.token)
  await sb.control('oplati', 'calls', undefined, 'DELETE')
})

async function advance(ms: number): Promise<void> {
  now = (await sb.clock.advance(ms)).now
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>
  } catch {
    return undefined
  }
}

/** An API call; `headers` replaces the default `regNum` + `token` auth. */
async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>, signal?: AbortSignal): Promise<Reply> {
  const res = await fetch(`${sb.url}${API}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(headers ?? { regNum: REG, token }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  })
  const text = await res.text()
  return { status: res.status, text, json: parse(text) }
}

/** An E4/E7 body of `kopecks`, consistent in sum, cost and amountTotal. */
function body(kopecks = 1700, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const byn = kopecks / 100
  return {
    sum: byn,
    orderNumber: `op-${++order}`,
    shift: '1',
    regNum: REG,
    details: { receiptNumber: '1', regNum: REG, items: [{ type: 1, name: 'Покупка', quantity: 1, unit: 'шт', price: byn, cost: byn }], amountTotal: byn },
    ...extra,
  }
}

async function qr(opts?: Record<string, unknown>): Promise<string> {
  return (await sb.mintToken('oplati', opts)).token
}

/** Mode 0 (C3) with a fresh customer QR. */
async function pay(kopecks = 1700, extra: Record<string, unknown> = {}): Promise<Reply> {
  return call('POST', '/pos/payments', body(kopecks, { consumerQr: await qr(), ...extra }))
}

const idOf = (r: Reply): string => /"paymentId":(\d+)/.exec(r.text)?.[1] ?? 'none'

async function act(b: Record<string, unknown>): Promise<unknown> {
  return sb.control('oplati', 'customer/act', b)
}

/** A paid sale of `kopecks`: mode 0, then the customer confirms. */
async function paidSale(kopecks = 1700, extra: Record<string, unknown> = {}): Promise<string> {
  const id = idOf(await pay(kopecks, extra))
  await act({ paymentId: id, action: 'confirm' })
  return id
}

const status = (id: string): Promise<Reply> => call('GET', `/pos/payments/${id}`)
const reverse = (id: string, kopecks: number, extra: Record<string, unknown> = {}): Promise<Reply> =>
  call('POST', `/pos/payments/${id}/reversals`, body(kopecks, extra))
const cancel = (id: string, b: unknown = {}): Promise<Reply> => call('POST', `/pos/payments/${id}/cancel`, b)

async function state(): Promise<OplatiState> {
  return (await sb.state('oplati')) as OplatiState
}

async function config(patch: Record<string, unknown>): Promise<void> {
  await sb.control('oplati', 'config', patch, 'PUT')
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  await sb.control('oplati', 'faults', rule)
}

function expectError(r: Reply, httpStatus: number, internalCode: string, langRu?: string): void {
  expect(r.status, r.text).toBe(httpStatus)
  expect(r.json).toMatchObject({ code: String(httpStatus), internalCode })
  const user = r.json?.userMessage as { lang_ru: string; lang_en: string }
  expect(user.lang_ru.length).toBeGreaterThan(0)
  expect(user.lang_en.length).toBeGreaterThan(0)
  expect(typeof r.json?.devMessage).toBe('string')
  if (langRu !== undefined) expect(user.lang_ru).toBe(langRu)
}

describe('routes (§ 3.2)', () => {
  it('serves only § 3.2 paths below /ms-pay; E1, E2 and other paths are 404', async () => {
    for (const [m, p] of [
      ['POST', '/pos/webPayments'],
      ['POST', '/pos/webPayments/v2'],
      ['GET', '/pos/payments'],
      ['DELETE', '/pos/payments/1'],
      ['POST', '/pos/payments/1/refund'],
      ['GET', '/pos/cashbox/token'],
    ] as const) {
      expect((await call(m, p)).status, `${m} ${p}`).toBe(404)
    }
    const res = await fetch(`${sb.url}/sandbox/oplati/pos/payments/1`, { headers: { regNum: REG, token } })
    expect(res.status).toBe(404)
  })
})

describe('token (C1, C2) and auth (§ 3.4)', () => {
  it('C1 issues a 43-character base64url token once; the next C1 answers 409 TOKEN_EXISTS with message A', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await state()).cashboxes[0]).toMatchObject({ regNum: REG, tokenState: 'issued' })
    expectError(await call('POST', '/pos/cashbox/token', {}, { regNum: REG }), 409, 'TOKEN_EXISTS', MESSAGE_A)
    expectError(await call('POST', '/pos/cashbox/token', {}, { regNum: 'OPL999999999' }), 401, 'TOKEN_INVALID', MESSAGE_B)
  })

  it('C2: a missing, wrong or unknown-regNum token answers 401 TOKEN_INVALID with message B', async () => {
    expect((await call('GET', '/pos/paymentReports?shift=1')).status).toBe(200)
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG }), 401, 'TOKEN_INVALID', MESSAGE_B)
    expectError(
      await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token: `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}` }),
      401,
      'TOKEN_INVALID',
      MESSAGE_B,
    )
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: 'OPL000000001', token }), 401, 'TOKEN_INVALID', MESSAGE_B)
    // Header names are case-insensitive.
    expect((await call('GET', '/pos/paymentReports?shift=1', undefined, { RegNum: REG, TOKEN: token })).status).toBe(200)
  })

  it('desync (rule 1.3.3): the cabinet issued a token nobody holds → C1 409 A; after the cabinet reset, C1 issues a new one', async () => {
    await sb.control('oplati', 'cabinet/desync', { regNum: REG })
    expectError(await call('POST', '/pos/cashbox/token', {}, { regNum: REG }), 409, 'TOKEN_EXISTS', MESSAGE_A)
    expectError(await call('GET', '/pos/paymentReports?shift=1'), 401, 'TOKEN_INVALID', MESSAGE_B)
    expect(await sb.control('oplati', 'cabinet/reset-token', { regNum: REG })).toEqual({ regNum: REG, tokenState: 'none' })
    const fresh = await call('POST', '/pos/cashbox/token', {}, { regNum: REG })
    expect(fresh.status).toBe(200)
    expect((await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token: String(fresh.json?.token) })).status).toBe(200)
  })

  it('reset without desync (rule 1.3.4): the held token gets 401 B on every route until a new one is issued', async () => {
    const id = idOf(await pay())
    await sb.control('oplati', 'cabinet/reset-token', { regNum: REG })
    expect((await state()).cashboxes[0]?.tokenState).toBe('none')
    expectError(await status(id), 401, 'TOKEN_INVALID', MESSAGE_B)
    expectError(await cancel(id), 401, 'TOKEN_INVALID', MESSAGE_B)
    expectError(await pay(), 401, 'TOKEN_INVALID', MESSAGE_B)
    const next = String((await call('POST', '/pos/cashbox/token', {}, { regNum: REG })).json?.token)
    expect(next).not.toBe(token)
    expect((await call('GET', `/pos/payments/${id}`, undefined, { regNum: REG, token: next })).status).toBe(200)
    expect((await status(id)).status).toBe(401)
  })

  it('cabinet controls refuse an unknown regNum or a body without one', async () => {
    await expect(sb.control('oplati', 'cabinet/reset-token', { regNum: 'OPL1' })).rejects.toThrow(/404/)
    await expect(sb.control('oplati', 'cabinet/desync', {})).rejects.toThrow(/400/)
  })

  it('password mode: C1 answers 409 A; regNum + password authenticates; a wrong password or a token answers 401 AUTH_FAILED', async () => {
    await config({ cashboxes: [{ regNum: REG, password: PASSWORD, authMode: 'password' }] })
    expect((await state()).cashboxes[0]?.tokenState).toBe('password-mode')
    expectError(await call('POST', '/pos/cashbox/token', {}, { regNum: REG }), 409, 'TOKEN_EXISTS', MESSAGE_A)
    const ok = await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, password: PASSWORD })
    expect(ok.status).toBe(200)
    expectError(
      await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, password: '2222' }),
      401,
      'AUTH_FAILED',
      'Неверный регистрационный номер или пароль кассы',
    )
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token }), 401, 'AUTH_FAILED')
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: 'OPL000000002', password: PASSWORD }), 401, 'AUTH_FAILED')
  })

  it('a token-mode cashbox also takes the public regNum + password auth', async () => {
    expect((await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, password: PASSWORD })).status).toBe(200)
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, password: 'nope', token }), 401, 'AUTH_FAILED')
  })

  it('tokenExists and tokenInvalid faults answer 409 A and 401 B on the matching calls', async () => {
    await sb.control('oplati', 'cabinet/reset-token', { regNum: REG })
    await fault({ route: 'tokenIssue', fault: 'tokenExists' })
    expectError(await call('POST', '/pos/cashbox/token', {}, { regNum: REG }), 409, 'TOKEN_EXISTS', MESSAGE_A)
    token = String((await call('POST', '/pos/cashbox/token', {}, { regNum: REG })).json?.token)
    await fault({ route: '*', fault: 'tokenInvalid', times: 2 })
    expectError(await call('GET', '/pos/paymentReports?shift=1'), 401, 'TOKEN_INVALID', MESSAGE_B)
    expectError(await pay(), 401, 'TOKEN_INVALID', MESSAGE_B)
    expect((await call('GET', '/pos/paymentReports?shift=1')).status).toBe(200)
    expect((await sb.calls('oplati')).map((c) => c.fault)).toEqual(['tokenExists', null, 'tokenInvalid', 'tokenInvalid', null])
  })

  it('adoptTokens (demo) adopts a well-formed token while the state is none, but not after a cabinet reset', async () => {
    await sb.reset()
    await config({ adoptTokens: true })
    const held = 'A'.repeat(43)
    expect((await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token: held })).status).toBe(200)
    expect((await state()).cashboxes[0]?.tokenState).toBe('issued')
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token: 'B'.repeat(43) }), 401, 'TOKEN_INVALID')
    await sb.control('oplati', 'cabinet/reset-token', { regNum: REG })
    expectError(await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, token: held }), 401, 'TOKEN_INVALID')
  })

  it('the call log masks the token and the password', async () => {
    await call('GET', '/pos/paymentReports?shift=1')
    await call('GET', '/pos/paymentReports?shift=1', undefined, { regNum: REG, password: PASSWORD })
    const calls = await sb.calls('oplati')
    expect(calls[0]?.headers).toMatchObject({ regnum: REG, token: '****' })
    expect(calls[1]?.headers).toMatchObject({ regnum: REG, password: '****' })
    expect(JSON.stringify(calls)).not.toContain(token)
  })
})

describe('E4 validation (§ 3.4)', () => {
  const item = (over: Record<string, unknown>): Record<string, unknown> => ({ type: 1, name: 'x', cost: 17, ...over })
  const cases: Array<[string, (b: Record<string, unknown>) => void, RegExp]> = [
    ['sum 0', (b) => (b.sum = 0), /sum/],
    ['sum negative', (b) => (b.sum = -17), /sum/],
    ['sum with 3 decimals', (b) => (b.sum = 17.001), /sum/],
    ['sum as a string', (b) => (b.sum = '17.00'), /sum/],
    ['no sum', (b) => delete b.sum, /sum/],
    ['no orderNumber', (b) => delete b.orderNumber, /orderNumber/],
    ['numeric orderNumber', (b) => (b.orderNumber = 777), /orderNumber/],
    ['shift not a string', (b) => (b.shift = 1), /shift/],
    ['no details', (b) => delete b.details, /details/],
    ['no items', (b) => (b.details = { items: [], amountTotal: 17 }), /details\.items/],
    ['item type 3', (b) => (b.details = { items: [item({ type: 3 })], amountTotal: 17 }), /items\[0\]\.type/],
    ['item without name', (b) => (b.details = { items: [item({ name: ' ' })], amountTotal: 17 }), /items\[0\]\.name/],
    ['cost with 3 decimals', (b) => (b.details = { items: [item({ cost: 16.999 })], amountTotal: 17 }), /items\[0\]\.cost/],
    ['negative cost', (b) => (b.details = { items: [item({ cost: -1 })], amountTotal: 17 }), /items\[0\]\.cost/],
    ['Σcost ≠ amountTotal', (b) => (b.details = { items: [item({ cost: 10 }), item({ cost: 6.99 })], amountTotal: 17 }), /sum of cost/],
    ['amountTotal ≠ sum', (b) => (b.details = { items: [item({ cost: 18 })], amountTotal: 18 }), /amountTotal/],
    ['no mode field', (b) => delete b.consumerQr, /exactly one/],
    ['two mode fields', (b) => (b.staticQr = true), /exactly one/],
    ['staticQr not a boolean', (b) => ((b.staticQr = 'yes'), delete b.consumerQr), /staticQr/],
  ]

  it.each(cases)('refuses %s with 400 VALIDATION naming the field, and spends nothing', async (_name, mutate, field) => {
    const code = await qr()
    const b = body(1700, { consumerQr: code })
    mutate(b)
    const r = await call('POST', '/pos/payments', b)
    expectError(r, 400, 'VALIDATION')
    expect(String(r.json?.devMessage)).toMatch(field)
    expect((await state()).payments).toEqual([])
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: code }))).status).toBe(200)
  })

  it('refuses a body that is not JSON', async () => {
    expectError(await call('POST', '/pos/payments', '{"sum":17,'), 400, 'VALIDATION')
  })

  it('accepts a zero-cost item and several items adding up; converts BYN to kopecks and back (1700 → 17, 1705 → 17.05)', async () => {
    const b = body(1705, { consumerQr: await qr() })
    b.details = {
      items: [
        { type: 1, name: 'a', cost: 17 },
        { type: 2, name: 'b', cost: 0.05 },
        { type: 1, name: 'c', cost: 0 },
      ],
      amountTotal: 17.05,
    }
    const r = await call('POST', '/pos/payments', b)
    expect(r.json).toMatchObject({ sum: 17.05, status: 0, paymentType: 1 })
    expect(r.text).toContain('"sum":17.05,')
    expect((await pay(1700)).text).toContain('"sum":17,')
    expect((await state()).payments.map((p) => p.amount)).toEqual([1705, 1700])
  })

  it('refuses a repeated orderNumber of the same cashbox with 409 DUPLICATE_ORDER, not of another cashbox', async () => {
    await config({
      cashboxes: [
        { regNum: REG, password: PASSWORD },
        { regNum: 'OPL000022222', password: '2222' },
      ],
    })
    expect((await pay(1700, { orderNumber: 'same' })).status).toBe(200)
    expectError(await pay(1700, { orderNumber: 'same' }), 409, 'DUPLICATE_ORDER')
    const other = await call('POST', '/pos/payments', body(1700, { orderNumber: 'same', consumerQr: await qr() }), { regNum: 'OPL000022222', password: '2222' })
    expect(other.status).toBe(200)
    // A cashbox sees only its own payments.
    expectError(await call('GET', `/pos/payments/${idOf(other)}`), 404, 'PAYMENT_NOT_FOUND', 'Платеж не найден')
  })
})

describe('mode 0: the customer QR (C3)', () => {
  it('pays IN_PROGRESS, then the customer confirms: status 1 with paidDate and pursePublicId', async () => {
    const r = await pay()
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ paymentType: 1, sum: 17, status: 0, orderNumber: 'op-1' })
    expect(r.json?.pursePublicId).toBeUndefined()
    expect(r.json?.createdDate).toBe(r.json?.paidDate)
    expect(String(r.json?.createdDate)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/)
    const id = idOf(r)
    await advance(21_000)
    await act({ paymentId: id, action: 'confirm' })
    const st = await status(id)
    expect(st.json).toMatchObject({ status: 1, paymentId: Number(id) })
    expect(typeof st.json?.pursePublicId).toBe('string')
    expect(Date.parse(String(st.json?.paidDate)) - Date.parse(String(st.json?.createdDate))).toBe(21_000)
  })

  it('minted codes look like o-plati://cpm/<22 base64url> and live consumerQrTtlMs', async () => {
    const t = await sb.mintToken('oplati')
    expect(t.token).toMatch(/^o-plati:\/\/cpm\/[A-Za-z0-9_-]{22}$/)
    expect(t.ttlMs).toBe(60_000)
    expect(Date.parse(t.expiresAt)).toBe(now + 60_000)
  })

  it('refuses a used code with 409 QR_USED, an expired one with 400 QR_EXPIRED, an unknown one with 400 QR_INVALID', async () => {
    const code = await qr()
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: code }))).status).toBe(200)
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: code })), 409, 'QR_USED')
    const old = await qr()
    await advance(59_999)
    const fresh = await qr()
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: fresh }))).status).toBe(200)
    await advance(1)
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: old })), 400, 'QR_EXPIRED')
    // Spent at the check, even though it was expired.
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: old })), 409, 'QR_USED')
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: 'o-plati://cpm/AAAAAAAAAAAAAAAAAAAAAA' })), 400, 'QR_INVALID')
  })

  it('acceptAnyToken takes any unseen string of 8 to 512 characters, once', async () => {
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: '12345678' })), 400, 'QR_INVALID')
    await config({ acceptAnyToken: true })
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: '1234567' })), 400, 'QR_INVALID')
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: 'x'.repeat(513) })), 400, 'QR_INVALID')
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: '12345678' }))).status).toBe(200)
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: 'x'.repeat(512) }))).status).toBe(200)
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: '12345678' })), 409, 'QR_USED')
  })

  it('the customer declines (2), lacks money (3), or ignores it until TIMEOUT (4) at exactly consumerTimeoutMs', async () => {
    const a = idOf(await pay())
    const b = idOf(await pay())
    const c = idOf(await pay())
    await act({ paymentId: a, action: 'decline' })
    await act({ paymentId: b, action: 'insufficient' })
    await act({ paymentId: c, action: 'ignore' })
    expect((await status(a)).json?.status).toBe(2)
    expect((await status(b)).json?.status).toBe(3)
    await advance(54_999)
    expect((await status(c)).json?.status).toBe(0)
    await advance(5_000) // 59 999 ms: still waiting
    expect((await status(c)).json?.status).toBe(0)
    await advance(1) // 60 000 ms: TIMEOUT (the state is read between polls, which the floor keeps 5 s apart)
    expect((await state()).payments[2]?.state).toBe('TIMEOUT')
    await advance(4_999)
    expect((await status(c)).json?.status).toBe(4)
    expect((await state()).payments.map((p) => p.state)).toEqual(['DECLINE', 'NOT_ENOUGH', 'TIMEOUT'])
    await expect(act({ paymentId: c, action: 'confirm' })).rejects.toThrow(/409/)
  })
})

describe('mode 1: the static QR and the confirmation code (C4)', () => {
  it('answers a 4-digit code, shown while in progress; the customer types it and the payment is paid', async () => {
    const r = await call('POST', '/pos/payments', body(1700, { staticQr: true }))
    expect(r.json).toMatchObject({ status: 0 })
    const code = String(r.json?.confirmationCode)
    expect(code).toMatch(/^\d{4}$/)
    const id = idOf(r)
    expect((await status(id)).json?.confirmationCode).toBe(code)
    expect(await act({ code, action: 'confirm' })).toMatchObject({ paymentId: id, status: 1, state: 'OK' })
    await advance(5_000)
    const st = await status(id)
    expect(st.json?.status).toBe(1)
    expect(st.json?.confirmationCode).toBeUndefined()
    await expect(act({ code, action: 'confirm' })).rejects.toThrow(/404/)
  })

  it('keeps the codes of open static payments distinct (seeded)', async () => {
    await sb.reset(7)
    now = (await sb.clock.manual()).now
    token = String((await call('POST', '/pos/cashbox/token', {}, { regNum: REG })).json?.token)
    const codes = new Set<string>()
    for (let i = 0; i < 30; i++) codes.add(String((await call('POST', '/pos/payments', body(1700, { staticQr: true }))).json?.confirmationCode))
    expect(codes.size).toBe(30)
  })

  it('GET static-qr gives the sticker content', async () => {
    expect(await sb.control('oplati', 'static-qr')).toEqual({ regNum: REG, content: `o-plati://o-webpay/static/${REG}` })
    await expect(sb.control('oplati', 'static-qr?regNum=nope')).rejects.toThrow(/404/)
  })
})

describe('mode 2: the dynamic QR session (E5, E6)', () => {
  async function demand(): Promise<{ sessionId: string; dynamicQR: string }> {
    const r = await call('POST', '/pos/demandPayment', { paymentMode: 3 })
    expect(r.status).toBe(200)
    return r.json as { sessionId: string; dynamicQR: string }
  }

  it('E5 accepts only paymentMode 3 and answers a session with o-plati://o-webpay/dyn/<28 base64>', async () => {
    const s = await demand()
    expect(s.dynamicQR).toMatch(/^o-plati:\/\/o-webpay\/dyn\/[A-Za-z0-9+/]{27}=$/)
    expect(s.sessionId.length).toBeGreaterThan(8)
    for (const b of [{ paymentMode: 1 }, {}, { paymentMode: '3' }]) expectError(await call('POST', '/pos/demandPayment', b), 400, 'VALIDATION')
  })

  it('E6 is false until the customer scans; E4 before that is 409 CONSUMER_NOT_READY; after, it pays once', async () => {
    const s = await demand()
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).json).toEqual({ isConsumerReady: false })
    expectError(await call('POST', '/pos/payments', body(1700, { sessionId: s.sessionId })), 409, 'CONSUMER_NOT_READY')
    await act({ sessionId: s.sessionId, action: 'scan' })
    await advance(3_000)
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).json).toEqual({ isConsumerReady: true })
    const r = await call('POST', '/pos/payments', body(1700, { sessionId: s.sessionId }))
    expect(r.json).toMatchObject({ status: 0 })
    await act({ paymentId: idOf(r), action: 'confirm' })
    expect((await status(idOf(r))).json?.status).toBe(1)
    expectError(await call('POST', '/pos/payments', body(1700, { sessionId: s.sessionId })), 404, 'SESSION_NOT_FOUND')
    expect((await state()).sessions[0]).toMatchObject({ ready: true, usedBy: idOf(r) })
  })

  it('the customer can scan by the QR content', async () => {
    const s = await demand()
    await act({ dynamicQR: s.dynamicQR, action: 'scan' })
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).json).toEqual({ isConsumerReady: true })
  })

  it('an unknown or expired session is 404 SESSION_NOT_FOUND on E6 and E4; E6 needs a sessionId', async () => {
    const s = await demand()
    await act({ sessionId: s.sessionId, action: 'scan' })
    expectError(await call('GET', '/pos/consumerStatus?sessionId=nope'), 404, 'SESSION_NOT_FOUND')
    expectError(await call('GET', '/pos/consumerStatus'), 400, 'VALIDATION')
    await advance(59_999)
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).status).toBe(200)
    await advance(1)
    expectError(await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`), 404, 'SESSION_NOT_FOUND')
    expectError(await call('POST', '/pos/payments', body(1700, { sessionId: s.sessionId })), 404, 'SESSION_NOT_FOUND')
    await expect(act({ sessionId: s.sessionId, action: 'scan' })).rejects.toThrow(/404/)
  })
})

describe('poll floors (§ 3.5)', () => {
  it('E3 sooner than 5 s after the previous E3 of the same id answers 429 TOO_FREQUENT, marked tooEarly', async () => {
    const a = idOf(await pay())
    const b = idOf(await pay())
    expect((await status(a)).status).toBe(200)
    expect((await status(b)).status).toBe(200) // another id has its own floor
    await advance(4_999)
    expectError(await status(a), 429, 'TOO_FREQUENT')
    await advance(5_000)
    expect((await status(a)).status).toBe(200)
    await advance(5_000)
    expect((await status(a)).status).toBe(200)
    const polls = (await sb.calls('oplati')).filter((c) => c.route === 'paymentStatus')
    expect(polls.map((c) => [c.status, c.tooEarly])).toEqual([
      [200, false],
      [200, false],
      [429, true],
      [200, false],
      [200, false],
    ])
  })

  it('with enforcePollFloor false a too-early poll is answered but still marked', async () => {
    await config({ enforcePollFloor: false })
    const id = idOf(await pay())
    await status(id)
    await advance(3_000)
    expect((await status(id)).status).toBe(200)
    expect((await sb.calls('oplati')).filter((c) => c.route === 'paymentStatus').map((c) => c.tooEarly)).toEqual([false, true])
  })

  it('E6 polls of one session are at least 3 s apart', async () => {
    const s = (await call('POST', '/pos/demandPayment', { paymentMode: 3 })).json as { sessionId: string }
    const e6 = (): Promise<Reply> => call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)
    expect((await e6()).status).toBe(200)
    await advance(2_999)
    expectError(await e6(), 429, 'TOO_FREQUENT')
    await advance(3_000)
    expect((await e6()).status).toBe(200)
    expect((await sb.calls('oplati')).filter((c) => c.route === 'consumerStatus').map((c) => c.tooEarly)).toEqual([false, true, false])
  })

  it('a client polling at the floor never gets tooEarly, and the payment ends TIMEOUT', async () => {
    const id = idOf(await pay())
    const seen: unknown[] = []
    for (let t = 5_000; t <= 60_000; t += 5_000) {
      await advance(5_000)
      seen.push((await status(id)).json?.status)
    }
    expect(seen.slice(0, -1).every((s) => s === 0)).toBe(true)
    expect(seen.at(-1)).toBe(4)
    expect((await sb.calls('oplati')).some((c) => c.tooEarly)).toBe(false)
  })
})

describe('cashbox cancel (C5)', () => {
  it('cancels an in-progress payment to 5, idempotently; a paid sale is 409 INVALID_STATE; 2–4 stay unchanged', async () => {
    const a = idOf(await pay())
    const r = await cancel(a)
    expect(r.json).toMatchObject({ status: 5, paymentId: Number(a) })
    expect((await cancel(a)).json).toMatchObject({ status: 5 })
    expect((await status(a)).json?.status).toBe(5)
    await expect(act({ paymentId: a, action: 'confirm' })).rejects.toThrow(/409/)

    const paid = await paidSale()
    expectError(await cancel(paid), 409, 'INVALID_STATE')
    const declined = idOf(await pay())
    await act({ paymentId: declined, action: 'decline' })
    expect((await cancel(declined)).json).toMatchObject({ status: 2 })
    expectError(await cancel('123'), 404, 'PAYMENT_NOT_FOUND')
    expectError(await cancel(a, '[1]'), 400, 'VALIDATION')
  })

  it('cancels a refund of the same shift to 5, which makes its sum refundable again (cancel refund)', async () => {
    const sale = await paidSale(1700)
    const refund = idOf(await reverse(sale, 1700))
    expectError(await reverse(sale, 1), 400, 'REVERSAL_EXCEEDS')
    expect((await cancel(refund)).json).toMatchObject({ status: 5, paymentType: 3 })
    expect((await state()).payments.find((p) => p.paymentId === sale)?.refunded).toBe(0)
    expect((await reverse(sale, 1700)).json).toMatchObject({ status: 1 })
  })

  it('refuses to cancel a refund from another shift with 409 INVALID_STATE', async () => {
    const sale = await paidSale(1700, { shift: '1' })
    const refund = idOf(await reverse(sale, 500, { shift: '1' }))
    await pay(1700, { shift: '2' }) // the cashbox is now in shift 2
    expect((await state()).cashboxes[0]?.currentShift).toBe('2')
    expectError(await cancel(refund), 409, 'INVALID_STATE')
    expect((await cancel(refund, { shift: '1' })).json).toMatchObject({ status: 5 })
  })

  it('confirmFirst: the customer confirms as the cancel arrives; C5 answers status 1 (the race)', async () => {
    const id = idOf(await pay())
    await fault({ route: 'cancel', fault: 'confirmFirst' })
    expect((await cancel(id)).json).toMatchObject({ status: 1 })
    expect((await state()).payments[0]?.state).toBe('OK')
    expectError(await cancel(id), 409, 'INVALID_STATE')
  })
})

describe('reversals (E7)', () => {
  it('allows partial refunds up to the sale and refuses a cent more with 400 REVERSAL_EXCEEDS', async () => {
    const sale = await paidSale(1700)
    const a = await reverse(sale, 500)
    expect(a.json).toMatchObject({ paymentType: 3, status: 1, sum: 5 })
    expect(typeof a.json?.pursePublicId).toBe('string')
    expect((await reverse(sale, 1200)).json).toMatchObject({ paymentType: 3, status: 1, sum: 12 })
    expectError(await reverse(sale, 1), 400, 'REVERSAL_EXCEEDS', 'Сумма возвратов не может превышать сумму операции продажи')
    const s = await state()
    expect(s.payments.find((p) => p.paymentId === sale)).toMatchObject({ refunded: 1700, status: 1 })
    expect(s.counters).toMatchObject({ sales: 1, reversals: 2 })
    expect(s.payments.filter((p) => p.originalPaymentId === sale).map((p) => p.amount)).toEqual([500, 1200])
  })

  it('never lets the refund total exceed the sale, over a random sequence (seeded)', async () => {
    let seed = 12345
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const sale = await paidSale(10_000)
    let accepted = 0
    for (let i = 0; i < 25; i++) {
      const k = 1 + rnd(2_500)
      const r = await reverse(sale, k)
      if (accepted + k <= 10_000) {
        expect(r.status, `refund ${k} after ${accepted}`).toBe(200)
        accepted += k
      } else {
        expectError(r, 400, 'REVERSAL_EXCEEDS')
      }
      if (i % 5 === 4 && r.status === 200) {
        await cancel(idOf(r))
        accepted -= k
      }
    }
    const s = await state()
    const live = s.payments.filter((p) => p.originalPaymentId === sale && p.status === 1).reduce((t, p) => t + p.amount, 0)
    expect(live).toBe(accepted)
    expect(live).toBeLessThanOrEqual(10_000)
    expect(s.payments.find((p) => p.paymentId === sale)?.refunded).toBe(accepted)
  })

  it('replays a repeated orderNumber on the same sale: same reversal, total unchanged', async () => {
    const sale = await paidSale(1700)
    const first = await reverse(sale, 700, { orderNumber: 'ref-1' })
    const again = await reverse(sale, 700, { orderNumber: 'ref-1' })
    expect(again.text).toBe(first.text)
    expect((await state()).payments.find((p) => p.paymentId === sale)?.refunded).toBe(700)
    expect((await state()).counters.reversals).toBe(1)
    const other = await paidSale(1700)
    expectError(await reverse(other, 100, { orderNumber: 'ref-1' }), 409, 'DUPLICATE_ORDER')
  })

  it('refuses an unpaid sale, a reversal, an unknown id, an invalid body', async () => {
    const open = idOf(await pay())
    expectError(await reverse(open, 100), 409, 'INVALID_STATE')
    const sale = await paidSale()
    const refund = idOf(await reverse(sale, 100))
    expectError(await reverse(refund, 50), 409, 'INVALID_STATE')
    expectError(await reverse('999', 100), 404, 'PAYMENT_NOT_FOUND')
    const b = body(100)
    b.details = { items: [], amountTotal: 1 }
    expectError(await call('POST', `/pos/payments/${sale}/reversals`, b), 400, 'VALIDATION')
  })

  it('allows reversals for reversalWindowDays after payment, then 409 REVERSAL_PERIOD_EXPIRED', async () => {
    const a = await paidSale()
    const b = await paidSale()
    await advance(30 * DAY)
    expect((await reverse(a, 100)).status).toBe(200)
    await advance(1)
    expectError(await reverse(b, 100), 409, 'REVERSAL_PERIOD_EXPIRED')
  })
})

describe('reconciliation (E8)', () => {
  it('lists every payment of the shift (sales and reversals, all statuses) with totals that add up', async () => {
    const s1 = await paidSale(1000, { shift: 'A' })
    await paidSale(2000, { shift: 'A' })
    await paidSale(3000, { shift: 'A' })
    await reverse(s1, 400, { shift: 'A' })
    const open = idOf(await pay(500, { shift: 'A' }))
    await paidSale(9900, { shift: 'B' })
    const r = await call('GET', '/pos/paymentReports?shift=A')
    expect(r.status).toBe(200)
    const list = JSON.parse(r.text) as Array<{ paymentId: number; paymentType: number; status: number; sum: number }>
    expect(list).toHaveLength(5)
    const total = (type: number): number => list.filter((p) => p.paymentType === type && p.status === 1).reduce((t, p) => t + Math.round(p.sum * 100), 0)
    expect(total(1)).toBe(6000)
    expect(total(3)).toBe(400)
    expect(list.find((p) => String(p.paymentId) === open)?.status).toBe(0)
    expect(JSON.parse((await call('GET', '/pos/paymentReports?shift=C')).text)).toEqual([])
  })

  it('limits by shiftStart and shiftEnd in Europe/Minsk dates', async () => {
    await sb.clock.manual(Date.parse('2025-04-14T20:30:00Z')) // 23:30 on the 14th in Minsk
    const a = idOf(await pay(100, { shift: 'S' }))
    await sb.clock.advance(3_600_000) // 00:30 on the 15th in Minsk, still the 14th in UTC
    const b = idOf(await pay(100, { shift: 'S' }))
    const ids = async (q: string): Promise<string[]> =>
      [...(await call('GET', `/pos/paymentReports?shift=S${q}`)).text.matchAll(/"paymentId":(\d+)/g)].map((m) => m[1] ?? '')
    expect(await ids('')).toEqual([a, b])
    expect(await ids('&shiftStart=2025-04-15&shiftEnd=2025-04-15')).toEqual([b])
    expect(await ids('&shiftEnd=2025-04-14')).toEqual([a])
    expect(await ids('&shiftStart=2025-04-16')).toEqual([])
    expect((await status(b)).json?.createdDate).toBe('2025-04-15T00:30:00+03:00')
  })

  it('needs a shift and valid dates', async () => {
    expectError(await call('GET', '/pos/paymentReports'), 400, 'VALIDATION')
    expectError(await call('GET', '/pos/paymentReports?shift=1&shiftStart=2025-02-30'), 400, 'VALIDATION')
    expectError(await call('GET', '/pos/paymentReports?shift=1&shiftEnd=15.04.2025'), 400, 'VALIDATION')
  })
})

describe('loyalty cards (C6)', () => {
  it('mode 0 answers status 1 with a 13-digit card at once, and spends the code', async () => {
    const code = await qr()
    const r = await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-1', consumerQr: code })
    expect(r.json).toMatchObject({ status: 1 })
    expect(String(r.json?.cardNumber)).toMatch(/^\d{13}$/)
    expectError(await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-2', consumerQr: code }), 409, 'QR_USED')
  })

  it('mode 1 shows a code; the customer types it; the status poll then has the card', async () => {
    const r = await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-1', staticQr: true })
    expect(r.json).toMatchObject({ status: 0 })
    expect(r.json?.cardNumber).toBeUndefined()
    const code = String(r.json?.confirmationCode)
    expect(code).toMatch(/^\d{4}$/)
    const id = String(r.json?.requestId)
    expect((await call('GET', `/pos/loyaltyCards/${id}`)).json).toMatchObject({ requestId: id, status: 0, confirmationCode: code })
    await act({ code, action: 'confirm' })
    await advance(5_000)
    const st = await call('GET', `/pos/loyaltyCards/${id}`)
    expect(st.json).toMatchObject({ requestId: id, status: 1 })
    expect(String(st.json?.cardNumber)).toMatch(/^\d{13}$/)
  })

  it('mode 2 needs a ready session; the customer may decline; unanswered requests end TIMEOUT', async () => {
    const s = (await call('POST', '/pos/demandPayment', { paymentMode: 3 })).json as { sessionId: string }
    expectError(await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-1', sessionId: s.sessionId }), 409, 'CONSUMER_NOT_READY')
    await act({ sessionId: s.sessionId, action: 'scan' })
    const r = await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-1', sessionId: s.sessionId })
    expect(r.json).toMatchObject({ status: 0 })
    await act({ requestId: String(r.json?.requestId), action: 'decline' })
    expect((await call('GET', `/pos/loyaltyCards/${String(r.json?.requestId)}`)).json).toMatchObject({ status: 2 })
    await expect(act({ requestId: String(r.json?.requestId), action: 'insufficient' })).rejects.toThrow(/400/)

    const t = await call('POST', '/pos/loyaltyCards', { orderNumber: 'l-2', staticQr: true })
    await advance(60_000)
    expect((await call('GET', `/pos/loyaltyCards/${String(t.json?.requestId)}`)).json).toMatchObject({ status: 4 })
  })

  it('validates the body, answers 404 LOYALTY_NOT_FOUND, and applies the 5 s poll floor', async () => {
    expectError(await call('POST', '/pos/loyaltyCards', { staticQr: true }), 400, 'VALIDATION')
    expectError(await call('POST', '/pos/loyaltyCards', { orderNumber: 'x', staticQr: true, consumerQr: await qr() }), 400, 'VALIDATION')
    expectError(await call('GET', '/pos/loyaltyCards/123'), 404, 'LOYALTY_NOT_FOUND')
    const id = String((await call('POST', '/pos/loyaltyCards', { orderNumber: 'l', staticQr: true })).json?.requestId)
    expect((await call('GET', `/pos/loyaltyCards/${id}`)).status).toBe(200)
    await advance(4_999)
    expectError(await call('GET', `/pos/loyaltyCards/${id}`), 429, 'TOO_FREQUENT')
  })
})

describe('the customer (§ 3.6)', () => {
  it('refuses bad acts: unknown action 400, nothing named 400, unknown payment 404', async () => {
    await expect(act({ paymentId: '1', action: 'dance' })).rejects.toThrow(/400/)
    await expect(act({ action: 'confirm' })).rejects.toThrow(/400/)
    await expect(act({ paymentId: '1', action: 'confirm' })).rejects.toThrow(/404/)
    await expect(act({ requestId: '1', action: 'confirm' })).rejects.toThrow(/404/)
    await expect(sb.control('oplati', 'customer/act', '[]')).rejects.toThrow(/400/)
  })

  it('showQr mints a customer QR like wallet/token', async () => {
    const t = (await act({ action: 'showQr', ttlMs: 5_000 })) as { token: string; ttlMs: number }
    expect(t.token).toMatch(/^o-plati:\/\/cpm\//)
    expect(t.ttlMs).toBe(5_000)
    expect((await call('POST', '/pos/payments', body(1700, { consumerQr: t.token }))).status).toBe(200)
  })

  it('autoCustomer scans sessions and confirms payments after autoCustomerDelayMs', async () => {
    await config({ autoCustomer: true })
    const s = (await call('POST', '/pos/demandPayment', { paymentMode: 3 })).json as { sessionId: string }
    const m0 = idOf(await pay())
    const m1 = idOf(await call('POST', '/pos/payments', body(1700, { staticQr: true })))
    await advance(3_999)
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).json).toEqual({ isConsumerReady: false })
    expect((await status(m0)).json?.status).toBe(0)
    await advance(1)
    expect((await status(m1)).json?.status).toBe(1)
    await advance(5_000)
    expect((await call('GET', `/pos/consumerStatus?sessionId=${s.sessionId}`)).json).toEqual({ isConsumerReady: true })
    expect((await status(m0)).json?.status).toBe(1)
  })

  it('customer/pending lists what waits (sessions to scan, payments to confirm) and offers code entry', async () => {
    const s = (await call('POST', '/pos/demandPayment', { paymentMode: 3 })).json as { sessionId: string }
    const m0 = idOf(await pay())
    await call('POST', '/pos/payments', body(1700, { staticQr: true }))
    const p = (await sb.control('oplati', 'customer/pending')) as {
      items: Array<{ id: string; actions: Array<{ body: Record<string, unknown> }> }>
      codeEntry: unknown
    }
    expect(p.items.map((i) => i.id)).toEqual([s.sessionId, m0])
    expect(p.codeEntry).toBeTruthy()
    const confirm = p.items[1]?.actions[0]?.body
    await act(confirm ?? {})
    expect((await status(m0)).json?.status).toBe(1)
    await expect(sb.control('clickpass', 'customer/pending')).rejects.toThrow(/404/)
  })
})

describe('faults (docs/protocols/README.md S3, § 3.7)', () => {
  it('decline answers a final status (default 2, or code 3/4) without storing anything', async () => {
    await fault({ route: 'payments', fault: 'decline' })
    await fault({ route: 'payments', fault: 'decline', code: 3 })
    expect((await pay()).json).toMatchObject({ status: 2, paymentType: 1 })
    expect((await pay()).json).toMatchObject({ status: 3 })
    expect((await state()).payments).toEqual([])
    const sale = await paidSale()
    await fault({ route: 'reversals', fault: 'decline' })
    expect((await reverse(sale, 100)).json).toMatchObject({ status: 2, paymentType: 3 })
    expect((await state()).payments.find((p) => p.paymentId === sale)?.refunded).toBe(0)
    await fault({ route: 'cancel', fault: 'decline' })
    expectError(await cancel(idOf(await pay())), 409, 'INVALID_STATE')
  })

  it('error answers the envelope with the given status, internalCode and lang_ru', async () => {
    await fault({ route: 'payments', fault: 'error', code: 400, internalCode: 'VALIDATION', note: 'Сумма указана неверно' })
    expectError(await pay(), 400, 'VALIDATION', 'Сумма указана неверно')
    await fault({ route: 'reports', fault: 'error', code: 503 })
    expectError(await call('GET', '/pos/paymentReports?shift=1'), 503, 'ERROR')
  })

  it('http 500 does not apply; lostReply applies and drops the socket; malformed applies and cuts the body', async () => {
    await fault({ route: 'payments', fault: 'http', status: 500 })
    const h = await pay(1700, { orderNumber: 'h' })
    expect(h).toMatchObject({ status: 500, text: '500 Internal Server Error' })
    expect((await state()).payments).toEqual([])
    await fault({ route: 'payments', fault: 'lostReply' })
    await expect(pay(1700, { orderNumber: 'lost' })).rejects.toThrow()
    expect((await state()).payments.map((p) => [p.orderNumber, p.status])).toEqual([['lost', 0]])
    const found = JSON.parse((await call('GET', '/pos/paymentReports?shift=1')).text) as Array<{ orderNumber: string }>
    expect(found.map((p) => p.orderNumber)).toEqual(['lost'])
    expectError(await pay(1700, { orderNumber: 'lost' }), 409, 'DUPLICATE_ORDER')
    await fault({ route: 'payments', fault: 'malformed' })
    const m = await pay(1700, { orderNumber: 'm' })
    expect(m.status).toBe(200)
    expect(m.json).toBeUndefined()
    expect(m.text.startsWith('{"paymentId":')).toBe(true)
    expect((await state()).payments).toHaveLength(2)
    const calls = await sb.calls('oplati')
    expect(calls.filter((c) => c.route === 'payments').map((c) => [c.fault, c.status])).toEqual([
      ['http', 500],
      ['lostReply', null],
      [null, 409],
      ['malformed', 200],
    ])
  })

  it('noReply never applies, but the customer code is spent', async () => {
    await fault({ route: 'payments', fault: 'noReply' })
    const code = await qr()
    await expect(call('POST', '/pos/payments', body(1700, { consumerQr: code }), undefined, AbortSignal.timeout(100))).rejects.toThrow()
    expect((await state()).payments).toEqual([])
    expectError(await call('POST', '/pos/payments', body(1700, { consumerQr: code })), 409, 'QR_USED')
  })

  it('offline resets every route until cleared (unreachable)', async () => {
    await fault({ route: '*', fault: 'offline', times: 0 })
    await expect(call('GET', '/pos/paymentReports?shift=1')).rejects.toThrow()
    await expect(call('POST', '/pos/cashbox/token', {}, { regNum: REG })).rejects.toThrow()
    await sb.control('oplati', 'faults', undefined, 'DELETE')
    expect((await call('GET', '/pos/paymentReports?shift=1')).status).toBe(200)
  })

  it('a rule is not used up by a request an earlier check refused, and match selects by body field', async () => {
    await fault({ route: 'payments', fault: 'http', status: 502, match: { sum: 20 } })
    expectError(await pay(1700, { sum: 0 }), 400, 'VALIDATION')
    expect((await pay(1700)).status).toBe(200)
    expect((await pay(2000)).status).toBe(502)
    expect(await sb.control('oplati', 'faults')).toEqual([])
  })

  it('pending: polls N see status 0, then `then`; forMs runs on the sandbox clock', async () => {
    await fault({ route: 'payments', fault: 'pending', polls: 2, then: 'approve' })
    await fault({ route: 'payments', fault: 'pending', forMs: 20_000, then: 'decline' })
    const a = idOf(await pay())
    const b = idOf(await pay())
    const seen = []
    for (let i = 0; i < 4; i++) {
      seen.push((await status(a)).json?.status)
      await advance(5_000)
    }
    expect(seen).toEqual([0, 0, 1, 1])
    expect((await status(b)).json?.status).toBe(2)
  })

  it('customer: scripts the next payment’s customer (insufficient after afterMs; ignore → TIMEOUT)', async () => {
    await fault({ route: 'payments', fault: 'customer', action: 'insufficient', afterMs: 1_000 })
    await fault({ route: 'payments', fault: 'customer', action: 'ignore' })
    const a = idOf(await pay())
    const b = idOf(await pay())
    await advance(999)
    expect((await status(a)).json?.status).toBe(0)
    await advance(5_001)
    expect((await status(a)).json?.status).toBe(3)
    await advance(54_000)
    expect((await status(b)).json?.status).toBe(4)
  })
})

describe('magic amounts (docs/protocols/README.md S4, § 3.6–3.7)', () => {
  it('are ignored when magic is off (the test default)', async () => {
    const id = idOf(await pay(1791))
    await advance(60_000 - 1)
    expect((await status(id)).json?.status).toBe(0)
    expect((await state()).payments[0]?.magic).toBeNull()
  })

  it('91 declines after autoCustomerDelayMs, 92 confirms after 20 s, 93 times out, 99 refuses C5 and E7', async () => {
    await config({ magic: true })
    const p91 = idOf(await pay(1791))
    const p92 = idOf(await pay(1792))
    const p93 = idOf(await pay(1793))
    const p99 = idOf(await pay(1799))
    const p10 = idOf(await pay(1710))
    expectError(await cancel(p99), 409, 'INVALID_STATE')
    await advance(4_000)
    expect((await status(p91)).json?.status).toBe(2)
    expect((await status(p10)).json?.status).toBe(0) // 00–90 need autoCustomer
    await advance(16_000)
    expect((await status(p92)).json?.status).toBe(1)
    await act({ paymentId: p99, action: 'confirm' })
    expectError(await reverse(p99, 100), 409, 'INVALID_STATE')
    await advance(40_000)
    expect((await status(p93)).json?.status).toBe(4)
    expect((await sb.calls('oplati')).filter((c) => c.route === 'payments').map((c) => c.magic)).toEqual([91, 92, 93, 99, null])
  })

  it('95 loses the reply of an applied payment; 96 answers 500 unapplied; 96 on a reversal too', async () => {
    await config({ magic: true })
    await expect(pay(1795)).rejects.toThrow()
    expect((await pay(1796)).status).toBe(500)
    expect((await state()).payments.map((p) => p.amount)).toEqual([1795])
    await config({ magic: false })
    const sale = await paidSale(5000)
    await config({ magic: true })
    expect((await reverse(sale, 196)).status).toBe(500)
    expect((await state()).payments.find((p) => p.paymentId === sale)?.refunded).toBe(0)
    expect((await reverse(sale, 191)).json).toMatchObject({ status: 1 }) // 91 is not a reversal magic
  })

  it('a customer QR’s behaviour applies even with magic off', async () => {
    const code = await qr({ behaviour: 'decline' })
    const id = idOf(await call('POST', '/pos/payments', body(1700, { consumerQr: code })))
    await advance(4_000)
    expect((await status(id)).json?.status).toBe(2)
    await expect(sb.mintToken('oplati', { behaviour: 'explode' })).rejects.toThrow(/400/)
  })
})

describe('ids above 2^53 (§ 3.7, docs/rules.md scenario 8)', () => {
  it('writes the exact id, and E3, C5, E7 and E8 take it back unchanged', async () => {
    await config({ idsAbove2p53: true })
    const r = await pay()
    expect(r.text).toContain('"paymentId":9007199254740993,')
    const id = idOf(r)
    expect((await state()).payments[0]?.paymentId).toBe(id)
    expect((await status(id)).text).toContain(`"paymentId":${id},`)
    expectError(await status('9007199254740992'), 404, 'PAYMENT_NOT_FOUND')
    expect((await cancel(id)).text).toContain(`"paymentId":${id},"paymentType":1,"sum":17,"status":5`)
    const sale = await paidSale()
    expect(BigInt(sale) > BigInt(id)).toBe(true)
    const rev = await reverse(sale, 100)
    expect(rev.status).toBe(200)
    expect(rev.text).toMatch(/"paymentId":\d{16},"paymentType":3/)
    expect((await call('GET', '/pos/paymentReports?shift=1')).text).toContain(`"paymentId":${sale},`)
  })
})

describe('control API (docs/protocols/README.md S2, § 3.1)', () => {
  it('config starts at the § 3.1 test defaults', async () => {
    expect(await sb.control('oplati', 'config')).toEqual({
      cashboxes: [{ regNum: REG, password: PASSWORD, authMode: 'token' }],
      consumerTimeoutMs: 60_000,
      sessionTtlMs: 60_000,
      consumerQrTtlMs: 60_000,
      pollFloorMs: 5_000,
      consumerPollFloorMs: 3_000,
      enforcePollFloor: true,
      reversalWindowDays: 30,
      autoCustomer: false,
      autoCustomerDelayMs: 4_000,
      magic: false,
      idsAbove2p53: false,
      acceptAnyToken: false,
      adoptTokens: false,
    })
  })

  it('PUT config merges; an unknown key or a bad type is 400 and changes nothing', async () => {
    const before = await sb.control('oplati', 'config')
    for (const patch of [
      { magic: true, bogus: 1 },
      { magic: true, pollFloorMs: -1 },
      { magic: 'yes' },
      { consumerTimeoutMs: 1.5 },
      { cashboxes: [{ regNum: '' }] },
      { cashboxes: [{ regNum: 'A', authMode: 'pin' }] },
      { cashboxes: [{ regNum: 'A', extra: 1 }] },
      { cashboxes: [{ regNum: 'A' }, { regNum: 'A' }] },
      { cashboxes: {} },
    ]) {
      await expect(sb.control('oplati', 'config', patch, 'PUT'), JSON.stringify(patch)).rejects.toThrow(/400/)
    }
    await expect(sb.control('oplati', 'config', '[1]', 'PUT')).rejects.toThrow(/400/)
    expect(await sb.control('oplati', 'config')).toEqual(before)
    await config({ pollFloorMs: 1_000, cashboxes: [{ regNum: 'OPL000000007' }] })
    expect(await sb.control('oplati', 'config')).toMatchObject({ pollFloorMs: 1_000, cashboxes: [{ regNum: 'OPL000000007', password: '', authMode: 'token' }] })
  })

  it('state lists every entity; reset forgets them all and the settings', async () => {
    await pay()
    await call('POST', '/pos/demandPayment', { paymentMode: 3 })
    await call('POST', '/pos/loyaltyCards', { orderNumber: 'l', staticQr: true })
    await config({ magic: true })
    const s = await state()
    expect(s.counters).toEqual({ sales: 1, reversals: 0, sessions: 1, loyalty: 1 })
    expect(s.tokens).toHaveLength(1)
    await sb.reset()
    const empty = await state()
    expect(empty).toMatchObject({ payments: [], sessions: [], loyalty: [], tokens: [] })
    expect(empty.cashboxes[0]?.tokenState).toBe('none')
    expect(await sb.control('oplati', 'config')).toMatchObject({ magic: false })
    expect(await sb.calls('oplati')).toEqual([])
  })

  it('unknown control paths are 404', async () => {
    await expect(sb.control('oplati', 'nosuch')).rejects.toThrow(/404/)
    await expect(sb.control('oplati', 'config', {}, 'POST')).rejects.toThrow(/404/)
  })

  it('the phone page offers O!plati with its outcomes, and they are valid fault rules', async () => {
    const html = await (await fetch(`${sb.url}/sandbox/phone`)).text()
    expect(html).toContain('O!plati (Belarus, BYN)')
    expect(html).toContain('customer/pending')
    const json = /<script id="providers" type="application\/json">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]'
    const providers = JSON.parse(json) as Array<{ id: string; outcomes: Array<{ id: string; rule: Record<string, unknown> | null }> }>
    const o = providers.find((p) => p.id === 'oplati')
    expect(o?.outcomes.map((x) => x.id)).toEqual(expect.arrayContaining(['approve', 'decline', 'insufficient', 'timeout', 'offline', 'tokenInvalid']))
    for (const outcome of o?.outcomes ?? []) if (outcome.rule) await fault(outcome.rule)
    expect(await sb.control('oplati', 'faults')).toHaveLength((o?.outcomes.length ?? 1) - 1)
  })
})

describe('demo mode', () => {
  it('a person pays with no setup: token, customer QR, the auto-customer confirms; magic is on', async () => {
    const demo = await startSandboxServer({ port: 0, demo: true })
    try {
      const ctl = async (path: string, b?: unknown, method?: string): Promise<Record<string, unknown>> => {
        const res = await fetch(`${demo.url}/sandbox${path}`, {
          method: method ?? (b === undefined ? 'GET' : 'POST'),
          headers: { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' },
          ...(b === undefined ? {} : { body: JSON.stringify(b) }),
        })
        return (await res.json()) as Record<string, unknown>
      }
      expect(await ctl('/oplati/_control/config')).toMatchObject({ magic: true, autoCustomer: true, acceptAnyToken: true, adoptTokens: true })
      await ctl('/_control/clock', { mode: 'manual' })
      const api = async (m: string, p: string, b?: unknown, h: Record<string, string> = {}): Promise<Record<string, unknown>> => {
        const res = await fetch(`${demo.url}${API}${p}`, {
          method: m,
          headers: { 'Content-Type': 'application/json', regNum: REG, ...h },
          ...(b === undefined ? {} : { body: JSON.stringify(b) }),
        })
        return (await res.json()) as Record<string, unknown>
      }
      const t = String((await api('POST', '/pos/cashbox/token', {})).token)
      const code = String((await ctl('/oplati/_control/wallet/token', {})).token)
      const p = await api('POST', '/pos/payments', body(1700, { consumerQr: code }), { token: t })
      expect(p).toMatchObject({ status: 0 })
      await ctl('/_control/clock', { advanceMs: 4_000 })
      expect(await api('GET', `/pos/payments/${String(p.paymentId)}`, undefined, { token: t })).toMatchObject({ status: 1 })
    } finally {
      await demo.close()
    }
  })
})
