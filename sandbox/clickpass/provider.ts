// The ClickPass emulator (docs/protocols/clickpass.md § 3): CLICK Merchant API v2 at its real paths
// under `/sandbox/clickpass`, with the § 3.2 check order, the § 3.3 codes, the § 3.4
// payment states, faults (docs/protocols/README.md S3) and magic amounts (S4).
//
// Control API under `/sandbox/clickpass/_control/` (faults and calls are the server's):
//   GET  config                 the settings (§ 3.1)
//   PUT  config                 merge settings; unknown keys or bad types → 400, nothing changes
//   GET  state                  { serviceId, confirmMode, payments[], tokens[] } — payment_id as a string,
//                               amount in tiyin, state name, payment_status, transaction_id, ISO times
//   POST wallet/token           { ttlMs?, behaviour? } → { token, expiresAt, ttlMs, behaviour }: an 18-digit
//                               code starting 880; `behaviour` is a magic name or code (S4), e.g. "decline"
// Test-only extras:
//   PUT  payment/{payment_id}   { createdAt?: epoch ms | ISO, state?: PaymentState } — back-date a payment
//                               (month rule, -9030 dates) or force a state without going through the API
//
// Sandbox conventions beyond § 3 [C]:
//   - a `pending` fault on `payment` holds the payment in PROCESSING (status 1) when it would be PAID;
//     in confirm mode it holds the payment before its confirm (status 1, a confirm answers -9041 until
//     it ends; then the confirm makes it PAID as § 3.4 draws it, and the 30 s window still cancels it).
//     A `pending` fault on `confirm` holds the confirmed payment in PROCESSING (an injected fault only).
//     On other routes it has no effect. `forMs` runs on the sandbox clock from that moment;
//     `polls: N` lets N status polls see 1 first; `forever: true` never ends (magic 93);
//     neither → 20 s. `then: "decline"` ends it FAILED (-1).
//   - a fault or a token's `behaviour` takes precedence over the amount's magic; a token's `behaviour`
//     applies even with `magic: false`.
//   - `decline` with a code outside § 3.3 answers 200 with «Ошибка»; -9024 is the phone page's card decline.

import { createHash, timingSafeEqual } from 'node:crypto'
import { codeView, type CustomerCode as Token, mintCode } from '../core/codes.ts'
import { applyFault, DEFAULT_PENDING_MS, type FaultRule, magicOf, type Prepared } from '../core/faults.ts'
import { wireOutcomes } from '../core/outcomes.ts'
import { jsonReply, textReply } from '../core/http.ts'
import type { IdSource } from '../core/ids.ts'
import { isJsonObject, parseJson, type Json } from '../core/json.ts'
import { Emulator } from '../core/emulator.ts'
import type { ApiReply, ApiRequest, PhoneOutcome, ProviderFactory, SandboxEnv } from '../core/types.ts'
import { CLICK_DECLINE_CODE, CLICK_DEMO_DECLINE, CLICK_ERRORS, clickError, clickErrorCode } from './errors.ts'
import {
  countPoll,
  heldBeforeConfirm,
  holdBeforeConfirm,
  PAYMENT_STATUS,
  type Payment,
  type PaymentState,
  type Pending,
  paymentView,
  settle,
  startProcessing,
  tashkentDate,
  withinMonthRule,
} from './ledger.ts'
import { type ClickSettings, defaultSettings, mergeSettings } from './settings.ts'

export const CLICK_ROUTES = ['payment', 'confirm', 'confirmOn', 'confirmOff', 'status', 'statusByMti', 'reversal'] as const
type Route = (typeof CLICK_ROUTES)[number]

