// The Sendy emulator (docs/protocols/sendy.md § 3): the POS API under `/sandbox/sendy` — activation, info,
// counters with through numbering and server shifts, offline (micropay-like) and online
// (native-like) payments, query, reverse, refund, shift close and reports — with the two-level
// JSON envelope, faults (docs/protocols/README.md S3), magic amounts (S4) and the customer (§ 3.6).
//
// Control API under `/sandbox/sendy/_control/` (faults and calls are the server's):
//   GET/PUT config                  the settings (§ 3.1)
//   GET  state                      { terminals[], counters, shifts[], payments[], codes[] }
//   POST wallet/token               { system?, ttlMs?, behaviour? } → { token, expiresAt, system }
//   POST customer/act               { transactionNumber, action: "pin" } | { paymentId, action: "scan"|"confirm"|"decline"|"ignore" }
//   GET  customer/pending           what waits for the customer (the phone page's buttons)
//   POST cabinet/activation-code    { terminalId } → { code }
//   POST counters                   { lastTransactionNumber?, shiftNumber?, shiftOpen? }
//
// Sandbox conventions beyond § 3 [C]:
//   - The envelope's data fields sit next to `returnCode`/`resultCode` (flat, like WeChat's XML).
//   - `error` takes the `errCode` as a string `code` (e.g. "SYSTEMERROR"); `apply: true` performs the
//     request behind the error. On `reverse` an error answers `recall: "Y"`. `decline` answers the
//     route's definitive refusal (NOTENOUGH on payments), consuming the number but storing nothing.
//   - A transaction number is consumed when the request is applied (or declined); a fault that does
//     not apply it (`noReply`, `http`, `reset`) leaves the counter as it was.
//   - `pending` on `offline`: USERPAYING, then `then` ("approve" default, "decline") after `forMs`
//     (default 20 s) or `polls` queries.
//   - Demo mode issues a standing activation code `00000000` for every configured terminal, so the
//     demo can be activated without the cabinet.

import { applyFault, MAGIC_PENDING_MS, magicCodeOf, magicOf, type FaultRule, type Prepared } from '../core/faults.ts'
import { jsonReply, textReply } from '../core/http.ts'
import { isJsonObject, parseJson, type Json } from '../core/json.ts'
import { wireOutcomes } from '../core/outcomes.ts'
import { Emulator } from '../core/emulator.ts'
import type { ApiReply, ApiRequest, PhoneCodeKind, PhoneOutcome, ProviderFactory, SandboxEnv } from '../core/types.ts'
import { defaultSettings, mergeSettings, type SendySettings, type SendySystem, SYSTEMS } from './settings.ts'

export const SENDY_ROUTES = ['activate', 'info', 'counters', 'offline', 'online', 'query', 'reverse', 'refund', 'closeShift', 'reports'] as const
type Route = (typeof SENDY_ROUTES)[number]

/** § 3.5: `errCodeDes` is Russian text, filled from this table. */
export const ERR_DES: Record<string, string> = {
  USERPAYING: 'Покупатель вводит пароль',
  SYSTEMERROR: 'Системная ошибка, повторите запрос',
  BANKERROR: 'Ошибка банка',
  REVERSE_TOO_EARLY: 'Отмена возможна не ранее чем через 15 секунд после создания платежа',
  NOTENOUGH: 'Недостаточно средств',
  AUTH_CODE_INVALID: 'Неверный код покупателя',
  AUTH_CODE_USED: 'Код покупателя уже использован',
  AUTH_CODE_EXPIRED: 'Срок действия кода покупателя истёк',
  SYSTEM_NOT_ALLOWED: 'Платежная система не разрешена для терминала',
  AMOUNT_INVALID: 'Недопустимая сумма',
  TXN_NUMBER_MISMATCH: 'Неверный номер транзакции',
  SHIFT_MISMATCH: 'Неверный номер смены',
  DUPLICATE_ORDER: 'Повторный номер заказа',
  ORDER_NOT_PAID: 'Заказ не оплачен',
  ORDER_REFUNDED: 'Заказ уже возвращен',
  REFUND_AMOUNT_INVALID: 'Сумма возврата должна быть равна сумме оплаты',
  REVERSE_NOT_ALLOWED: 'Отмена невозможна',
  SHIFT_CLOSED: 'Смена закрыта',
  ACTIVATION_CODE_INVALID: 'Неверный код активации',
  ACTIVATION_CODE_EXPIRED: 'Код активации недействителен',
  TERMINAL_NOT_FOUND: 'Терминал не найден',
  ORDERNOTEXIST: 'Заказ не найден',
  PARAM_ERROR: 'Неверные параметры запроса',
}

/** § 3.4: the auth code's prefix selects the system. */
const PREFIX: Record<SendySystem, string> = { wechat: '13', alipay: '28', sendy: '99' }
export function systemOfCode(code: string): SendySystem | undefined {
  if (!/^\d{16,24}$/.test(code)) return undefined
  const p = Number(code.slice(0, 2))
  if (p >= 10 && p <= 15) return 'wechat'
  if (p >= 25 && p <= 30) return 'alipay'
  if (p === 99) return 'sendy'
  return undefined
}

