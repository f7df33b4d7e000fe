// The ClickPass emulator (docs/protocols/clickpass.md § 3) over real HTTP: the check order, the error
// codes, the payment states on the manual clock, reversals and the month rule, faults'
// wire effects, magic amounts and ids above 2^53.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { clickAuth, startTestSandbox, type TestSandbox } from '../support/sandbox.ts'

const SERVICE = 85335
const PAY = '/v2/merchant/click_pass/payment'
const CONFIRM = '/v2/merchant/click_pass/confirm'
const MODE = `/v2/merchant/click_pass/confirmation/${SERVICE}`
const status = (id: string | number) => `/v2/merchant/payment/status/${SERVICE}/${id}`
const reversal = (id: string | number) => `/v2/merchant/payment/reversal/${SERVICE}/${id}`
const byMti = (mti: string, date?: string) => `/v2/merchant/payment/status_by_mti/${SERVICE}/${mti}${date ? `/${date}` : ''}`

interface Reply {
  status: number
  text: string
  json: Record<string, unknown> | undefined
}

interface PaymentView {
  payment_id: string
  amount: number
  state: string
  payment_status: number
  transaction_id: string | null
  createdAt: string
}

let sb: TestSandbox
/** The sandbox's manual time, kept in step by `advance`. */
let now = 0

beforeAll(async () => {
  sb = await startTestSandbox()
})
afterAll(async () => {
  await sb.close()
})
beforeEach(async () => {
  await sb.reset()
  now = (await sb.clock.manual()).now
})

async function advance(ms: number): Promise<void> {
  now = (await sb.clock.advance(ms)).now
}