/** § 2.9: the sandbox's format check for `otp_data` [I]. */
const OTP_FORMAT = /^\d{12,20}$/
/** § 3.5: minted codes are 18 digits starting `880` (the integrator's examples, § 2.9). */
const TOKEN_PREFIX = '880'
const TOKEN_DIGITS = 18
/** § 2.1: `Auth: {merchant_user_id}:{sha1 hex, lowercase}:{10-digit UNIX seconds}`. */
const AUTH_FORMAT = /^(\d+):([0-9a-f]{40}):(\d{10})$/
/** A real-looking first id, like the docs' 2388672086 (§ 2.4). */
const FIRST_ID_MIN = 2_000_000_000
const FIRST_ID_MAX = 2_999_999_999
/** idsAbove2p53: the first id is 2^53 + 1 (docs/rules.md scenario 8); later ones stay odd, so no double holds them. */
const BIG_ID_BASE = 2n ** 53n + 1n
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

const OK_NOTE = 'Успешно'
const CONFIRMED_NOTE = 'Платеж подтвержден'
const MODE_ON_NOTE = 'Режим подтверждения включен'
const MODE_OFF_NOTE = 'Режим подтверждения выключен'
/** `error_note` of a successful status read, per state [C]. */
const STATE_NOTE: Record<PaymentState, string> = {
  AWAITING_CONFIRM: 'Ожидает подтверждения',
  PROCESSING: 'Платеж обрабатывается',
  PAID: OK_NOTE,
  AUTO_CANCELLED: CLICK_ERRORS.confirmTooLate.note,
  REVERSED: 'Платеж отменен',
  FAILED: 'Платеж отклонен',
}

/** What check 2 (shape) yields for each route. */
type Shaped =
  | { route: 'payment'; serviceId: number | bigint; otp: string; tiyin: bigint; transactionId: string | undefined; cashboxCode: string | undefined }
  | { route: 'confirm'; serviceId: number | bigint; paymentId: string }
  | { route: 'status'; serviceId: number | bigint; paymentId: string }
  | { route: 'reversal'; serviceId: number | bigint; paymentId: string }
  | { route: 'confirmOn' | 'confirmOff'; serviceId: number | bigint }
  | { route: 'statusByMti'; serviceId: number | bigint; mti: string; date: string | undefined }

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '')
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** So'm on the wire (≤ 2 decimals) → tiyin, with integer math only; undefined when not a positive amount. */
export function tiyinOf(v: Json | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v > 0n ? v * 100n : undefined
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return undefined
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(v))
  if (!m) return undefined
  return BigInt(m[1] ?? '0') * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))
}

/** A payment id from a path segment or a body value, as canonical digits. */
function paymentIdOf(v: Json | undefined): string | undefined {
  if (typeof v === 'bigint') return v >= 0n ? v.toString() : undefined
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined
  if (typeof v === 'string' && /^\d{1,40}$/.test(v)) return BigInt(v).toString()
  return undefined
}

function serviceIdOf(v: Json | undefined): number | bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v)
  return undefined
}

function validDate(date: string): boolean {
  return ISO_DATE.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date
}

function pendingOf(params: Record<string, Json>): Pending {
  const forMs = typeof params.forMs === 'number' ? params.forMs : undefined
  const polls = typeof params.polls === 'number' ? Math.floor(params.polls) : undefined
  return {
    forMs: params.forever === true ? Infinity : (forMs ?? (polls !== undefined ? Infinity : DEFAULT_PENDING_MS)),
    pollsLeft: params.forever === true ? undefined : polls,
    then: params.then === 'decline' ? 'decline' : 'approve',
  }
}

export class ClickPassSandbox extends Emulator<ClickSettings> {
  readonly id = 'clickpass'
  readonly routes: readonly string[] = CLICK_ROUTES
  #payments = new Map<string, Payment>()
  #tokens = new Map<string, Token>()
  #lastId: bigint | undefined

  constructor(opts: { demo: boolean }) {
    super(opts, { defaults: defaultSettings, merge: mergeSettings })
  }

  protected clear(): void {
    this.#payments.clear()
    this.#tokens.clear()
    this.#lastId = undefined
  }