type TradeState = 'NOTPAY' | 'USERPAYING' | 'SUCCESS' | 'REFUND' | 'CLOSED' | 'REVOKED' | 'PAYERROR'

interface Payment {
  transactionNumber: number
  shiftNumber: number
  orderId: string
  paymentId: string
  system: SendySystem
  kind: 'offline' | 'online' | 'refund'
  amount: number
  refundedAmount: number
  tradeState: TradeState
  createdAt: number
  paidAt: number | undefined
  /** When it pays by itself (auto-customer, PIN delay); undefined: waits for `customer/act`. */
  payAt: number | undefined
  /** Ends PAYERROR at this time (magic 91 online). */
  failAt: number | undefined
  /** Unpaid at this time → REVOKED (offline) or CLOSED (online). */
  endAt: number
  /** `pending` with `polls`: queries left before `then`. */
  pollsLeft: number | undefined
  then: 'approve' | 'decline'
  qrCode: string | undefined
  originalTransactionNumber: number | undefined
  irreversible: boolean
  magic: number | undefined
}

interface Shift {
  number: number
  openedAt: number
  closedAt: number | undefined
}

interface CodeRec {
  code: string
  system: SendySystem
  createdAt: number
  expiresAt: number | undefined
  usedAt: number | undefined
  behaviour: number | undefined
}

interface TerminalState {
  key: string | undefined
  serial: string | undefined
  activatedAt: number | undefined
  code: { code: string; failures: number; dead: boolean } | undefined
}

interface Ctx {
  req: ApiRequest
  env: SandboxEnv
  now: number
  terminalId: string
  body: Record<string, Json>
}

interface Action {
  prepare(): Prepared
  decline(): ApiReply
  magicAmount?: number
  behaviour?: number
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString())

function envelope(data: Record<string, unknown> = {}): ApiReply {
  return jsonReply(200, { returnCode: 'SUCCESS', returnMsg: 'OK', resultCode: 'SUCCESS', ...data })
}
function fail(errCode: string, data: Record<string, unknown> = {}): ApiReply {
  return jsonReply(200, { returnCode: 'SUCCESS', returnMsg: 'OK', resultCode: 'FAIL', errCode, errCodeDes: ERR_DES[errCode] ?? errCode, ...data })
}
function paramError(why: string): ApiReply {
  return jsonReply(200, { returnCode: 'FAIL', returnMsg: `PARAM_ERROR: ${why}` })
}
const UNAUTHORIZED = (): ApiReply => jsonReply(401, { returnCode: 'FAIL', returnMsg: 'TERMINAL_NOT_AUTHORIZED' })
const refused = (reply: ApiReply): Prepared => ({ reply, commit: () => undefined })

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

const int = (v: Json | undefined): number | undefined =>
  typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : undefined

export class SendySandbox extends Emulator<SendySettings> {
  readonly id = 'sendy'
  readonly routes: readonly string[] = SENDY_ROUTES
  #terminals = new Map<string, TerminalState>()
  #payments: Payment[] = []
  #codes = new Map<string, CodeRec>()
  #shifts: Shift[] = []
  #last = 0
  #shift = 1
  #open = false
  #nextPaymentId = 4_200_000_001

  constructor(opts: { demo: boolean }) {
    super(opts, { defaults: defaultSettings, merge: mergeSettings })
    this.reset()
  }

  protected clear(): void {
    this.#terminals.clear()
    this.#payments = []
    this.#codes.clear()
    this.#shifts = []
    this.#last = 0
    this.#shift = 1
    this.#open = false
    this.#nextPaymentId = 4_200_000_001
    if (this.demo) for (const t of this.settings.terminals) this.#term(t.terminalId).code = { code: '00000000', failures: 0, dead: false }
  }