async function call(method: string, path: string, body?: unknown, opts: { auth?: string | null; signal?: AbortSignal } = {}): Promise<Reply> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' }
  const auth = opts.auth === undefined ? clickAuth(now) : opts.auth
  if (auth !== null) headers.Auth = auth
  const res = await fetch(`${sb.url}/sandbox/clickpass${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  const text = await res.text()
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return { status: res.status, text, json }
}

async function token(opts?: Record<string, unknown>): Promise<string> {
  return (await sb.mintToken('clickpass', opts)).token
}

/** Pay 1 000 so'm (or `fields.amount`) with a freshly minted code. */
async function pay(fields: Record<string, unknown> = {}, opts: { signal?: AbortSignal } = {}): Promise<Reply> {
  return call('POST', PAY, { service_id: SERVICE, otp_data: await token(), amount: 1000, ...fields }, opts)
}

async function payments(): Promise<PaymentView[]> {
  return ((await sb.state('clickpass')) as { payments: PaymentView[] }).payments
}

async function config(patch: Record<string, unknown>): Promise<void> {
  await sb.control('clickpass', 'config', patch, 'PUT')
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  await sb.control('clickpass', 'faults', rule)
}

function expectError(r: Reply, code: number, httpStatus: number, note: string): void {
  expect(r.status).toBe(httpStatus)
  expect(r.json).toEqual({ error_code: code, error_note: note })
}

const idOf = (r: Reply): string => /"payment_id":(\d+)/.exec(r.text)?.[1] ?? 'none'

describe('authentication (§ 2.1, § 3.2 check 1)', () => {
  it('accepts the test vector at its timestamp', async () => {
    await sb.clock.manual(1_519_051_543_000)
    const r = await call('PUT', MODE, undefined, { auth: '123:342712d77c0fe30bfe18e34b81dcb1833feb485e:1519051543' })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ error_code: 0, error_note: 'Режим подтверждения включен' })
  })

  it('answers 401 / -9001 to a bad digest, an unknown user, a missing or malformed header', async () => {
    for (const auth of [clickAuth(now, 123, 'wrong'), clickAuth(now, 124), null, 'garbage', clickAuth(now).toUpperCase()]) {
      expectError(await call('PUT', MODE, undefined, { auth }), -9001, 401, 'Ошибка авторизации')
    }
  })

  it('allows ±authSkewSec of clock skew and no more', async () => {
    expect((await call('PUT', MODE, undefined, { auth: clickAuth(now - 300_000) })).status).toBe(200)
    expect((await call('PUT', MODE, undefined, { auth: clickAuth(now + 300_000) })).status).toBe(200)
    expectError(await call('PUT', MODE, undefined, { auth: clickAuth(now - 301_000) }), -9001, 401, 'Ошибка авторизации')
    expectError(await call('PUT', MODE, undefined, { auth: clickAuth(now + 10 * 60_000) }), -9001, 401, 'Ошибка авторизации')
  })

  it('checks auth before anything else, and does not spend the code', async () => {
    const code = await token()
    expectError(await call('POST', PAY, { service_id: 1, otp_data: code, amount: 1 }, { auth: clickAuth(now, 123, 'x') }), -9001, 401, 'Ошибка авторизации')
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(0)
  })
})

describe('shape, service and limits (§ 3.2 checks 2–4.1)', () => {
  it('refuses a bad shape with 400 / -9002', async () => {
    const bad: unknown[] = [
      { service_id: SERVICE, otp_data: await token(), amount: 1000.001 },
      { service_id: SERVICE, otp_data: await token(), amount: -1000 },
      { service_id: SERVICE, otp_data: await token(), amount: 0 },
      { service_id: SERVICE, otp_data: await token(), amount: '1000' },
      { service_id: String(SERVICE), otp_data: await token(), amount: 1000 },
      { service_id: SERVICE, otp_data: 880123456789, amount: 1000 },
      { service_id: SERVICE, otp_data: await token(), amount: 1000, transaction_id: 5 },
      '{"service_id":85335,',
    ]
    for (const body of bad) expectError(await call('POST', PAY, body), -9002, 400, 'Неверные параметры запроса')
    expectError(await call('GET', status('12ab')), -9002, 400, 'Неверные параметры запроса')
    expectError(await call('GET', byMti('op-1', '2025-02-30')), -9002, 400, 'Неверные параметры запроса')
  })

  it('refuses another service with 400 / -9003', async () => {
    expectError(await pay({ service_id: 1 }), -9003, 400, 'Сервис не найден')
    expectError(await call('PUT', '/v2/merchant/click_pass/confirmation/1'), -9003, 400, 'Сервис не найден')
    expectError(await call('GET', '/v2/merchant/payment/status/1/5'), -9003, 400, 'Сервис не найден')
  })

  it('enforces minAmount and maxAmount in tiyin, without spending the code', async () => {
    const code = await token()
    expectError(await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 999.99 }), -9010, 400, 'Сумма платежа меньше минимально допустимой')
    expectError(await pay({ amount: 100_000_000.01 }), -9011, 400, 'Сумма платежа больше максимально допустимой')
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(0)
    expect((await pay({ amount: 100_000_000 })).json?.error_code).toBe(0)
  })

  it('converts so’m on the wire to tiyin exactly', async () => {
    await pay({ amount: 1500.5 })
    await pay({ amount: 1000.07 })
    await call('POST', PAY, `{"service_id":85335,"otp_data":"${await token()}","amount":1234.50}`)
    expect((await payments()).map((p) => p.amount)).toEqual([150050, 100007, 123450])
  })
})

describe('customer codes (§ 3.2 checks 4.2–4.4)', () => {
  it('refuses an unknown or malformed code with -9020 when acceptAnyToken is off', async () => {
    expectError(await pay({ otp_data: '880101698207133392' }), -9020, 400, 'Неверный QR-код')
    expectError(await pay({ otp_data: 'ABC123' }), -9020, 400, 'Неверный QR-код')
  })

  it('accepts any well-formed new code once when acceptAnyToken is on', async () => {
    await config({ acceptAnyToken: true })
    expect((await pay({ otp_data: '880101698207133392' })).json?.error_code).toBe(0)
    expectError(await pay({ otp_data: '880101698207133392' }), -9021, 400, 'QR-код уже использован')
    expectError(await pay({ otp_data: '12345' }), -9020, 400, 'Неверный QR-код')
  })

  it('refuses a reused code with -9021', async () => {
    const code = await token()
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(0)
    expectError(await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 }), -9021, 400, 'QR-код уже использован')
  })

  it('refuses an expired code with -9022 and spends it all the same', async () => {
    const code = await token()
    await advance(60_000)
    expectError(await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 }), -9022, 400, 'Срок действия QR-кода истек')
    expectError(await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 }), -9021, 400, 'QR-код уже использован')
  })

  it('keeps a code alive just under its lifetime, and honours a minted ttlMs', async () => {
    const code = await token()
    const short = await token({ ttlMs: 5_000 })
    await advance(59_999)
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(0)
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: short, amount: 1000 })).json?.error_code).toBe(-9022)
  })

  it('mints 18-digit codes starting 880 with their expiry on the sandbox clock', async () => {
    const t = await sb.mintToken('clickpass')
    expect(t.token).toMatch(/^880\d{15}$/)
    expect(Date.parse(t.expiresAt)).toBe(now + 60_000)
    await expect(sb.mintToken('clickpass', { behaviour: 'explode' })).rejects.toThrow(/400/)
  })
})

describe('payment states (§ 3.4)', () => {
  it('pays at once without confirm mode', async () => {
    const r = await pay({ transaction_id: 'op-1' })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ error_code: 0, error_note: 'Успешно', payment_status: 2, confirm_mode: 0, card_type: 'private' })
    expect(r.json?.card_number).toMatch(/^\d{6}\*{6}\d{4}$/)
    const [p] = await payments()
    expect(p).toMatchObject({
      payment_id: idOf(r),
      amount: 100000,
      state: 'PAID',
      payment_status: 2,
      transaction_id: 'op-1',
      createdAt: new Date(now).toISOString(),
    })
  })

  it('confirmOn and confirmOff switch the service and are idempotent', async () => {
    for (let i = 0; i < 2; i++) expect((await call('PUT', MODE)).json).toEqual({ error_code: 0, error_note: 'Режим подтверждения включен' })
    expect(await sb.state('clickpass')).toMatchObject({ confirmMode: true })
    for (let i = 0; i < 2; i++) expect((await call('DELETE', MODE)).json).toEqual({ error_code: 0, error_note: 'Режим подтверждения выключен' })
    expect(await sb.state('clickpass')).toMatchObject({ confirmMode: false })
  })

  it('auto-cancels an unconfirmed payment to -2 after 30 s of sandbox time', async () => {
    await call('PUT', MODE)
    const r = await pay()
    expect(r.json).toMatchObject({ error_code: 0, payment_status: 1, confirm_mode: 1 })
    const id = idOf(r)
    expect((await payments())[0]?.state).toBe('AWAITING_CONFIRM')
    await advance(29_999)
    expect((await call('GET', status(id))).json).toMatchObject({ error_code: 0, payment_status: 1 })
    await advance(1)
    expect((await call('GET', status(id))).json).toMatchObject({ error_code: 0, payment_status: -2 })
    expect((await payments())[0]?.state).toBe('AUTO_CANCELLED')
    expectError(await call('POST', CONFIRM, { service_id: SERVICE, payment_id: Number(id) }), -9042, 400, 'Платеж отменен: истекло время подтверждения')
  })

  it('a confirm within the window makes it PAID; a second confirm is refused', async () => {
    await call('PUT', MODE)
    const id = idOf(await pay())
    await advance(25_000)
    expect((await call('POST', CONFIRM, { service_id: SERVICE, payment_id: Number(id) })).json).toEqual({ error_code: 0, error_note: 'Платеж подтвержден' })
    expect((await call('GET', status(id))).json).toMatchObject({ payment_status: 2 })
    await advance(60_000)
    expect((await payments())[0]?.state).toBe('PAID')
    expectError(await call('POST', CONFIRM, { service_id: SERVICE, payment_id: Number(id) }), -9041, 400, 'Платеж не ожидает подтверждения')
  })

  it('refuses a confirm outside confirm mode (-9041) or of an unknown payment (404 / -9040)', async () => {
    const id = idOf(await pay())
    expectError(await call('POST', CONFIRM, { service_id: SERVICE, payment_id: Number(id) }), -9041, 400, 'Платеж не ожидает подтверждения')
    expectError(await call('POST', CONFIRM, { service_id: SERVICE, payment_id: 1 }), -9040, 404, 'Платеж не найден')
    expectError(await call('GET', status(1)), -9040, 404, 'Платеж не найден')
  })

  it('finds a payment by transaction_id with and without the Tashkent date', async () => {
    await sb.clock.manual(Date.parse('2025-03-10T20:30:00Z')) // 2025-03-11 01:30 in Tashkent
    now = (await sb.clock.now()).now
    const id = idOf(await pay({ transaction_id: 'op-7' }))
    for (const path of [byMti('op-7', '2025-03-11'), byMti('op-7')]) {
      const r = await call('GET', path)
      expect(r.json).toEqual({ error_code: 0, error_note: 'Успешно', payment_id: Number(id), payment_status: 2, merchant_trans_id: 'op-7' })
    }
    expectError(await call('GET', byMti('op-7', '2025-03-10')), -9040, 404, 'Платеж не найден')
    expectError(await call('GET', byMti('op-8')), -9040, 404, 'Платеж не найден')
  })

  it('refuses the same transaction_id twice on one Tashkent date (-9030), but not the next day', async () => {
    await sb.clock.manual(Date.parse('2025-03-10T10:00:00Z'))
    now = (await sb.clock.now()).now
    expect((await pay({ transaction_id: 'op-1' })).json?.error_code).toBe(0)
    expectError(await pay({ transaction_id: 'op-1' }), -9030, 400, 'Повторный transaction_id')
    await advance(9 * 3_600_000) // 2025-03-11 00:00 in Tashkent
    expect((await pay({ transaction_id: 'op-1' })).json?.error_code).toBe(0)
  })

  it('a declined payment leaves no record: its transaction_id stays free', async () => {
    await fault({ route: 'payment', fault: 'decline' })
    expectError(await pay({ transaction_id: 'op-2' }), -9023, 200, 'Недостаточно средств на карте')
    expectError(await call('GET', byMti('op-2')), -9040, 404, 'Платеж не найден')
    expect((await pay({ transaction_id: 'op-2' })).json?.error_code).toBe(0)
  })

  it('does not serve partial_reversal or ofd_data', async () => {
    for (const [method, path] of [
      ['DELETE', `/v2/merchant/payment/partial_reversal/${SERVICE}/1/1000`],
      ['POST', '/v2/merchant/payment/ofd_data/submit_items'],
      ['GET', `/v2/merchant/payment/ofd_data/${SERVICE}/1`],
      ['GET', PAY],
    ] as const) {
      expect((await call(method, path)).status, path).toBe(404)
    }
  })
})

describe('reversal (§ 2.7, § 3.4)', () => {
  it('reverses a PAID payment to -3, and refuses a second reversal with -9050', async () => {
    const id = idOf(await pay())
    expect((await call('DELETE', reversal(id))).json).toEqual({ error_code: 0, error_note: 'Успешно', payment_id: Number(id) })
    expect((await call('GET', status(id))).json).toMatchObject({ payment_status: -3 })
    expect((await payments())[0]?.state).toBe('REVERSED')
    expectError(await call('DELETE', reversal(id)), -9050, 400, 'Отмена невозможна: платеж не в статусе успешного')
  })

  it('refuses to reverse a payment awaiting confirmation', async () => {
    await call('PUT', MODE)
    const id = idOf(await pay())
    expectError(await call('DELETE', reversal(id)), -9050, 400, 'Отмена невозможна: платеж не в статусе успешного')
  })

  it('refuses last month’s payment with -5017, except on the first day of this month (Tashkent)', async () => {
    await sb.clock.manual(Date.parse('2025-01-31T07:00:00Z')) // 12:00 in Tashkent
    now = (await sb.clock.now()).now
    const a = idOf(await pay())
    const b = idOf(await pay())
    await advance(Date.parse('2025-01-31T19:30:00Z') - now) // 2025-02-01 00:30 in Tashkent, still Jan 31 in UTC
    expect((await call('DELETE', reversal(a))).json?.error_code).toBe(0)
    await advance(Date.parse('2025-02-01T19:00:00Z') - now) // 2025-02-02 00:00 in Tashkent
    expectError(await call('DELETE', reversal(b)), -5017, 400, 'Payment is older than this month')
    expect((await payments())[1]?.state).toBe('PAID')
  })

  it('refuses a payment from two months back even on the first day (createdAt set through the control API)', async () => {
    await sb.clock.manual(Date.parse('2025-03-01T05:00:00Z')) // 2025-03-01 10:00 in Tashkent
    now = (await sb.clock.now()).now
    const jan = idOf(await pay())
    const feb = idOf(await pay())
    await sb.control('clickpass', `payment/${jan}`, { createdAt: '2025-01-31T12:00:00Z' }, 'PUT')
    await sb.control('clickpass', `payment/${feb}`, { createdAt: '2025-02-03T12:00:00Z' }, 'PUT')
    expectError(await call('DELETE', reversal(jan)), -5017, 400, 'Payment is older than this month')
    expect((await call('DELETE', reversal(feb))).json?.error_code).toBe(0)
  })
})

describe('fault wire effects (docs/protocols/README.md S3)', () => {
  it('lostReply applies the payment and destroys the socket', async () => {
    await fault({ route: 'payment', fault: 'lostReply' })
    await expect(pay({ transaction_id: 'op-lost' })).rejects.toThrow()
    const [p] = await payments()
    expect(p).toMatchObject({ state: 'PAID', transaction_id: 'op-lost' })
    expect((await call('GET', byMti('op-lost'))).json).toMatchObject({ payment_status: 2 })
    const [c] = await sb.calls('clickpass')
    expect(c).toMatchObject({ route: 'payment', fault: 'lostReply', status: null })
  })

  it('noReply never applies, but the code is spent', async () => {
    await fault({ route: 'payment', fault: 'noReply' })
    const code = await token()
    await expect(call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 }, { signal: AbortSignal.timeout(100) })).rejects.toThrow()
    expect(await payments()).toEqual([])
    expectError(await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 }), -9021, 400, 'QR-код уже использован')
    const calls = await sb.calls('clickpass')
    expect(calls.map((c) => [c.fault, c.status])).toEqual([
      ['noReply', null],
      [null, 400],
    ])
  })

  it('malformed answers 200 with the body cut in the middle, and applies by default', async () => {
    await fault({ route: 'payment', fault: 'malformed' })
    const r = await pay()
    expect(r.status).toBe(200)
    expect(r.json).toBeUndefined()
    expect(r.text.startsWith('{"error_code":0,')).toBe(true)
    expect((await payments())[0]?.state).toBe('PAID')
  })

  it('malformed with apply: false does not apply', async () => {
    await fault({ route: 'payment', fault: 'malformed', apply: false })
    expect((await pay()).json).toBeUndefined()
    expect(await payments()).toEqual([])
  })

  it('http answers that status with plain text, not applied unless apply: true', async () => {
    await fault({ route: 'confirmOn', fault: 'http', status: 502 })
    const r = await call('PUT', MODE)
    expect(r.status).toBe(502)
    expect(r.text).toBe('502 Bad Gateway')
    expect(await sb.state('clickpass')).toMatchObject({ confirmMode: false })
    await fault({ route: 'payment', fault: 'http', apply: true })
    expect((await pay()).status).toBe(500)
    expect(await payments()).toHaveLength(1)
    await fault({ route: 'payment', fault: 'http', status: 403, body: '<html>Forbidden</html>', contentType: 'text/html' })
    expect(await pay()).toMatchObject({ status: 403, text: '<html>Forbidden</html>' })
  })

  it('error and decline answer the provider’s body', async () => {
    await fault({ route: 'confirmOn', fault: 'error', code: -9041 })
    expectError(await call('PUT', MODE), -9041, 400, 'Платеж не ожидает подтверждения')
    await fault({ route: 'confirmOn', fault: 'error', code: -1, note: 'Сбой', status: 500 })
    expectError(await call('PUT', MODE), -1, 500, 'Сбой')
    await fault({ route: 'payment', fault: 'decline', code: -9024 })
    expectError(await pay(), -9024, 200, 'Платеж отклонен банком')
  })

  it('slow answers correctly after delayMs', async () => {
    await fault({ route: 'payment', fault: 'slow', delayMs: 80 })
    const started = Date.now()
    expect((await pay()).json?.error_code).toBe(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(75)
  })

  it('reset destroys the socket without applying', async () => {
    await fault({ route: 'payment', fault: 'reset' })
    const code = await token()
    await expect(call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).rejects.toThrow()
    expect(await payments()).toEqual([])
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(0)
  })

  it('offline resets every route until cleared', async () => {
    await fault({ route: 'payment', fault: 'offline' })
    await expect(call('PUT', MODE)).rejects.toThrow()
    await expect(call('GET', status(1))).rejects.toThrow()
    expect(await sb.control('clickpass', 'faults')).toHaveLength(1)
    await sb.control('clickpass', 'faults', undefined, 'DELETE')
    expect((await call('PUT', MODE)).status).toBe(200)
  })

  it('counts times, lets the first matching rule win, and matches body fields', async () => {
    await fault({ route: 'payment', fault: 'decline', match: { amount: 2000 }, times: 2 })
    await fault({ route: '*', fault: 'error', code: -9999, note: 'всё', times: 1 })
    await fault({ route: 'payment', fault: 'http', status: 503, times: 0 })
    expect((await pay({ amount: 2000 })).json?.error_code).toBe(-9023)
    expect((await pay({ amount: 1000 })).json?.error_code).toBe(-9999)
    expect(await sb.control('clickpass', 'faults')).toMatchObject([{ remaining: 1 }, { remaining: null }])
    expect((await pay({ amount: 2000 })).json?.error_code).toBe(-9023)
    for (let i = 0; i < 3; i++) expect((await pay({ amount: 2000 })).status).toBe(503)
    expect(await sb.control('clickpass', 'faults')).toMatchObject([{ fault: 'http', remaining: null }])
  })

  it('does not use up a rule on a request refused by an earlier check', async () => {
    await fault({ route: 'payment', fault: 'decline' })
    expect((await pay({ amount: 1 })).json?.error_code).toBe(-9010)
    expect((await pay()).json?.error_code).toBe(-9023)
  })

  it('pending holds PROCESSING for N polls, then pays', async () => {
    await fault({ route: 'payment', fault: 'pending', polls: 2, then: 'approve' })
    const r = await pay()
    expect(r.json).toMatchObject({ error_code: 0, payment_status: 1, confirm_mode: 0 })
    const id = idOf(r)
    const seen = []
    for (let i = 0; i < 4; i++) seen.push((await call('GET', status(id))).json?.payment_status)
    expect(seen).toEqual([1, 1, 2, 2])
  })

  it('pending holds PROCESSING for forMs of sandbox time, then ends as `then` says', async () => {
    await fault({ route: 'payment', fault: 'pending', forMs: 20_000 })
    await fault({ route: 'payment', fault: 'pending', forMs: 5_000, then: 'decline' })
    const a = idOf(await pay())
    const b = idOf(await pay())
    expectError(await call('DELETE', reversal(a)), -9050, 400, 'Отмена невозможна: платеж не в статусе успешного')
    await advance(19_999)
    expect((await call('GET', status(a))).json?.payment_status).toBe(1)
    expect((await call('GET', status(b))).json?.payment_status).toBe(-1)
    await advance(1)
    expect((await call('GET', status(a))).json?.payment_status).toBe(2)
  })
})

describe('magic amounts (docs/protocols/README.md S4)', () => {
  it('are ignored when magic is off (the test default)', async () => {
    expect((await pay({ amount: 1000.91 })).json).toMatchObject({ error_code: 0, payment_status: 2 })
  })

  it('91 declines, 92 processes for 20 s, 93 never completes, 99 refuses every reversal', async () => {
    await config({ magic: true })
    expectError(await pay({ amount: 1000.91 }), -9023, 200, 'Недостаточно средств на карте')
    const p92 = await pay({ amount: 1000.92 })
    const p93 = await pay({ amount: 1000.93 })
    const p99 = await pay({ amount: 1000.99 })
    expect(p92.json?.payment_status).toBe(1)
    expect(p93.json?.payment_status).toBe(1)
    expect(p99.json?.payment_status).toBe(2)
    await advance(20_000)
    expect((await call('GET', status(idOf(p92)))).json?.payment_status).toBe(2)
    await advance(3_600_000)
    expect((await call('GET', status(idOf(p93)))).json?.payment_status).toBe(1)
    expectError(await call('DELETE', reversal(idOf(p99))), -9050, 400, 'Отмена невозможна: платеж не в статусе успешного')
    expect((await call('GET', status(idOf(p99)))).json?.payment_status).toBe(2)
    const magic = (await sb.calls('clickpass')).filter((c) => c.route === 'payment').map((c) => c.magic)
    expect(magic).toEqual([91, 92, 93, 99])
  })

  it('95 moves the money and loses the reply; 96 answers 500 without applying', async () => {
    await config({ magic: true })
    await expect(pay({ amount: 1000.95 })).rejects.toThrow()
    expect((await pay({ amount: 1000.96 })).status).toBe(500)
    expect((await payments()).map((p) => p.amount)).toEqual([100095])
  })

  it('a faulted request skips magic; a minted behaviour applies even with magic off', async () => {
    await config({ magic: true })
    await fault({ route: 'payment', fault: 'error', code: -9011 })
    expect((await pay({ amount: 1000.91 })).json?.error_code).toBe(-9011)
    await config({ magic: false })
    const code = await token({ behaviour: 'decline' })
    expect((await call('POST', PAY, { service_id: SERVICE, otp_data: code, amount: 1000 })).json?.error_code).toBe(-9023)
  })
})

describe('ids above 2^53 (§ 3.5, docs/rules.md scenario 8)', () => {
  it('writes the exact id in the JSON text, and status, confirm and reversal take it back unchanged', async () => {
    await config({ idsAbove2p53: true })
    const r = await pay()
    expect(r.text).toContain('"payment_id":9007199254740993,')
    const id = idOf(r)
    expect(id).toBe('9007199254740993')
    expect((await payments())[0]?.payment_id).toBe(id)
    const st = await call('GET', status(id))
    expect(st.text).toContain(`"payment_id":${id},`)
    expect(st.json?.payment_status).toBe(2)
    const rev = await call('DELETE', reversal(id))
    expect(rev.text).toContain(`"payment_id":${id}}`)
    expect((await payments())[0]?.state).toBe('REVERSED')
    // A neighbouring id that a double would confuse with it is a different payment.
    expectError(await call('GET', status('9007199254740992')), -9040, 404, 'Платеж не найден')

    await call('PUT', MODE)
    const second = idOf(await pay())
    expect(BigInt(second) > BigInt(id)).toBe(true)
    expect(BigInt(second) % 2n).toBe(1n)
    const c = await call('POST', CONFIRM, `{"service_id":85335,"payment_id":${second}}`)
    expect(c.json).toEqual({ error_code: 0, error_note: 'Платеж подтвержден' })
    expect((await call('GET', status(second))).text).toContain(`"payment_id":${second},"payment_status":2`)
  })
})

describe('call log (docs/protocols/README.md S2)', () => {
  it('records every API call with masked Auth and tooEarly false', async () => {
    await pay()
    await call('GET', status(1), undefined, { auth: 'nope' })
    const calls = await sb.calls('clickpass')
    expect(calls).toHaveLength(2)
    expect(calls[0]).toMatchObject({ method: 'POST', route: 'payment', status: 200, fault: null, tooEarly: false, at: now })
    expect(calls[0]?.headers.auth).toMatch(/^123:\*\*\*\*:\d{10}$/)
    expect(calls[0]?.body).toMatchObject({ service_id: SERVICE, amount: 1000 })
    expect(calls[1]).toMatchObject({ method: 'GET', route: 'status', status: 401, path: `/sandbox/clickpass${status(1)}` })
    await sb.control('clickpass', 'calls', undefined, 'DELETE')
    expect(await sb.calls('clickpass')).toEqual([])
  })
})