  routeOf(method: string, path: string): Route | undefined {
    const [v2, merchant, group, name, ...rest] = segments(path)
    if (v2 !== 'v2' || merchant !== 'merchant') return undefined
    if (group === 'click_pass') {
      if (name === 'payment' && rest.length === 0 && method === 'POST') return 'payment'
      if (name === 'confirm' && rest.length === 0 && method === 'POST') return 'confirm'
      if (name === 'confirmation' && rest.length === 1) return method === 'PUT' ? 'confirmOn' : method === 'DELETE' ? 'confirmOff' : undefined
    }
    if (group === 'payment') {
      if (name === 'status' && rest.length === 2 && method === 'GET') return 'status'
      if (name === 'status_by_mti' && (rest.length === 2 || rest.length === 3) && method === 'GET') return 'statusByMti'
      if (name === 'reversal' && rest.length === 2 && method === 'DELETE') return 'reversal'
    }
    // `partial_reversal`, `ofd_data/*` and anything else: not served (§ 3.2).
    return undefined
  }

  phoneOutcomes(): PhoneOutcome[] {
    const once = (fault: string, extra: Record<string, Json> = {}): PhoneOutcome['rule'] => ({ route: 'payment', fault, times: 1, ...extra })
    return [
      { id: 'approve', ru: 'Одобрить', en: 'Approve', rule: null },
      { id: 'decline', ru: 'Отклонить', en: 'Declined by the bank', rule: once('decline', { code: CLICK_DEMO_DECLINE.code }) },
      { id: 'funds', ru: 'Недостаточно средств', en: 'Insufficient funds', rule: once('decline') },
      { id: 'min', ru: 'Сумма меньше минимальной', en: 'Below the minimum', rule: once('error', { code: CLICK_ERRORS.belowMin.code }) },
      ...wireOutcomes('payment'),
    ]
  }

  // ------------------------------------------------------------------------------- API

  protected api(req: ApiRequest, env: SandboxEnv): ApiReply {
    const route = req.route as Route | undefined
    if (route === undefined) return textReply(404, 'Not Found')
    const now = env.clock.now()
    const s = this.settings

    // 1. Auth
    if (!this.#authOk(req.headers.auth, now)) return clickError('auth')
    // 2. Shape
    const shaped = this.#shape(route, req)
    if (!shaped) return clickError('shape')
    // 3. Service
    if (BigInt(shaped.serviceId) !== BigInt(s.serviceId)) return clickError('service')

    let token: Token | undefined
    if (shaped.route === 'payment') {
      // 4.1 Limits
      if (shaped.tiyin < BigInt(s.minAmount)) return clickError('belowMin')
      if (shaped.tiyin > BigInt(s.maxAmount)) return clickError('aboveMax')
      // 4.2 Known code
      if (!OTP_FORMAT.test(shaped.otp)) return clickError('badToken')
      token = this.#tokens.get(shaped.otp)
      if (!token) {
        if (!s.acceptAnyToken) return clickError('badToken')
        token = { code: shaped.otp, minted: false, createdAt: now, expiresAt: undefined, usedAt: undefined, behaviour: undefined }
        this.#tokens.set(token.code, token)
      }
      // 4.3 Reuse; the code is consumed from here on, whatever happens next.
      if (token.usedAt !== undefined) return clickError('tokenUsed')
      token.usedAt = now
      // 4.4 Expiry
      if (token.expiresAt !== undefined && now >= token.expiresAt) return clickError('tokenExpired')
    }

    // 5. Faults, then magic amounts (or the code's demo behaviour).
    const fields = this.#fields(shaped, req)
    let rule: FaultRule | undefined = env.faults.take(route, fields)
    let magic: number | undefined
    let irreversible = false
    if (!rule && shaped.route === 'payment') {
      const code = token?.behaviour ?? (s.magic ? Number(shaped.tiyin % 100n) : undefined)
      const m = code === undefined ? undefined : magicOf(code)
      if (m) {
        magic = m.code
        rule = m.rule
        irreversible = m.irreversible
      }
    }
    const pending = rule?.fault === 'pending' ? pendingOf(rule.params) : undefined

    // 6. Business outcome, shaped by the fault.
    const reply = applyFault(rule, {
      prepare: () => this.#prepare(shaped, now, pending, irreversible, env.ids),
      decline: (code) => clickErrorCode(code ?? CLICK_DECLINE_CODE, undefined, undefined, 200),
      error: (code, note, status) => clickErrorCode(code, note, status),
    })
    return { ...reply, ...(magic === undefined ? {} : { magic }), tooEarly: false }
  }

  #authOk(header: string | string[] | undefined, now: number): boolean {
    if (typeof header !== 'string') return false
    const m = AUTH_FORMAT.exec(header)
    if (!m) return false
    const [, user = '', digest = '', ts = ''] = m
    if (Number(user) !== this.settings.merchantUserId) return false
    const expected = createHash('sha1')
      .update(ts + this.settings.secretKey)
      .digest('hex')
    if (!timingSafeEqual(Buffer.from(expected), Buffer.from(digest))) return false
    return Math.abs(Number(ts) - Math.floor(now / 1000)) <= this.settings.authSkewSec
  }