  #term(id: string): TerminalState {
    let t = this.#terminals.get(id)
    if (!t) this.#terminals.set(id, (t = { key: undefined, serial: undefined, activatedAt: undefined, code: undefined }))
    return t
  }

  routeOf(method: string, path: string): Route | undefined {
    const p = path.replace(/\/+$/, '')
    const table: Record<string, [string, Route]> = {
      '/pos/activate': ['POST', 'activate'],
      '/pos/info': ['GET', 'info'],
      '/pos/counters': ['GET', 'counters'],
      '/pos/payment/offline': ['POST', 'offline'],
      '/pos/payment/online': ['POST', 'online'],
      '/pos/payment/query': ['GET', 'query'],
      '/pos/payment/reverse': ['POST', 'reverse'],
      '/pos/payment/refund': ['POST', 'refund'],
      '/pos/shift/close': ['POST', 'closeShift'],
      '/pos/reports': ['GET', 'reports'],
    }
    const hit = table[p]
    return hit && hit[0] === method ? hit[1] : undefined
  }

  phoneOutcomes(): PhoneOutcome[] {
    const once = (fault: string, extra: Record<string, Json> = {}): PhoneOutcome['rule'] => ({ route: 'offline', fault, times: 1, ...extra })
    return [
      { id: 'approve', ru: 'Оплатить', en: 'Customer pays', rule: null },
      { id: 'decline', ru: 'Недостаточно средств', en: 'Not enough money', rule: once('decline') },
      { id: 'pin', ru: 'Ввод пароля (USERPAYING)', en: 'Enters a password (USERPAYING)', rule: once('pending', { forMs: 10_000, then: 'approve' }) },
      { id: 'hidden', ru: 'SYSTEMERROR, но оплачено', en: 'SYSTEMERROR, but paid', rule: once('error', { code: 'SYSTEMERROR', apply: true }) },
      ...wireOutcomes('offline'),
      { id: 'offline', ru: 'Нет связи с сервером', en: 'Server unreachable', rule: { route: '*', fault: 'offline', times: 0 } },
    ]
  }

  phoneCodeKinds(): PhoneCodeKind[] {
    return [
      { id: 'wechat', ru: 'WeChat', en: 'WeChat', body: { system: 'wechat' } },
      { id: 'sendy', ru: 'Sendy', en: 'Sendy', body: { system: 'sendy' } },
      { id: 'alipay', ru: 'AliPay', en: 'AliPay', body: { system: 'alipay' } },
    ]
  }

  // ------------------------------------------------------------------------------- time

  #settle(now: number): void {
    for (const p of this.#payments) {
      if (p.tradeState !== 'NOTPAY' && p.tradeState !== 'USERPAYING') continue
      const events: [number, () => void][] = []
      if (p.payAt !== undefined) events.push([p.payAt, () => this.#pay(p, p.payAt!)])
      if (p.failAt !== undefined) events.push([p.failAt, () => void (p.tradeState = 'PAYERROR')])
      events.push([p.endAt, () => void (p.tradeState = p.kind === 'online' ? 'CLOSED' : 'REVOKED')])
      events.sort((a, b) => a[0] - b[0])
      const first = events[0]!
      if (first[0] <= now) first[1]()
    }
  }

  #pay(p: Payment, at: number): void {
    if (p.then === 'decline') {
      p.tradeState = 'PAYERROR'
      return
    }
    p.tradeState = 'SUCCESS'
    p.paidAt = at
  }

  // ------------------------------------------------------------------------------- API

  protected api(req: ApiRequest, env: SandboxEnv): ApiReply {
    const route = req.route as Route | undefined
    if (route === undefined) return textReply(404, 'Not Found')
    const now = env.clock.now()
    this.#settle(now)
    let body: Record<string, Json> = {}
    if (req.method === 'POST') {
      try {
        const b = req.rawBody.trim() === '' ? {} : parseJson(req.rawBody)
        if (!isJsonObject(b)) return paramError('body: a JSON object')
        body = b
      } catch {
        return paramError('body: not JSON')
      }
    }
    let terminalId = ''
    if (route !== 'activate') {
      terminalId = header(req, 'X-Terminal-Id') ?? ''
      const auth = header(req, 'Authorization') ?? ''
      const key = this.#terminals.get(terminalId)?.key
      if (!key || auth !== `Bearer ${key}`) return UNAUTHORIZED()
    }
    const ctx: Ctx = { req, env, now, terminalId, body }
    const action = this.#check(route, ctx)
    if ('status' in action) return action

    const fields: Record<string, Json> = { ...body }
    for (const [k, v] of req.query) fields[k] = v
    let rule: FaultRule | undefined = env.faults.take(route, fields)
    let magic: number | undefined
    const code = action.behaviour ?? (this.settings.magic && action.magicAmount !== undefined ? action.magicAmount % 100 : undefined)
    if (code !== undefined && code >= 91 && (!rule || code === 99)) {
      // 99 (irreversible) holds under a fault rule too: it is a property of the payment, not of the reply.
      magic = code
      if (!rule && code >= 94 && code <= 98) rule = magicOf(code)?.rule
    }
    if (rule?.fault === 'error') {
      const errCode = String(rule.params.code ?? 'SYSTEMERROR')
      if (rule.params.apply === true) this.#withMagic(action, undefined, magic).commit()
      return { ...fail(errCode, route === 'reverse' ? { recall: 'Y' } : {}), fault: 'error' }
    }
    const reply = applyFault(rule, {
      prepare: () => this.#withMagic(action, rule, magic),
      decline: () => action.decline(),
      error: () => fail('SYSTEMERROR'),
    })
    return { ...reply, ...(magic === undefined ? {} : { magic }) }
  }

  /** Magic and `pending` reach the payment routes through `#magicPlan`, read by `prepare`. */
  #plan: { rule: FaultRule | undefined; magic: number | undefined } = { rule: undefined, magic: undefined }
  #withMagic(action: Action, rule: FaultRule | undefined, magic: number | undefined): Prepared {
    this.#plan = { rule, magic }
    try {
      return action.prepare()
    } finally {
      this.#plan = { rule: undefined, magic: undefined }
    }
  }

  #check(route: Route, ctx: Ctx): Action | ApiReply {
    switch (route) {
      case 'activate':
        return this.#activate(ctx)
      case 'info':
        return this.#readOnly(() => envelope(this.#info(ctx)))
      case 'counters':
        return this.#readOnly(() => envelope({ lastTransactionNumber: this.#last, shiftNumber: this.#shift, shiftOpen: this.#open }))
      case 'offline':
      case 'online':
      case 'refund':
        return this.#transaction(route, ctx)
      case 'query':
        return this.#query(ctx)
      case 'reverse':
        return this.#reverse(ctx)
      case 'closeShift':
        return this.#closeShift(ctx)
      case 'reports':
        return this.#reports(ctx)
    }
  }

  #readOnly(make: () => ApiReply): Action {
    return { prepare: () => refused(make()), decline: () => fail('SYSTEMERROR') }
  }

  #info(ctx: Ctx): Record<string, unknown> {
    const t = this.settings.terminals.find((x) => x.terminalId === ctx.terminalId)
    const st = this.#term(ctx.terminalId)
    return {
      terminalId: ctx.terminalId,
      serial: st.serial ?? t?.serial ?? '',
      merchantName: t?.merchantName ?? 'Sendy Demo Shop',
      allowedSystems: this.settings.allowedSystems,
      modes: ['offline', 'online'],
      serverTime: iso(ctx.now),
    }
  }

  // § 3.4 activation: three tries per code.
  #activate(ctx: Ctx): Action | ApiReply {
    const { terminalId, serial, activationCode } = ctx.body
    if (typeof terminalId !== 'string' || typeof serial !== 'string' || typeof activationCode !== 'string' || !terminalId || !serial || !activationCode) {
      return paramError('terminalId, serial, activationCode')
    }
    const t = this.settings.terminals.find((x) => x.terminalId === terminalId)
    return {
      decline: () => fail('ACTIVATION_CODE_INVALID', { attemptsLeft: 0 }),
      prepare: () => {
        if (!t) return refused(fail('TERMINAL_NOT_FOUND'))
        const st = this.#term(terminalId)
        const code = st.code
        if (!code || code.dead) return refused(fail('ACTIVATION_CODE_EXPIRED'))
        if (code.code !== activationCode) {
          // A wrong try counts at once: the answer reports what is left.
          code.failures++
          if (code.failures >= this.settings.activationAttempts) {
            code.dead = true
            return refused(fail('ACTIVATION_CODE_EXPIRED'))
          }
          return refused(fail('ACTIVATION_CODE_INVALID', { attemptsLeft: this.settings.activationAttempts - code.failures }))
        }
        const key = `sk_${ctx.env.ids.digits(8)}${ctx.env.ids.digits(8)}${ctx.env.ids.digits(8)}`
        return {
          reply: envelope({
            terminalKey: key,
            merchantName: t.merchantName ?? 'Sendy Demo Shop',
            allowedSystems: this.settings.allowedSystems,
            registration: { terminalId, serial, activatedAt: iso(ctx.now) },
          }),
          commit: () => {
            st.key = key
            st.serial = serial
            st.activatedAt = ctx.now
            code.dead = true
            if (this.demo) st.code = { code: '00000000', failures: 0, dead: false }
          },
        }
      },
    }
  }

  // § 3.4 numbering, then the route's own checks.
  #transaction(route: 'offline' | 'online' | 'refund', ctx: Ctx): Action | ApiReply {
    const b = ctx.body
    const txn = int(b.transactionNumber)
    const shift = int(b.shiftNumber)
    const orderId = b.orderId
    const amount = int(b.amount)
    if (txn === undefined || shift === undefined || typeof orderId !== 'string' || orderId === '' || orderId.length > 64 || amount === undefined) {
      return paramError('transactionNumber, shiftNumber, orderId, amount')
    }
    if (txn !== this.#last + 1) return fail('TXN_NUMBER_MISMATCH', { lastTransactionNumber: this.#last })
    if (shift !== this.#shift) return fail('SHIFT_MISMATCH', { shiftNumber: this.#shift, shiftOpen: this.#open })
    /** Consume the number (and open the shift) with whatever outcome. */
    const consume = () => {
      this.#last = txn
      if (!this.#open) {
        this.#open = true
        this.#shifts.push({ number: this.#shift, openedAt: ctx.now, closedAt: undefined })
      }
    }
    const refuse = (code: string, data: Record<string, unknown> = {}): Prepared => ({ reply: fail(code, data), commit: consume })
    if (this.#payments.some((p) => p.orderId === orderId)) return { prepare: () => refuse('DUPLICATE_ORDER'), decline: () => fail('DUPLICATE_ORDER') }
    const base = (system: SendySystem, kind: Payment['kind']): Payment => ({
      transactionNumber: txn,
      shiftNumber: shift,
      orderId,
      paymentId: String(this.#nextPaymentId),
      system,
      kind,
      amount,
      refundedAmount: 0,
      tradeState: 'NOTPAY',
      createdAt: ctx.now,
      paidAt: undefined,
      payAt: undefined,
      failAt: undefined,
      endAt: Infinity,
      pollsLeft: undefined,
      then: 'approve',
      qrCode: undefined,
      originalTransactionNumber: undefined,
      irreversible: false,
      magic: undefined,
    })
    const store = (p: Payment) => () => {
      consume()
      this.#nextPaymentId++
      this.#payments.push(p)
    }
    const s = this.settings

    if (route === 'refund') {
      const origNo = int(b.originalTransactionNumber)
      return {
        decline: () => fail('ORDER_NOT_PAID'),
        prepare: () => {
          const orig = this.#payments.find((p) => p.transactionNumber === origNo && p.kind !== 'refund')
          if (!orig || orig.irreversible || (orig.tradeState !== 'SUCCESS' && orig.tradeState !== 'REFUND')) return refuse('ORDER_NOT_PAID')
          if (orig.tradeState === 'REFUND') return refuse('ORDER_REFUNDED')
          if (amount !== orig.amount) return refuse('REFUND_AMOUNT_INVALID')
          const p = { ...base(orig.system, 'refund'), tradeState: 'SUCCESS' as TradeState, paidAt: ctx.now, originalTransactionNumber: orig.transactionNumber }
          return {
            reply: envelope({ refundId: p.paymentId, tradeState: 'SUCCESS', transactionNumber: txn }),
            commit: () => {
              store(p)()
              orig.tradeState = 'REFUND'
              orig.refundedAmount = amount
            },
          }
        },
      }
    }

    if (route === 'online') {
      const system = b.system
      return {
        magicAmount: amount,
        decline: () => fail('NOTENOUGH'),
        prepare: () => {
          if (typeof system !== 'string' || !(SYSTEMS as readonly string[]).includes(system)) return refused(paramError('system'))
          if (!s.allowedSystems.includes(system as SendySystem)) return refuse('SYSTEM_NOT_ALLOWED')
          if (amount < s.minAmount || amount > s.maxAmount) return refuse('AMOUNT_INVALID')
          const p = base(system as SendySystem, 'online')
          const token = ctx.env.ids.digits(20)
          p.qrCode =
            system === 'sendy' ? `sendy://pay?t=${token}` : system === 'wechat' ? `weixin://wxpay/bizpayurl?pr=${token}` : `https://qr.alipay.com/bax${token}`
          p.endAt = ctx.now + s.onlineQrTtlMs
          const magic = this.#plan.magic
          p.magic = magic
          if (magic === 99) p.irreversible = true
          if (magic === 91) p.failAt = ctx.now + s.autoCustomerDelayMs
          else if (magic === 92) p.payAt = ctx.now + MAGIC_PENDING_MS
          else if (magic !== 93 && s.autoCustomer) p.payAt = ctx.now + s.autoCustomerDelayMs
          return {
            reply: envelope({ paymentId: p.paymentId, transactionNumber: txn, tradeState: 'NOTPAY', qrCode: p.qrCode, expiresAt: iso(p.endAt) }),
            commit: store(p),
          }
        },
      }
    }

    // offline
    const authCode = b.authCode
    const known = typeof authCode === 'string' ? this.#codes.get(authCode) : undefined
    return {
      magicAmount: amount,
      ...(known?.behaviour !== undefined ? { behaviour: known.behaviour } : {}),
      decline: () => {
        consume()
        return fail('NOTENOUGH')
      },
      prepare: () => {
        const code = typeof authCode === 'string' ? authCode : ''
        const system = systemOfCode(code)
        if (!system) return refuse('AUTH_CODE_INVALID')
        if (!s.allowedSystems.includes(system)) return refuse('SYSTEM_NOT_ALLOWED')
        let rec = this.#codes.get(code)
        if (!rec) {
          if (!s.acceptAnyToken) return refuse('AUTH_CODE_INVALID')
          rec = { code, system, createdAt: ctx.now, expiresAt: undefined, usedAt: undefined, behaviour: undefined }
          this.#codes.set(code, rec)
        }
        if (rec.usedAt !== undefined) return refuse('AUTH_CODE_USED')
        const spend = rec
        if (rec.expiresAt !== undefined && ctx.now >= rec.expiresAt)
          return { reply: fail('AUTH_CODE_EXPIRED'), commit: () => (consume(), void (spend.usedAt = ctx.now)) }
        if (amount < s.minAmount || amount > s.maxAmount) return { reply: fail('AMOUNT_INVALID'), commit: () => (consume(), void (spend.usedAt = ctx.now)) }
        const p = base(system, 'offline')
        const { rule, magic } = this.#plan
        p.magic = magic
        p.irreversible = magic === 99
        p.endAt = ctx.now + s.userPayingTimeoutMs
        const spendAnd = (f: () => void) => () => {
          spend.usedAt = ctx.now
          f()
        }
        if (magic === 91) {
          p.tradeState = 'PAYERROR'
          return { reply: fail('NOTENOUGH', { transactionNumber: txn }), commit: spendAnd(store(p)) }
        }
        const pending = rule?.fault === 'pending'
        if (pending || magic === 92 || magic === 93 || amount >= s.pinThreshold) {
          p.tradeState = 'USERPAYING'
          if (pending) {
            p.then = rule.params.then === 'decline' ? 'decline' : 'approve'
            if (typeof rule.params.polls === 'number') p.pollsLeft = rule.params.polls
            else if (rule.params.forever !== true) p.payAt = ctx.now + (typeof rule.params.forMs === 'number' ? rule.params.forMs : MAGIC_PENDING_MS)
          } else if (magic === 92) p.payAt = ctx.now + MAGIC_PENDING_MS
          else if (magic !== 93 && s.autoCustomer) p.payAt = ctx.now + s.pinDelayMs
          return { reply: fail('USERPAYING', { transactionNumber: txn, paymentId: p.paymentId, system }), commit: spendAnd(store(p)) }
        }
        p.tradeState = 'SUCCESS'
        p.paidAt = ctx.now
        return {
          reply: envelope({ transactionNumber: txn, paymentId: p.paymentId, system, amount, tradeState: 'SUCCESS', paidAt: iso(ctx.now) }),
          commit: spendAnd(store(p)),
        }
      },
    }
  }

  #find(q: URLSearchParams | Record<string, Json>): Payment | undefined {
    const get = (k: string) => (q instanceof URLSearchParams ? (q.get(k) ?? undefined) : q[k])
    const txn = int(get('transactionNumber') ?? undefined)
    const orderId = get('orderId')
    if (txn !== undefined) return this.#payments.find((p) => p.transactionNumber === txn)
    if (typeof orderId === 'string') return this.#payments.find((p) => p.orderId === orderId)
    return undefined
  }

  #view(p: Payment): Record<string, unknown> {
    return {
      transactionNumber: p.transactionNumber,
      shiftNumber: p.shiftNumber,
      orderId: p.orderId,
      paymentId: p.paymentId,
      system: p.system,
      kind: p.kind,
      amount: p.amount,
      refundedAmount: p.refundedAmount,
      tradeState: p.tradeState,
      createdAt: iso(p.createdAt),
      paidAt: iso(p.paidAt),
      ...(p.originalTransactionNumber !== undefined ? { originalTransactionNumber: p.originalTransactionNumber } : {}),
    }
  }

  #query(ctx: Ctx): Action | ApiReply {
    const q = ctx.req.query
    if (!q.get('transactionNumber') && !q.get('orderId')) return paramError('transactionNumber or orderId')
    return {
      decline: () => fail('ORDERNOTEXIST'),
      prepare: () => {
        const p = this.#find(q)
        if (!p) return refused(fail('ORDERNOTEXIST'))
        if (p.pollsLeft !== undefined && p.tradeState === 'USERPAYING') {
          p.pollsLeft--
          if (p.pollsLeft <= 0) {
            p.pollsLeft = undefined
            this.#pay(p, ctx.now)
          }
        }
        return refused(envelope(this.#view(p)))
      },
    }
  }

  #reverse(ctx: Ctx): Action | ApiReply {
    if (int(ctx.body.transactionNumber) === undefined) return paramError('transactionNumber')
    return {
      decline: () => fail('REVERSE_NOT_ALLOWED', { recall: 'N' }),
      prepare: () => {
        const p = this.#find({ transactionNumber: ctx.body.transactionNumber ?? null })
        if (!p || p.kind === 'refund') return refused(fail('ORDERNOTEXIST', { recall: 'N' }))
        if (p.tradeState === 'CLOSED' || p.tradeState === 'REVOKED') return refused(envelope({ recall: 'N', tradeState: p.tradeState }))
        if (ctx.now - p.createdAt < this.settings.reverseMinAgeMs)
          return refused(fail('REVERSE_TOO_EARLY', { recall: 'Y', retryAfterMs: this.settings.reverseMinAgeMs - (ctx.now - p.createdAt) }))
        if (p.irreversible) return refused(fail('REVERSE_NOT_ALLOWED', { recall: 'N' }))
        const shiftClosed = this.#shifts.find((s) => s.number === p.shiftNumber)?.closedAt !== undefined
        if (shiftClosed || p.tradeState === 'REFUND' || p.tradeState === 'PAYERROR') return refused(fail('REVERSE_NOT_ALLOWED', { recall: 'N' }))
        const next: TradeState = p.tradeState === 'SUCCESS' ? 'REVOKED' : p.kind === 'online' ? 'CLOSED' : 'REVOKED'
        return { reply: envelope({ recall: 'N', tradeState: next, transactionNumber: p.transactionNumber }), commit: () => void (p.tradeState = next) }
      },
    }
  }

  #report(list: Payment[], detail: boolean, shift: Shift | undefined): Record<string, unknown> {
    const paid = list.filter((p) => p.kind !== 'refund' && (p.tradeState === 'SUCCESS' || p.tradeState === 'REFUND'))
    const refunds = list.filter((p) => p.kind === 'refund' && p.tradeState === 'SUCCESS')
    const sum = (xs: Payment[]) => xs.reduce((a, p) => a + p.amount, 0)
    const bySystem = SYSTEMS.map((system) => ({
      system,
      count: paid.filter((p) => p.system === system).length,
      amount: sum(paid.filter((p) => p.system === system)),
    })).filter((x) => x.count > 0)
    return {
      ...(shift ? { shiftNumber: shift.number, openedAt: iso(shift.openedAt), closedAt: iso(shift.closedAt) } : {}),
      paid: { count: paid.length, amount: sum(paid) },
      refunds: { count: refunds.length, amount: sum(refunds) },
      bySystem,
      ...(detail
        ? {
            transactions: paid.map((p) => ({
              transactionNumber: p.transactionNumber,
              kind: p.kind,
              system: p.system,
              amount: p.amount,
              tradeState: p.tradeState,
              at: iso(p.paidAt ?? p.createdAt),
            })),
          }
        : {}),
    }
  }

  #closeShift(ctx: Ctx): Action | ApiReply {
    const n = int(ctx.body.shiftNumber)
    if (n === undefined) return paramError('shiftNumber')
    const detail = ctx.body.detail === true
    return {
      decline: () => fail('SHIFT_CLOSED'),
      prepare: () => {
        if (n !== this.#shift) return refused(fail(this.#shifts.some((s) => s.number === n) ? 'SHIFT_CLOSED' : 'SHIFT_MISMATCH'))
        if (!this.#open) return refused(fail('SHIFT_CLOSED'))
        const shift = this.#shifts.find((s) => s.number === n)!
        const closed = { ...shift, closedAt: ctx.now }
        return {
          reply: envelope(
            this.#report(
              this.#payments.filter((p) => p.shiftNumber === n),
              detail,
              closed,
            ),
          ),
          commit: () => {
            shift.closedAt = ctx.now
            this.#open = false
            this.#shift = n + 1
          },
        }
      },
    }
  }

  #reports(ctx: Ctx): Action | ApiReply {
    const q = ctx.req.query
    const detail = q.get('detail') === 'true'
    const shiftNo = q.get('shift')
    const from = q.get('from')
    const to = q.get('to')
    if (shiftNo !== null) {
      const n = int(shiftNo)
      if (n === undefined) return paramError('shift')
      return this.#readOnly(() => {
        const shift = this.#shifts.find((s) => s.number === n)
        return envelope(
          this.#report(
            this.#payments.filter((p) => p.shiftNumber === n),
            detail,
            shift ?? { number: n, openedAt: ctx.now, closedAt: undefined },
          ),
        )
      })
    }
    const a = from ? Date.parse(from) : NaN
    const z = to ? Date.parse(to) : NaN
    if (Number.isNaN(a) || Number.isNaN(z) || z < a) return paramError('shift, or from and to (ISO)')
    return this.#readOnly(() =>
      envelope({
        from: iso(a),
        to: iso(z),
        ...this.#report(
          this.#payments.filter((p) => (p.paidAt ?? p.createdAt) >= a && (p.paidAt ?? p.createdAt) <= z),
          detail,
          undefined,
        ),
      }),
    )
  }

  // ------------------------------------------------------------------------------- control

  protected override beforeControl(now: number): void {
    this.#settle(now)
  }

  protected stateView(): Record<string, unknown> {
    return this.#state()
  }

  protected control(sub: string, req: ApiRequest, env: SandboxEnv, body: Json | undefined, now: number): ApiReply | undefined {
    const bad = (error: string): ApiReply => jsonReply(400, { error })
    const args = isJsonObject(body) ? body : {}
    if (sub === 'counters' && req.method === 'POST') {
      const last = args.lastTransactionNumber === undefined ? this.#last : int(args.lastTransactionNumber)
      const shift = args.shiftNumber === undefined ? this.#shift : int(args.shiftNumber)
      if (last === undefined || shift === undefined || (args.shiftOpen !== undefined && typeof args.shiftOpen !== 'boolean'))
        return bad('{ lastTransactionNumber?, shiftNumber?, shiftOpen? }')
      this.#last = last
      if (shift !== this.#shift) this.#shift = shift
      if (typeof args.shiftOpen === 'boolean') {
        this.#open = args.shiftOpen
        if (this.#open && !this.#shifts.some((s) => s.number === shift)) this.#shifts.push({ number: shift, openedAt: now, closedAt: undefined })
      }
      return jsonReply(200, { lastTransactionNumber: this.#last, shiftNumber: this.#shift, shiftOpen: this.#open })
    }
    if (sub === 'cabinet/activation-code' && req.method === 'POST') {
      const id = args.terminalId
      if (typeof id !== 'string' || !this.settings.terminals.some((t) => t.terminalId === id)) return jsonReply(404, { error: 'no such terminal' })
      const code = env.ids.digits(8)
      this.#term(id).code = { code, failures: 0, dead: false }
      return jsonReply(200, { code })
    }
    if (sub === 'wallet/token' && req.method === 'POST') {
      const system = args.system ?? 'wechat'
      if (typeof system !== 'string' || !(SYSTEMS as readonly string[]).includes(system)) return bad(`system: one of ${SYSTEMS.join(', ')}`)
      const ttl = args.ttlMs ?? this.settings.authCodeTtlMs
      if (typeof ttl !== 'number' || ttl < 0) return bad('ttlMs must be a number ≥ 0')
      const named = args.behaviour !== undefined && args.behaviour !== null
      const behaviour = named ? magicCodeOf(args.behaviour) : undefined
      if (named && behaviour === undefined) return bad('unknown behaviour')
      let code: string
      do code = PREFIX[system as SendySystem] + env.ids.digits(16)
      while (this.#codes.has(code))
      this.#codes.set(code, { code, system: system as SendySystem, createdAt: now, expiresAt: now + ttl, usedAt: undefined, behaviour })
      return jsonReply(200, { token: code, system, expiresAt: iso(now + ttl), ttlMs: ttl, behaviour: behaviour ?? null })
    }
    if (sub === 'customer/act' && req.method === 'POST') return this.#act(args, now)
    if (sub === 'customer/pending' && req.method === 'GET') return jsonReply(200, this.#pending())
    return undefined
  }

  #act(args: Record<string, Json>, now: number): ApiReply {
    const action = args.action
    const p =
      args.paymentId !== undefined
        ? this.#payments.find((x) => x.paymentId === String(args.paymentId))
        : args.transactionNumber !== undefined
          ? this.#payments.find((x) => x.transactionNumber === int(args.transactionNumber))
          : typeof args.qrCode === 'string'
            ? this.#payments.find((x) => x.qrCode === args.qrCode)
            : undefined
    if (!p) return jsonReply(404, { error: 'no such payment' })
    if (p.tradeState !== 'NOTPAY' && p.tradeState !== 'USERPAYING') return jsonReply(409, { error: `payment is ${p.tradeState}`, payment: this.#view(p) })
    switch (action) {
      case 'pin':
      case 'confirm':
        p.then = 'approve'
        this.#pay(p, now)
        break
      case 'scan':
        if (p.kind === 'online') p.tradeState = 'USERPAYING'
        p.payAt = undefined
        break
      case 'decline':
        p.tradeState = 'PAYERROR'
        break
      case 'ignore':
        p.payAt = undefined
        p.failAt = undefined
        break
      default:
        return jsonReply(400, { error: 'action: pin, scan, confirm, decline or ignore' })
    }
    return jsonReply(200, this.#view(p))
  }

  #pending(): Record<string, unknown> {
    const items = this.#payments
      .filter((p) => p.tradeState === 'NOTPAY' || p.tradeState === 'USERPAYING')
      .map((p) => ({
        id: p.paymentId,
        ru: `№ ${p.transactionNumber} · ${(p.amount / 100).toFixed(2)} ₽ · ${p.system}`,
        en: `No. ${p.transactionNumber} · ${(p.amount / 100).toFixed(2)} RUB · ${p.tradeState}`,
        ...(p.qrCode ? { detail: p.qrCode } : {}),
        actions:
          p.kind === 'online'
            ? [
                ...(p.tradeState === 'NOTPAY' ? [{ ru: 'Сканировать', en: 'Scan', body: { paymentId: p.paymentId, action: 'scan' } }] : []),
                { ru: 'Подтвердить', en: 'Confirm', body: { paymentId: p.paymentId, action: 'confirm' } },
                { ru: 'Отказаться', en: 'Decline', body: { paymentId: p.paymentId, action: 'decline' } },
              ]
            : [
                { ru: 'Ввести пароль', en: 'Enter the password', body: { transactionNumber: p.transactionNumber, action: 'pin' } },
                { ru: 'Отказаться', en: 'Decline', body: { transactionNumber: p.transactionNumber, action: 'decline' } },
              ],
      }))
    return { items }
  }

  #state(): Record<string, unknown> {
    return {
      terminals: this.settings.terminals.map((t) => {
        const st = this.#terminals.get(t.terminalId)
        return {
          terminalId: t.terminalId,
          activated: st?.key !== undefined,
          serial: st?.serial ?? null,
          activatedAt: iso(st?.activatedAt),
          codeFailures: st?.code?.failures ?? 0,
          codeDead: st?.code?.dead ?? null,
        }
      }),
      counters: { lastTransactionNumber: this.#last, shiftNumber: this.#shift, shiftOpen: this.#open },
      shifts: this.#shifts.map((s) => ({ number: s.number, openedAt: iso(s.openedAt), closedAt: iso(s.closedAt) })),
      payments: this.#payments.map((p) => ({
        ...this.#view(p),
        state: p.tradeState,
        irreversible: p.irreversible,
        magic: p.magic ?? null,
        qrCode: p.qrCode ?? null,
      })),
      codes: [...this.#codes.values()].map((c) => ({ token: c.code, system: c.system, expiresAt: iso(c.expiresAt), usedAt: iso(c.usedAt) })),
    }
  }
}

export const sendy: ProviderFactory = {
  id: 'sendy',
  title: 'Sendy',
  create: (opts) => new SendySandbox(opts),
}