  #shape(route: Route, req: ApiRequest): Shaped | undefined {
    const seg = segments(req.path)
    if (route === 'payment' || route === 'confirm') {
      let body: Json
      try {
        body = parseJson(req.rawBody)
      } catch {
        return undefined
      }
      if (!isJsonObject(body)) return undefined
      const serviceId = typeof body.service_id === 'string' ? undefined : serviceIdOf(body.service_id)
      if (serviceId === undefined) return undefined
      if (route === 'confirm') {
        const paymentId = paymentIdOf(body.payment_id)
        return paymentId === undefined ? undefined : { route, serviceId, paymentId }
      }
      const { otp_data: otp, amount, transaction_id: transactionId, cashbox_code: cashboxCode } = body
      const tiyin = tiyinOf(amount)
      if (typeof otp !== 'string' || tiyin === undefined) return undefined
      if (transactionId !== undefined && typeof transactionId !== 'string') return undefined
      if (cashboxCode !== undefined && typeof cashboxCode !== 'string') return undefined
      return { route, serviceId, otp, tiyin, transactionId, cashboxCode }
    }
    // Path routes: /v2/merchant/<group>/<name>/<service_id>/…
    const serviceId = serviceIdOf(decode(seg[4]))
    if (serviceId === undefined) return undefined
    if (route === 'confirmOn' || route === 'confirmOff') return { route, serviceId }
    if (route === 'statusByMti') {
      const mti = decode(seg[5])
      const date = decode(seg[6])
      if (!mti || (date !== undefined && !validDate(date))) return undefined
      return { route, serviceId, mti, date }
    }
    const paymentId = paymentIdOf(decode(seg[5]))
    return paymentId === undefined ? undefined : { route, serviceId, paymentId }
  }

  /** The fields a fault rule's `match` may name: the body's, or the path's parameters. */
  #fields(shaped: Shaped, req: ApiRequest): Record<string, Json> {
    if (shaped.route === 'payment' || shaped.route === 'confirm') {
      try {
        const body = parseJson(req.rawBody)
        return isJsonObject(body) ? body : {}
      } catch {
        return {}
      }
    }
    const out: Record<string, Json> = { service_id: shaped.serviceId }
    if ('paymentId' in shaped) out.payment_id = shaped.paymentId
    if (shaped.route === 'statusByMti') {
      out.merchant_trans_id = shaped.mti
      if (shaped.date !== undefined) out.date = shaped.date
    }
    return out
  }

  #find(paymentId: string, now: number): Payment | undefined {
    const p = this.#payments.get(paymentId)
    if (!p || p.serviceId !== this.settings.serviceId) return undefined
    settle(p, now, this.settings.confirmWindowMs)
    return p
  }

  /** `status_by_mti`: the latest payment with this `transaction_id`, on that Tashkent date when given. */
  #findByMti(mti: string, date: string | undefined, now: number): Payment | undefined {
    let found: Payment | undefined
    for (const q of this.#payments.values()) {
      if (q.serviceId !== this.settings.serviceId || q.transactionId !== mti) continue
      if (date !== undefined && tashkentDate(q.createdAt) !== date) continue
      if (!found || q.createdAt >= found.createdAt) found = q
    }
    if (found) settle(found, now, this.settings.confirmWindowMs)
    return found
  }

  #prepare(shaped: Shaped, now: number, pending: Pending | undefined, irreversible: boolean, ids: IdSource): Prepared {
    const s = this.settings
    const refuse = (reply: ApiReply): Prepared => ({ reply, commit: () => undefined })
    switch (shaped.route) {
      case 'payment': {
        const today = tashkentDate(now)
        const tx = shaped.transactionId
        if (tx !== undefined) {
          for (const p of this.#payments.values()) {
            if (p.serviceId === s.serviceId && p.transactionId === tx && tashkentDate(p.createdAt) === today) return refuse(clickError('duplicateTransaction'))
          }
        }
        const p: Payment = {
          id: this.#nextPaymentId(ids),
          serviceId: s.serviceId,
          amount: Number(shaped.tiyin),
          otp: shaped.otp,
          transactionId: tx,
          cashboxCode: shaped.cashboxCode,
          createdAt: now,
          confirmMode: s.confirmMode,
          state: 'AWAITING_CONFIRM',
          pending,
          irreversible,
          updatedAt: now,
          card: this.#card(ids),
        }
        if (!p.confirmMode) startProcessing(p, now)
        else holdBeforeConfirm(p, now)
        const reply = jsonReply(200, {
          error_code: 0,
          error_note: OK_NOTE,
          payment_id: BigInt(p.id),
          payment_status: PAYMENT_STATUS[p.state],
          confirm_mode: p.confirmMode ? 1 : 0,
          ...p.card,
        })
        return { reply, commit: () => void this.#payments.set(p.id, p) }
      }
      case 'confirm': {
        const p = this.#find(shaped.paymentId, now)
        if (!p) return refuse(clickError('notFound'))
        if (p.state === 'AUTO_CANCELLED') return refuse(clickError('confirmTooLate'))
        if (p.state !== 'AWAITING_CONFIRM' || heldBeforeConfirm(p)) return refuse(clickError('notAwaitingConfirm'))
        return {
          reply: jsonReply(200, { error_code: 0, error_note: CONFIRMED_NOTE }),
          commit: () => {
            if (pending) p.pending = pending
            startProcessing(p, now)
          },
        }
      }
      case 'confirmOn':
      case 'confirmOff': {
        const on = shaped.route === 'confirmOn'
        return {
          reply: jsonReply(200, { error_code: 0, error_note: on ? MODE_ON_NOTE : MODE_OFF_NOTE }),
          commit: () => {
            this.settings = { ...this.settings, confirmMode: on }
          },
        }
      }
      case 'status':
      case 'statusByMti': {
        const p = shaped.route === 'status' ? this.#find(shaped.paymentId, now) : this.#findByMti(shaped.mti, shaped.date, now)
        if (!p) return refuse(clickError('notFound'))
        const found = p
        // The reply shows the state after this poll is counted (a poll-bound pending may end here).
        const polled = found.state === 'PROCESSING' && found.pending?.pollsLeft === 0 ? (found.pending.then === 'decline' ? 'FAILED' : 'PAID') : found.state
        const body: Record<string, Json> = {
          error_code: 0,
          error_note: STATE_NOTE[polled],
          payment_id: BigInt(found.id),
          payment_status: PAYMENT_STATUS[polled],
        }
        if (shaped.route === 'statusByMti') body.merchant_trans_id = shaped.mti
        return { reply: jsonReply(200, body), commit: () => countPoll(found, now) }
      }
      case 'reversal': {
        const p = this.#find(shaped.paymentId, now)
        if (!p) return refuse(clickError('notFound'))
        if (p.irreversible || p.state !== 'PAID') return refuse(clickError('notReversible'))
        if (!withinMonthRule(p.createdAt, now)) return refuse(clickError('olderThanMonth'))
        return {
          reply: jsonReply(200, { error_code: 0, error_note: OK_NOTE, payment_id: BigInt(p.id) }),
          commit: () => {
            p.state = 'REVERSED'
            p.updatedAt = now
          },
        }
      }
    }
  }

  /** Ids only grow, so they never repeat within a session. */
  #nextPaymentId(ids: IdSource): string {
    if (this.settings.idsAbove2p53) {
      const last = this.#lastId !== undefined && this.#lastId >= BIG_ID_BASE ? this.#lastId : undefined
      this.#lastId = last === undefined ? BIG_ID_BASE : last + 2n * BigInt(ids.int(1, 500))
    } else {
      this.#lastId = this.#lastId === undefined ? BigInt(ids.int(FIRST_ID_MIN, FIRST_ID_MAX)) : this.#lastId + BigInt(ids.int(1, 1000))
    }
    return this.#lastId.toString()
  }

  #card(ids: IdSource): Payment['card'] {
    const uzcard = ids.random() < 0.6
    return {
      card_type: 'private',
      processing_type: uzcard ? 'UZCARD' : 'HUMO',
      card_number: `${uzcard ? '860002' : '986001'}******${ids.digits(4)}`,
      phone_number: `99890${ids.digits(7)}`,
    }
  }

  // --------------------------------------------------------------------------- Control

  protected stateView(now: number): Record<string, Json> {
    for (const p of this.#payments.values()) settle(p, now, this.settings.confirmWindowMs)
    return {
      serviceId: this.settings.serviceId,
      confirmMode: this.settings.confirmMode,
      payments: [...this.#payments.values()].map(paymentView),
      tokens: [...this.#tokens.values()].map(codeView),
    }
  }

  protected control(sub: string, req: ApiRequest, env: SandboxEnv, parsed: Json | undefined, now: number): ApiReply | undefined {
    const body = (): Json | undefined => parsed
    if (sub === 'wallet/token' && req.method === 'POST') {
      return mintCode(this.#tokens, body(), {
        now,
        defaultTtlMs: this.settings.tokenTtlMs,
        make: () => TOKEN_PREFIX + env.ids.digits(TOKEN_DIGITS - TOKEN_PREFIX.length),
      })
    }
    const paymentMatch = /^payment\/(\d+)$/.exec(sub)
    if (paymentMatch && req.method === 'PUT') {
      const p = this.#payments.get(BigInt(paymentMatch[1] ?? '0').toString())
      if (!p) return jsonReply(404, { error: 'no such payment' })
      const args = body()
      if (!isJsonObject(args)) return jsonReply(400, { error: 'the body is { createdAt?, state? }' })
      const createdAt = typeof args.createdAt === 'string' ? Date.parse(args.createdAt) : args.createdAt
      if (createdAt !== undefined && (typeof createdAt !== 'number' || !Number.isFinite(createdAt)))
        return jsonReply(400, { error: 'createdAt: epoch ms or ISO' })
      const state = args.state
      if (state !== undefined && (typeof state !== 'string' || !Object.hasOwn(PAYMENT_STATUS, state))) return jsonReply(400, { error: 'unknown state' })
      if (createdAt !== undefined) p.createdAt = createdAt
      if (state !== undefined) p.state = state as PaymentState
      p.updatedAt = now
      return jsonReply(200, paymentView(p))
    }
    return undefined
  }
}

export const clickpass: ProviderFactory = {
  id: 'clickpass',
  title: 'ClickPass (Click, UZS)',
  create: (opts) => new ClickPassSandbox(opts),
}
