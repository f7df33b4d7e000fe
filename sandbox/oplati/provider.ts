// The O!plati emulator (docs/protocols/oplati.md § 3): the cashbox API `ms-pay` under
// `/sandbox/oplati/ms-pay`, with the public routes (E3–E8) and the Paydesk conventions
// C1–C6, the § 3.4 checks and states, poll floors (§ 3.5), the customer (§ 3.6), faults
// (docs/protocols/README.md S3, § 3.7) and magic amounts (S4). Pure rules live in `ledger.ts`.
//
// Control API under `/sandbox/oplati/_control/` (faults and calls are the server's):
//   GET  config                 the settings (§ 3.1)
//   PUT  config                 merge settings; unknown keys or bad types → 400, nothing changes
//   GET  state                  { cashboxes[], payments[], sessions[], loyalty[], tokens[], counters } —
//                               paymentId as a string, amounts in kopecks, status and state name, ISO times
//   POST wallet/token           { ttlMs?, behaviour? } → { token, expiresAt, ttlMs, behaviour }: a customer
//                               QR for mode 0, `o-plati://cpm/<22 base64url>`; `behaviour` is a magic name or
//                               code (S4) the customer follows on the payment made with it
//   POST customer/act           § 3.6: { sessionId | dynamicQR, action: "scan" }
//                               { paymentId, action: "confirm" | "decline" | "insufficient" | "ignore" }
//                               { code, regNum?, action: … }   (mode 1: the code the cashier tells)
//                               { requestId, action: "confirm" | "decline" | "ignore" }   (loyalty)
//                               { action: "showQr", ttlMs?, behaviour? }   (= wallet/token)
//                               → the entity's state view; 404 unknown, 409 already final
//   GET  customer/pending       what waits for the customer (the phone page's buttons)
//   GET  static-qr[?regNum=]    C4's sticker: { regNum, content: "o-plati://o-webpay/static/<regNum>" }
//   POST cabinet/reset-token    { regNum } → the token state becomes `none` (C1); the phone page does the same
//                               through customer/act { action: "resetToken", regNum }
//   POST cabinet/desync         { regNum } → a token nobody holds is issued: the state becomes `issued`,
//                               so the next C1 answers 409 with message A (rule 1.3.3)
//
// Sandbox conventions beyond § 3 [C]:
//   - Auth: a call carrying a `password` header is checked as the public regNum + password auth in
//     either authMode (a wrong one → 401 AUTH_FAILED); without it, a `password`-mode cashbox answers
//     AUTH_FAILED and a `token`-mode one applies C2 (TOKEN_INVALID, message B). C1 needs only a known
//     regNum (unknown → TOKEN_INVALID, B: "not registered").
//   - Check order: auth, body, DUPLICATE_ORDER, session, customer QR (spent here, as C3 says), poll
//     floor, then faults and magic, then the state rules (§ 3.4). A fault is not used up by a request
//     an earlier check refused. `tokenInvalid` and `tokenExists` answer 401 B / 409 A in place of the
//     normal answer on the routes they match.
//   - A poll counts for the floor whether or not it was refused (the floor is between any two E3 of
//     one id, E6 of one session, C6 status of one request; E4 does not start it).
//   - `decline` on `payments` answers PaymentInfo with status `code` (2, 3 or 4; default 2 DECLINE)
//     without storing anything (S3: not applied); on `reversals` a type-3 PaymentInfo with status 2;
//     on `loyalty` `{requestId, status: 2}`; on `tokenIssue` 409 TOKEN_EXISTS; elsewhere 409
//     INVALID_STATE. `error` takes `code` as the HTTP status (or `status`), optional `internalCode`
//     and `note` (lang_ru).
//   - `pending` on `payments`/`loyalty` scripts the customer: `forMs` (sandbox clock) or `polls: N`,
//     then `then` ("approve" default, "decline", "insufficient"); `forever: true` never acts (TIMEOUT
//     after consumerTimeoutMs). The extra fault `customer` { action, afterMs? } does the same with a
//     customer action after `afterMs` (default autoCustomerDelayMs). Neither has an effect elsewhere.
//   - The extra fault `confirmFirst` on `cancel`: the customer confirms an in-progress sale at the
//     moment the cancel arrives, and C5 answers 200 with status 1 (the race of § 4.3 / scenario 20),
//     where a sale already at 1 would otherwise answer 409 INVALID_STATE.
//   - Magic (`magic: true`, or a customer QR's `behaviour`, which works even with magic off): 91 →
//     the customer declines after autoCustomerDelayMs, 92 → confirms after 20 s, 93 → never acts
//     (TIMEOUT), 99 → irreversible; these hold with `autoCustomer` off too. 00–90 confirm after
//     autoCustomerDelayMs only with `autoCustomer` on. 94–98 apply to `payments` and `reversals` (by
//     the reversal's own sum). Precedence: fault rule, then QR behaviour, then amount.
//   - A session pays once: after E4 (or C6) uses it, it answers SESSION_NOT_FOUND to another E4/C6.
//   - C5 "in the same shift": the cashbox's current shift is C5's optional body `shift`, else the
//     `shift` of its latest E4 or E7 that carried one; unknown on either side → allowed.
//   - E7 replay: the same `orderNumber` on the same sale returns the stored reversal, before any other
//     check; an `orderNumber` already used by a reversal of another sale → 409 DUPLICATE_ORDER.
//   - `sum`, `amountTotal`, `cost` must be JSON numbers (a string "17.00" → VALIDATION), and
//     `orderNumber` a non-empty string.
//   - A status-0 payment's deadline (consumerTimeoutMs) is fixed when it is created.
//   - `adoptTokens` (demo): see settings.ts.

import { applyFault, DEFAULT_PENDING_MS, type FaultRule, MAGIC_PENDING_MS, magicCodeOf, magicOf, type Prepared } from '../core/faults.ts'
import { jsonReply, textReply } from '../core/http.ts'
import type { IdSource } from '../core/ids.ts'
import { isJsonObject, parseJson, type Json } from '../core/json.ts'
import { wireOutcomes } from '../core/outcomes.ts'
import { Emulator } from '../core/emulator.ts'
import type { ApiReply, ApiRequest, PhoneOutcome, ProviderFactory, SandboxEnv } from '../core/types.ts'
import { faultError, oplatiError } from './errors.ts'
import {
  cancelEffect,
  codeView,
  type ConsumerCode,
  countPoll,
  CUSTOMER_ACTIONS,
  type CustomerAction,
  customerAct,
  finish,
  type LoyaltyRequest,
  loyaltyInfo,
  loyaltyView,
  type PaySource,
  type Payment,
  paymentInfo,
  paymentView,
  parseLoyaltyBody,
  parsePaymentBody,
  type Plan,
  refundedOf,
  reportOf,
  reversalRefusal,
  SALE,
  SALE_RETURN,
  type Session,
  sessionView,
  settle,
  settleSession,
  STATUS,
  type Status,
  statusAfterPoll,
  tooEarly,
  validDate,
} from './ledger.ts'
import { type Cashbox, defaultSettings, mergeSettings, type OplatiSettings } from './settings.ts'

export const OPLATI_ROUTES = [
  'tokenIssue',
  'demandPayment',
  'consumerStatus',
  'payments',
  'paymentStatus',
  'cancel',
  'reversals',
  'reports',
  'loyalty',
  'loyaltyStatus',
] as const
type Route = (typeof OPLATI_ROUTES)[number]

export const OPLATI_EXTRA_FAULTS = ['tokenExists', 'tokenInvalid', 'customer', 'confirmFirst'] as const

/** § 3: the API base below the provider prefix. */
const API_ROOT = 'ms-pay'
/** C3: minted customer codes. */
const CONSUMER_QR_PREFIX = 'o-plati://cpm/'
const CONSUMER_QR_CHARS = 22
/** C3 under `acceptAnyToken`: any string of 8 to 512 characters. */
const ANY_CODE_MIN = 8
const ANY_CODE_MAX = 512
/** § 2.5 [V-doc]: `o-plati://o-webpay/dyn/<id>`; E5's id is 28 base64 characters (§ 3.4). */
const DYNAMIC_QR_PREFIX = 'o-plati://o-webpay/dyn/'
const DYNAMIC_QR_BYTES = 20
/** C4's demo sticker. */
const STATIC_QR_PREFIX = 'o-plati://o-webpay/static/'
/** C1: `{"token":"<43 base64url characters>"}`. */
const TOKEN_CHARS = 43
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/
/** E5 accepts only this `paymentMode` [V-sdk]. */
const DEMAND_PAYMENT_MODE = 3
/** C6: loyalty card numbers are 13 digits. */
const CARD_DIGITS = 13
/** A real-looking first id (the docs' example is 123456). */
const FIRST_ID_MIN = 1_000_000
const FIRST_ID_MAX = 9_999_999
/** idsAbove2p53: the first id is 2^53 + 1 (docs/rules.md scenario 8); later ones stay odd, so no double holds them. */
const BIG_ID_BASE = 2n ** 53n + 1n
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

interface TokenRecord {
  token: string | undefined
  issuedAt: number | undefined
  /** The cabinet reset it: `adoptTokens` no longer adopts an unknown token. */
  cabinetReset: boolean
}

/** What a route's checks hand to the fault step. */
interface Action {
  prepare(rule: FaultRule | undefined, magic: number | undefined): Prepared
  decline(code: number | undefined): ApiReply
  /** Kopecks, for magic amounts (`payments`, `reversals`). */
  magicSum?: number
  /** A customer QR's minted behaviour (mode 0). */
  behaviour?: number
  tooEarly?: boolean
}

interface Ctx {
  req: ApiRequest
  env: SandboxEnv
  now: number
  cashbox: Cashbox
  body: Json | undefined
  seg: string[]
}

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

/** A payment id from a path segment or a body value, as canonical digits. */
function paymentIdOf(v: Json | undefined): string | undefined {
  if (typeof v === 'bigint') return v >= 0n ? v.toString() : undefined
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined
  if (typeof v === 'string' && /^\d{1,40}$/.test(v)) return BigInt(v).toString()
  return undefined
}

function header(req: ApiRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

const refuse = (reply: ApiReply): Prepared => ({ reply, commit: () => undefined })

/** `then` of a `pending` rule, or `action` of a `customer` rule, as a final status (undefined: never acts). */
function statusOfWord(word: Json | undefined, fallback: Status | undefined): Status | undefined {
  switch (word) {
    case 'approve':
    case 'confirm':
      return STATUS.OK
    case 'decline':
      return STATUS.DECLINE
    case 'insufficient':
      return STATUS.NOT_ENOUGH
    case 'ignore':
    case 'timeout':
      return undefined
    default:
      return fallback
  }
}

export class OplatiSandbox extends Emulator<OplatiSettings> {
  readonly id = 'oplati'
  readonly routes: readonly string[] = OPLATI_ROUTES
  override readonly extraFaults: readonly string[] = OPLATI_EXTRA_FAULTS
  #payments = new Map<string, Payment>()
  #loyalty = new Map<string, LoyaltyRequest>()
  #sessions = new Map<string, Session>()
  #codes = new Map<string, ConsumerCode>()
  #tokens = new Map<string, TokenRecord>()
  /** The latest `shift` seen per regNum on E4/E7 (C5's "same shift"). */
  #shifts = new Map<string, string>()
  #lastId: bigint | undefined
  #lastLoyaltyId: number | undefined

  constructor(opts: { demo: boolean }) {
    super(opts, { defaults: defaultSettings, merge: mergeSettings })
  }

  protected clear(): void {
    this.#payments.clear()
    this.#loyalty.clear()
    this.#sessions.clear()
    this.#codes.clear()
    this.#tokens.clear()
    this.#shifts.clear()
    this.#lastId = undefined
    this.#lastLoyaltyId = undefined
  }

  routeOf(method: string, path: string): Route | undefined {
    const [root, pos, a, b, c, ...rest] = segments(path)
    if (root !== API_ROOT || pos !== 'pos' || rest.length > 0) return undefined
    if (a === 'cashbox' && b === 'token' && c === undefined && method === 'POST') return 'tokenIssue'
    if (a === 'demandPayment' && b === undefined && method === 'POST') return 'demandPayment'
    if (a === 'consumerStatus' && b === undefined && method === 'GET') return 'consumerStatus'
    if (a === 'paymentReports' && b === undefined && method === 'GET') return 'reports'
    if (a === 'payments') {
      if (b === undefined) return method === 'POST' ? 'payments' : undefined
      if (c === undefined) return method === 'GET' ? 'paymentStatus' : undefined
      if (c === 'cancel' && method === 'POST') return 'cancel'
      if (c === 'reversals' && method === 'POST') return 'reversals'
    }
    if (a === 'loyaltyCards') {
      if (b === undefined) return method === 'POST' ? 'loyalty' : undefined
      if (c === undefined && method === 'GET') return 'loyaltyStatus'
    }
    // E1, E2 and anything else: not served (§ 3.2).
    return undefined
  }

  phoneOutcomes(): PhoneOutcome[] {
    const once = (fault: string, extra: Record<string, Json> = {}): PhoneOutcome['rule'] => ({ route: 'payments', fault, times: 1, ...extra })
    return [
      { id: 'approve', ru: 'Подтвердить', en: 'Customer confirms', rule: null },
      { id: 'decline', ru: 'Отказ от платежа', en: 'Customer declines', rule: once('customer', { action: 'decline' }) },
      { id: 'insufficient', ru: 'Недостаточно средств', en: 'Not enough money', rule: once('customer', { action: 'insufficient' }) },
      { id: 'timeout', ru: 'Клиент не подтвердил платеж', en: 'Never confirms (timeout)', rule: once('customer', { action: 'ignore' }) },
      ...wireOutcomes('payments', { ru: 'Платёж создан, ответ потерян', en: 'Applied, reply lost' }),
      { id: 'tokenInvalid', ru: 'Токен сброшен (сообщение B)', en: 'Token reset (message B)', rule: once('tokenInvalid') },
      { id: 'offline', ru: 'Нет связи с сервером', en: 'Server unreachable', rule: { route: '*', fault: 'offline', times: 0 } },
    ]
  }

  // ------------------------------------------------------------------------------- API

  protected api(req: ApiRequest, env: SandboxEnv): ApiReply {
    const route = req.route as Route | undefined
    if (route === undefined) return textReply(404, 'Not Found')
    const now = env.clock.now()
    this.#settleAll(now)

    // 1. Auth
    const auth = this.#auth(route, req, now)
    if ('reply' in auth) return auth.reply
    // 2. Body
    let body: Json | undefined
    if (req.method === 'POST' && req.rawBody.trim() !== '') {
      try {
        body = parseJson(req.rawBody)
      } catch {
        return oplatiError('VALIDATION', 'body: not JSON')
      }
    }
    const ctx: Ctx = { req, env, now, cashbox: auth.cashbox, body, seg: segments(req.path) }
    // 3. Route checks (validation, duplicates, session, customer QR, poll floor)
    const action = this.#check(route, ctx)
    if ('status' in action) return action

    // 4. Faults, then magic amounts (or the QR's behaviour).
    let rule: FaultRule | undefined = env.faults.take(route, this.#fields(ctx))
    const tag = { ...(action.tooEarly ? { tooEarly: true } : {}) }
    if (rule?.fault === 'tokenInvalid') return { ...oplatiError('TOKEN_INVALID', 'sandbox fault: tokenInvalid'), fault: rule.fault, ...tag }
    if (rule?.fault === 'tokenExists') return { ...oplatiError('TOKEN_EXISTS', 'sandbox fault: tokenExists'), fault: rule.fault, ...tag }
    let magic: number | undefined
    if (!rule && action.magicSum !== undefined) {
      const code =
        route === 'payments'
          ? (action.behaviour ?? (this.settings.magic ? action.magicSum % 100 : undefined))
          : this.settings.magic
            ? action.magicSum % 100
            : undefined
      const wire = code !== undefined && code >= 94 && code <= 98
      if (code !== undefined && code >= 91 && (route === 'payments' || wire)) {
        magic = code
        if (wire) rule = magicOf(code)?.rule
      }
    }
    // 5. The business outcome, shaped by the fault.
    const reply = applyFault(rule, {
      prepare: () => action.prepare(rule, magic),
      decline: (code) => action.decline(code),
      error: (code, note, status) => faultError(code, note, status, typeof rule?.params.internalCode === 'string' ? rule.params.internalCode : undefined),
    })
    return { ...reply, ...(magic === undefined ? {} : { magic }), ...tag }
  }

  #settleAll(now: number): void {
    for (const p of this.#payments.values()) settle(p, now)
    for (const l of this.#loyalty.values()) settle(l, now)
    for (const s of this.#sessions.values()) settleSession(s, now)
  }

  #tokenRecord(regNum: string): TokenRecord {
    let rec = this.#tokens.get(regNum)
    if (!rec) {
      rec = { token: undefined, issuedAt: undefined, cabinetReset: false }
      this.#tokens.set(regNum, rec)
    }
    return rec
  }

  #tokenState(c: Cashbox): 'none' | 'issued' | 'password-mode' {
    if (c.authMode === 'password') return 'password-mode'
    return this.#tokens.get(c.regNum)?.token === undefined ? 'none' : 'issued'
  }

  #auth(route: Route, req: ApiRequest, now: number): { cashbox: Cashbox } | { reply: ApiReply } {
    const regNum = header(req, 'regNum')
    const cashbox = this.settings.cashboxes.find((c) => c.regNum === regNum)
    if (route === 'tokenIssue') return cashbox ? { cashbox } : { reply: oplatiError('TOKEN_INVALID', 'regNum: not registered') }
    const password = header(req, 'password')
    if (password !== undefined) {
      return cashbox && password === cashbox.password ? { cashbox } : { reply: oplatiError('AUTH_FAILED', 'regNum or password') }
    }
    const token = header(req, 'token')
    if (!cashbox)
      return { reply: token === undefined ? oplatiError('AUTH_FAILED', 'regNum or password') : oplatiError('TOKEN_INVALID', 'regNum: not registered') }
    if (cashbox.authMode === 'password') return { reply: oplatiError('AUTH_FAILED', 'password: required in password mode') }
    const rec = this.#tokenRecord(cashbox.regNum)
    if (rec.token === undefined && this.settings.adoptTokens && !rec.cabinetReset && token !== undefined && TOKEN_FORMAT.test(token)) {
      rec.token = token
      rec.issuedAt = now
    }
    if (rec.token === undefined || token !== rec.token)
      return { reply: oplatiError('TOKEN_INVALID', rec.token === undefined ? 'token: none issued' : 'token: does not match') }
    return { cashbox }
  }

  /** The fields a fault rule's `match` may name: the body's, the path's ids, the query's. */
  #fields(ctx: Ctx): Record<string, Json> {
    const out: Record<string, Json> = {}
    for (const [k, v] of ctx.req.query) out[k] = v
    if (isJsonObject(ctx.body)) Object.assign(out, ctx.body)
    const [, , a, b] = ctx.seg
    const id = decode(b)
    if (id !== undefined) out[a === 'loyaltyCards' ? 'requestId' : 'paymentId'] = id
    return out
  }

  #check(route: Route, ctx: Ctx): Action | ApiReply {
    switch (route) {
      case 'tokenIssue':
        return this.#tokenIssue(ctx)
      case 'demandPayment':
        return this.#demandPayment(ctx)
      case 'consumerStatus':
        return this.#consumerStatus(ctx)
      case 'payments':
        return this.#pay(ctx)
      case 'paymentStatus':
        return this.#paymentStatus(ctx)
      case 'cancel':
        return this.#cancel(ctx)
      case 'reversals':
        return this.#reversal(ctx)
      case 'reports':
        return this.#reports(ctx)
      case 'loyalty':
        return this.#loyaltyCreate(ctx)
      case 'loyaltyStatus':
        return this.#loyaltyStatus(ctx)
    }
  }

  /** Decline for routes that have no status of their own to decline with. */
  #declineState(): ApiReply {
    return oplatiError('INVALID_STATE', 'sandbox fault: decline')
  }

  // C1
  #tokenIssue(ctx: Ctx): Action | ApiReply {
    if (ctx.body !== undefined && !isJsonObject(ctx.body)) return oplatiError('VALIDATION', 'body: an object')
    const c = ctx.cashbox
    return {
      decline: () => oplatiError('TOKEN_EXISTS', 'sandbox fault: decline'),
      prepare: () => {
        const state = this.#tokenState(c)
        if (state !== 'none') return refuse(oplatiError('TOKEN_EXISTS', `token state: ${state}`))
        const token = this.#token(ctx.env.ids)
        return {
          reply: jsonReply(200, { token }),
          commit: () => {
            const rec = this.#tokenRecord(c.regNum)
            rec.token = token
            rec.issuedAt = ctx.now
            rec.cabinetReset = false
          },
        }
      },
    }
  }

  // E5
  #demandPayment(ctx: Ctx): Action | ApiReply {
    if (!isJsonObject(ctx.body) || ctx.body.paymentMode !== DEMAND_PAYMENT_MODE) return oplatiError('VALIDATION', `paymentMode: must be ${DEMAND_PAYMENT_MODE}`)
    const s = this.settings
    return {
      decline: () => this.#declineState(),
      prepare: () => {
        const session: Session = {
          id: this.#uuid(ctx.env.ids),
          regNum: ctx.cashbox.regNum,
          dynamicQR: DYNAMIC_QR_PREFIX + this.#base64(ctx.env.ids, DYNAMIC_QR_BYTES),
          createdAt: ctx.now,
          expiresAt: ctx.now + s.sessionTtlMs,
          ready: false,
          readyAt: s.autoCustomer ? ctx.now + s.autoCustomerDelayMs : undefined,
          usedBy: undefined,
          lastPollAt: undefined,
        }
        return {
          reply: jsonReply(200, { sessionId: session.id, dynamicQR: session.dynamicQR }),
          commit: () => void this.#sessions.set(session.id, session),
        }
      },
    }
  }

  /** An E5 session of this cashbox, unexpired. */
  #liveSession(id: string | null | undefined, regNum: string, now: number): Session | undefined {
    const s = id ? this.#sessions.get(id) : undefined
    return s && s.regNum === regNum && now < s.expiresAt ? s : undefined
  }

  // E6
  #consumerStatus(ctx: Ctx): Action | ApiReply {
    const id = ctx.req.query.get('sessionId')
    if (!id) return oplatiError('VALIDATION', 'sessionId')
    const session = this.#liveSession(id, ctx.cashbox.regNum, ctx.now)
    if (!session) return oplatiError('SESSION_NOT_FOUND', 'sessionId')
    const early = tooEarly(session.lastPollAt, ctx.now, this.settings.consumerPollFloorMs)
    session.lastPollAt = ctx.now
    if (early && this.settings.enforcePollFloor)
      return { ...oplatiError('TOO_FREQUENT', `consumerStatus: at most every ${this.settings.consumerPollFloorMs} ms`), tooEarly: true }
    return {
      tooEarly: early,
      decline: () => this.#declineState(),
      prepare: () => refuse(jsonReply(200, { isConsumerReady: session.ready })),
    }
  }

  /** Mode 2 (§ 3.4): the session must exist, be unexpired, unused and ready. */
  #sessionCheck(id: string, ctx: Ctx): Session | ApiReply {
    const session = this.#liveSession(id, ctx.cashbox.regNum, ctx.now)
    if (!session || session.usedBy !== undefined) return oplatiError('SESSION_NOT_FOUND', 'sessionId')
    if (!session.ready) return oplatiError('CONSUMER_NOT_READY', 'sessionId: the customer has not scanned yet')
    return session
  }

  /** Mode 0 (C3): known (or acceptable), unused, fresh; spent at this check. */
  #consumerQrCheck(code: string, now: number): ConsumerCode | ApiReply {
    let c = this.#codes.get(code)
    if (!c) {
      if (!this.settings.acceptAnyToken || code.length < ANY_CODE_MIN || code.length > ANY_CODE_MAX) return oplatiError('QR_INVALID', 'consumerQr')
      c = { code, minted: false, createdAt: now, expiresAt: undefined, usedAt: undefined, behaviour: undefined }
      this.#codes.set(code, c)
    }
    if (c.usedAt !== undefined) return oplatiError('QR_USED', 'consumerQr')
    c.usedAt = now
    if (c.expiresAt !== undefined && now >= c.expiresAt) return oplatiError('QR_EXPIRED', 'consumerQr')
    return c
  }

  /** The source checks shared by E4 and C6: the session, or the customer QR. */
  #sourceCheck(source: PaySource, ctx: Ctx): { session?: Session; code?: ConsumerCode } | ApiReply {
    if (source.kind === 'session') {
      const s = this.#sessionCheck(source.sessionId, ctx)
      return 'status' in s ? s : { session: s }
    }
    if (source.kind === 'consumerQr') {
      const c = this.#consumerQrCheck(source.code, ctx.now)
      return 'status' in c ? c : { code: c }
    }
    return {}
  }

  /** What the customer will do, from a fault rule, the magic code, or the auto-customer. */
  #planFor(rule: FaultRule | undefined, magic: number | undefined, now: number): Plan | undefined {
    const s = this.settings
    const p = rule?.params ?? {}
    if (rule?.fault === 'pending') {
      if (p.forever === true) return undefined
      const status = statusOfWord(p.then, STATUS.OK)
      if (status === undefined) return undefined
      const forMs = typeof p.forMs === 'number' ? p.forMs : undefined
      const polls = typeof p.polls === 'number' ? Math.floor(p.polls) : undefined
      return { at: forMs !== undefined ? now + forMs : polls !== undefined ? Infinity : now + DEFAULT_PENDING_MS, pollsLeft: polls, status }
    }
    if (rule?.fault === 'customer') {
      const status = statusOfWord(p.action, STATUS.OK)
      if (status === undefined) return undefined
      return { at: now + (typeof p.afterMs === 'number' ? p.afterMs : s.autoCustomerDelayMs), pollsLeft: undefined, status }
    }
    if (magic === 91) return { at: now + s.autoCustomerDelayMs, pollsLeft: undefined, status: STATUS.DECLINE }
    if (magic === 92) return { at: now + MAGIC_PENDING_MS, pollsLeft: undefined, status: STATUS.OK }
    if (magic === 93) return undefined
    return s.autoCustomer ? { at: now + s.autoCustomerDelayMs, pollsLeft: undefined, status: STATUS.OK } : undefined
  }

  // E4 (+ C3, C4)
  #pay(ctx: Ctx): Action | ApiReply {
    const parsed = parsePaymentBody(ctx.body ?? null, true)
    if (!parsed.ok) return oplatiError('VALIDATION', parsed.field)
    const b = parsed.value
    const regNum = ctx.cashbox.regNum
    for (const p of this.#payments.values()) {
      if (p.regNum === regNum && p.paymentType === SALE && p.orderNumber === b.orderNumber) return oplatiError('DUPLICATE_ORDER', 'orderNumber')
    }
    const source = b.source ?? { kind: 'staticQr' }
    const checked = this.#sourceCheck(source, ctx)
    if ('status' in checked) return checked
    const { session, code } = checked
    const make = (status: Status, plan: Plan | undefined, magic: number | undefined): Payment => ({
      id: this.#nextPaymentId(ctx.env.ids),
      regNum,
      paymentType: SALE,
      sum: b.sum,
      status,
      orderNumber: b.orderNumber,
      shift: b.shift,
      source: source.kind === 'session' ? 'session' : source.kind,
      confirmationCode: source.kind === 'staticQr' && status === STATUS.IN_PROGRESS ? this.#confirmationCode(regNum, ctx.env.ids) : undefined,
      sessionId: session?.id,
      consumerQr: code?.code,
      originalId: undefined,
      pursePublicId: this.#uuid(ctx.env.ids),
      irreversible: magic === 99,
      magic,
      details: b.details,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      expiresAt: ctx.now + this.settings.consumerTimeoutMs,
      plan,
      lastPollAt: undefined,
      paidAt: undefined,
    })
    return {
      magicSum: b.sum,
      ...(code?.behaviour === undefined ? {} : { behaviour: code.behaviour }),
      decline: (c) => jsonReply(200, paymentInfo(make(c === 3 || c === 4 ? c : STATUS.DECLINE, undefined, undefined))),
      prepare: (rule, magic) => {
        const p = make(STATUS.IN_PROGRESS, this.#planFor(rule, magic, ctx.now), magic)
        return {
          reply: jsonReply(200, paymentInfo(p)),
          commit: () => {
            this.#payments.set(p.id, p)
            if (session) session.usedBy = p.id
            if (p.shift !== undefined) this.#shifts.set(regNum, p.shift)
          },
        }
      },
    }
  }

  /** A payment of this cashbox by the path's id. */
  #paymentOf(ctx: Ctx): Payment | ApiReply {
    const id = paymentIdOf(decode(ctx.seg[3]))
    const p = id === undefined ? undefined : this.#payments.get(id)
    if (!p || p.regNum !== ctx.cashbox.regNum) return oplatiError('PAYMENT_NOT_FOUND', 'paymentId')
    return p
  }

  // E3
  #paymentStatus(ctx: Ctx): Action | ApiReply {
    const found = this.#paymentOf(ctx)
    if (!('id' in found)) return found
    const payment = found
    const floor = this.settings.pollFloorMs
    const early = tooEarly(payment.lastPollAt, ctx.now, floor)
    payment.lastPollAt = ctx.now
    if (early && this.settings.enforcePollFloor) return { ...oplatiError('TOO_FREQUENT', `paymentStatus: at most every ${floor} ms`), tooEarly: true }
    return {
      tooEarly: early,
      decline: () => this.#declineState(),
      prepare: () => ({
        reply: jsonReply(
          200,
          paymentInfo({
            ...payment,
            status: statusAfterPoll(payment),
            paidAt: payment.paidAt ?? (statusAfterPoll(payment) === STATUS.OK ? ctx.now : undefined),
          }),
        ),
        commit: () => countPoll(payment, ctx.now),
      }),
    }
  }

  // C5
  #cancel(ctx: Ctx): Action | ApiReply {
    const found = this.#paymentOf(ctx)
    if (!('id' in found)) return found
    const p = found
    if (ctx.body !== undefined && !isJsonObject(ctx.body)) return oplatiError('VALIDATION', 'body: an object')
    const shift = isJsonObject(ctx.body) ? ctx.body.shift : undefined
    if (shift !== undefined && shift !== null && typeof shift !== 'string') return oplatiError('VALIDATION', 'shift')
    return {
      decline: () => this.#declineState(),
      prepare: (rule) => {
        if (rule?.fault === 'confirmFirst' && p.status === STATUS.IN_PROGRESS && p.paymentType === SALE && !p.irreversible) {
          return { reply: jsonReply(200, paymentInfo({ ...p, status: STATUS.OK, paidAt: ctx.now })), commit: () => finish(p, STATUS.OK, ctx.now) }
        }
        const effect = cancelEffect(p, typeof shift === 'string' ? shift : this.#shifts.get(p.regNum))
        if (effect === 'INVALID_STATE') return refuse(oplatiError('INVALID_STATE', `cancel: status ${p.status}, paymentType ${p.paymentType}`))
        if (effect === 'unchanged') return refuse(jsonReply(200, paymentInfo(p)))
        return {
          reply: jsonReply(200, paymentInfo({ ...p, status: STATUS.TECHNICAL_CANCELLING, updatedAt: ctx.now })),
          commit: () => finish(p, STATUS.TECHNICAL_CANCELLING, ctx.now),
        }
      },
    }
  }

  // E7
  #reversal(ctx: Ctx): Action | ApiReply {
    const parsed = parsePaymentBody(ctx.body ?? null, false)
    if (!parsed.ok) return oplatiError('VALIDATION', parsed.field)
    const b = parsed.value
    const found = this.#paymentOf(ctx)
    if (!('id' in found)) return found
    const sale = found
    const s = this.settings
    const make = (status: Status): Payment => ({
      id: this.#nextPaymentId(ctx.env.ids),
      regNum: sale.regNum,
      paymentType: SALE_RETURN,
      sum: b.sum,
      status,
      orderNumber: b.orderNumber,
      shift: b.shift,
      source: 'reversal',
      confirmationCode: undefined,
      sessionId: undefined,
      consumerQr: undefined,
      originalId: sale.id,
      pursePublicId: sale.pursePublicId,
      irreversible: false,
      magic: undefined,
      details: b.details,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      expiresAt: Infinity,
      plan: undefined,
      lastPollAt: undefined,
      paidAt: status === STATUS.OK ? ctx.now : undefined,
    })
    return {
      magicSum: b.sum,
      decline: () => jsonReply(200, paymentInfo(make(STATUS.DECLINE))),
      prepare: () => {
        let replay: Payment | undefined
        for (const q of this.#payments.values()) {
          if (q.paymentType !== SALE_RETURN || q.regNum !== sale.regNum || q.orderNumber !== b.orderNumber) continue
          if (q.originalId === sale.id) replay = q
          else return refuse(oplatiError('DUPLICATE_ORDER', 'orderNumber: used by a reversal of another payment'))
        }
        if (replay) return refuse(jsonReply(200, paymentInfo(replay)))
        const refusal = reversalRefusal(sale, b.sum, refundedOf(sale.id, this.#payments.values()), ctx.now, s.reversalWindowDays)
        if (refusal) return refuse(oplatiError(refusal, refusal === 'REVERSAL_EXCEEDS' ? 'sum' : `payment ${sale.id}`))
        const r = make(STATUS.OK)
        return {
          reply: jsonReply(200, paymentInfo(r)),
          commit: () => {
            this.#payments.set(r.id, r)
            if (r.shift !== undefined) this.#shifts.set(r.regNum, r.shift)
          },
        }
      },
    }
  }

  // E8
  #reports(ctx: Ctx): Action | ApiReply {
    const q = ctx.req.query
    const shift = q.get('shift')
    if (!shift) return oplatiError('VALIDATION', 'shift')
    const start = q.get('shiftStart') ?? undefined
    const end = q.get('shiftEnd') ?? undefined
    if (start !== undefined && !validDate(start)) return oplatiError('VALIDATION', 'shiftStart')
    if (end !== undefined && !validDate(end)) return oplatiError('VALIDATION', 'shiftEnd')
    return {
      decline: () => this.#declineState(),
      prepare: () => refuse(jsonReply(200, reportOf(this.#payments.values(), ctx.cashbox.regNum, shift, start, end).map(paymentInfo))),
    }
  }

  // C6
  #loyaltyCreate(ctx: Ctx): Action | ApiReply {
    const parsed = parseLoyaltyBody(ctx.body ?? null)
    if (!parsed.ok) return oplatiError('VALIDATION', parsed.field)
    const { orderNumber, source } = parsed.value
    const checked = this.#sourceCheck(source, ctx)
    if ('status' in checked) return checked
    const { session, code } = checked
    const regNum = ctx.cashbox.regNum
    const make = (status: Status, plan: Plan | undefined): LoyaltyRequest => ({
      id: this.#nextLoyaltyId(ctx.env.ids),
      regNum,
      orderNumber,
      source: source.kind === 'session' ? 'session' : source.kind,
      status,
      cardNumber: `2${ctx.env.ids.digits(CARD_DIGITS - 1)}`,
      confirmationCode: source.kind === 'staticQr' && status === STATUS.IN_PROGRESS ? this.#confirmationCode(regNum, ctx.env.ids) : undefined,
      sessionId: session?.id,
      consumerQr: code?.code,
      createdAt: ctx.now,
      updatedAt: ctx.now,
      expiresAt: ctx.now + this.settings.consumerTimeoutMs,
      plan,
      lastPollAt: undefined,
      paidAt: status === STATUS.OK ? ctx.now : undefined,
    })
    return {
      decline: (c) => jsonReply(200, loyaltyInfo(make(c === 4 ? STATUS.TIMEOUT : STATUS.DECLINE, undefined))),
      prepare: (rule) => {
        // Mode 0: the customer's code is the card itself, answered at once (C6).
        const l = source.kind === 'consumerQr' ? make(STATUS.OK, undefined) : make(STATUS.IN_PROGRESS, this.#planFor(rule, undefined, ctx.now))
        return {
          reply: jsonReply(200, loyaltyInfo(l)),
          commit: () => {
            this.#loyalty.set(l.id, l)
            if (session) session.usedBy = l.id
          },
        }
      },
    }
  }

  // C6 status
  #loyaltyStatus(ctx: Ctx): Action | ApiReply {
    const id = decode(ctx.seg[3])
    const l = id === undefined ? undefined : this.#loyalty.get(id)
    if (!l || l.regNum !== ctx.cashbox.regNum) return oplatiError('LOYALTY_NOT_FOUND', 'requestId')
    const floor = this.settings.pollFloorMs
    const early = tooEarly(l.lastPollAt, ctx.now, floor)
    l.lastPollAt = ctx.now
    if (early && this.settings.enforcePollFloor) return { ...oplatiError('TOO_FREQUENT', `loyaltyStatus: at most every ${floor} ms`), tooEarly: true }
    return {
      tooEarly: early,
      decline: () => this.#declineState(),
      prepare: () => ({ reply: jsonReply(200, loyaltyInfo({ ...l, status: statusAfterPoll(l) })), commit: () => countPoll(l, ctx.now) }),
    }
  }

  // ------------------------------------------------------------------------ generators

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

  #nextLoyaltyId(ids: IdSource): string {
    this.#lastLoyaltyId = this.#lastLoyaltyId === undefined ? ids.int(100_000, 999_999) : this.#lastLoyaltyId + ids.int(1, 100)
    return String(this.#lastLoyaltyId)
  }

  /** C4: 4 digits, unique among the cashbox's open static payments and loyalty requests. */
  #confirmationCode(regNum: string, ids: IdSource): string {
    const taken = new Set<string>()
    for (const w of [...this.#payments.values(), ...this.#loyalty.values()]) {
      if (w.regNum === regNum && w.status === STATUS.IN_PROGRESS && w.confirmationCode !== undefined) taken.add(w.confirmationCode)
    }
    let code: string
    do code = ids.digits(4)
    while (taken.has(code))
    return code
  }

  #token(ids: IdSource): string {
    let s = ''
    for (let i = 0; i < TOKEN_CHARS; i++) s += BASE64URL[ids.int(0, 63)]
    return s
  }

  #base64(ids: IdSource, bytes: number): string {
    return Buffer.from(Array.from({ length: bytes }, () => ids.int(0, 255))).toString('base64')
  }

  #uuid(ids: IdSource): string {
    const h = Array.from({ length: 32 }, () => ids.int(0, 15).toString(16)).join('')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }

  #mintCode(ids: IdSource, now: number, ttlMs: number, behaviour: number | undefined): ConsumerCode {
    let code: string
    do code = CONSUMER_QR_PREFIX + Array.from({ length: CONSUMER_QR_CHARS }, () => BASE64URL[ids.int(0, 63)]).join('')
    while (this.#codes.has(code))
    const c: ConsumerCode = { code, minted: true, createdAt: now, expiresAt: now + ttlMs, usedAt: undefined, behaviour }
    this.#codes.set(code, c)
    return c
  }

  // --------------------------------------------------------------------------- Control

  protected override beforeControl(now: number): void {
    this.#settleAll(now)
  }

  protected control(sub: string, req: ApiRequest, env: SandboxEnv, parsed: Json | undefined, now: number): ApiReply | undefined {
    const body = (): Json | undefined => parsed
    const badRequest = (error: string): ApiReply => jsonReply(400, { error })
    if (sub === 'wallet/token' && req.method === 'POST') return this.#mintReply(body() ?? {}, env, now)
    if (sub === 'customer/act' && req.method === 'POST') {
      const args = body()
      if (!isJsonObject(args)) return badRequest('the body is { action, sessionId | dynamicQR | paymentId | code | requestId }')
      return this.#act(args, env, now)
    }
    if (sub === 'customer/pending' && req.method === 'GET') return jsonReply(200, this.#pending(now))
    if (sub === 'static-qr' && req.method === 'GET') {
      const regNum = req.query.get('regNum') ?? this.settings.cashboxes[0]?.regNum
      const c = this.settings.cashboxes.find((x) => x.regNum === regNum)
      if (!c) return jsonReply(404, { error: 'no such cashbox' })
      return jsonReply(200, { regNum: c.regNum, content: STATIC_QR_PREFIX + c.regNum })
    }
    if ((sub === 'cabinet/reset-token' || sub === 'cabinet/desync') && req.method === 'POST') {
      const args = body()
      const regNum = isJsonObject(args) ? args.regNum : undefined
      if (typeof regNum !== 'string') return badRequest('the body is { regNum }')
      return this.#cabinet(sub === 'cabinet/reset-token' ? 'reset' : 'desync', regNum, env, now)
    }
    return undefined
  }

  /** The merchant's cabinet (C1): forget the cashbox's token, or issue one nobody holds. */
  #cabinet(what: 'reset' | 'desync', regNum: string, env: SandboxEnv, now: number): ApiReply {
    const c = this.settings.cashboxes.find((x) => x.regNum === regNum)
    if (!c) return jsonReply(404, { error: 'no such cashbox' })
    const rec = this.#tokenRecord(regNum)
    if (what === 'reset') {
      rec.token = undefined
      rec.issuedAt = undefined
      rec.cabinetReset = true
    } else {
      rec.token = this.#token(env.ids)
      rec.issuedAt = now
    }
    return jsonReply(200, { regNum, tokenState: this.#tokenState(c) })
  }

  #mintReply(args: Json, env: SandboxEnv, now: number): ApiReply {
    if (!isJsonObject(args)) return jsonReply(400, { error: 'the body is { ttlMs?, behaviour? }' })
    const ttlMs = args.ttlMs ?? this.settings.consumerQrTtlMs
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) return jsonReply(400, { error: 'ttlMs must be a number ≥ 0' })
    const given = args.behaviour !== undefined && args.behaviour !== null
    const behaviour = given ? magicCodeOf(args.behaviour) : undefined
    if (given && behaviour === undefined) return jsonReply(400, { error: 'unknown behaviour' })
    const c = this.#mintCode(env.ids, now, ttlMs, behaviour)
    return jsonReply(200, { token: c.code, expiresAt: new Date(now + ttlMs).toISOString(), ttlMs, behaviour: behaviour ?? null })
  }

  #act(args: { [key: string]: Json }, env: SandboxEnv, now: number): ApiReply {
    const { action } = args
    // The phone page's way out of «Токен уже существует» for a second demo till on the same cashbox.
    if (action === 'resetToken')
      return typeof args.regNum === 'string' ? this.#cabinet('reset', args.regNum, env, now) : jsonReply(400, { error: 'the body is { action, regNum }' })
    if (action === 'showQr')
      return this.#mintReply(
        { ...(args.ttlMs === undefined ? {} : { ttlMs: args.ttlMs }), ...(args.behaviour === undefined ? {} : { behaviour: args.behaviour }) },
        env,
        now,
      )
    if (action === 'scan') {
      const byQr = typeof args.dynamicQR === 'string' ? [...this.#sessions.values()].find((s) => s.dynamicQR === args.dynamicQR) : undefined
      const s = byQr ?? (typeof args.sessionId === 'string' ? this.#sessions.get(args.sessionId) : undefined)
      if (!s || now >= s.expiresAt) return jsonReply(404, { error: 'no such session, or it has expired' })
      s.ready = true
      return jsonReply(200, sessionView(s, now))
    }
    if (typeof action !== 'string' || !(CUSTOMER_ACTIONS as readonly string[]).includes(action)) {
      return jsonReply(400, { error: `action must be one of: scan, showQr, ${CUSTOMER_ACTIONS.join(', ')}` })
    }
    const act = action as CustomerAction
    const done = (w: Payment | LoyaltyRequest, view: () => Record<string, Json>): ApiReply =>
      customerAct(w, act, now) === 'final' ? jsonReply(409, { error: 'not waiting for the customer', status: w.status }) : jsonReply(200, view())
    if (args.paymentId !== undefined) {
      const id = paymentIdOf(args.paymentId)
      const p = id === undefined ? undefined : this.#payments.get(id)
      if (!p || p.paymentType !== SALE) return jsonReply(404, { error: 'no such payment' })
      return done(p, () => paymentView(p, refundedOf(p.id, this.#payments.values())))
    }
    if (args.requestId !== undefined) {
      const l = this.#loyalty.get(String(args.requestId))
      if (!l) return jsonReply(404, { error: 'no such loyalty request' })
      if (act === 'insufficient') return jsonReply(400, { error: 'a loyalty request is confirmed or declined' })
      return done(l, () => loyaltyView(l))
    }
    if (args.code !== undefined) {
      const code = String(args.code)
      const regNum = typeof args.regNum === 'string' ? args.regNum : undefined
      const open = [...this.#payments.values(), ...this.#loyalty.values()].filter(
        (w) => w.confirmationCode === code && w.status === STATUS.IN_PROGRESS && (regNum === undefined || w.regNum === regNum),
      )
      const [w] = open
      if (!w) return jsonReply(404, { error: 'no open static payment with this code' })
      if (open.length > 1) return jsonReply(409, { error: 'several cashboxes have this code open: name the regNum' })
      if ('cardNumber' in w) {
        if (act === 'insufficient') return jsonReply(400, { error: 'a loyalty request is confirmed or declined' })
        return done(w, () => loyaltyView(w))
      }
      return done(w, () => paymentView(w, 0))
    }
    return jsonReply(400, { error: 'name the paymentId, code, requestId or sessionId' })
  }

  /** The phone page's list: sessions to scan, payments and loyalty requests to confirm, the cabinet's resets, and code entry. */
  #pending(now: number): Record<string, Json> {
    const items: Json[] = []
    const act = (ru: string, en: string, body: Record<string, Json>): Json => ({ ru, en, body })
    for (const s of this.#sessions.values()) {
      if (s.ready || s.usedBy !== undefined || now >= s.expiresAt) continue
      items.push({
        id: s.id,
        ru: 'QR-код на экране кассы',
        en: 'QR code on the till',
        detail: s.dynamicQR,
        actions: [act('Сканировать', 'Scan', { sessionId: s.id, action: 'scan' })],
      })
    }
    for (const p of this.#payments.values()) {
      if (p.status !== STATUS.IN_PROGRESS || p.source === 'staticQr') continue
      const amount = (p.sum / 100).toFixed(2)
      items.push({
        id: p.id,
        ru: `Оплата ${amount} BYN`,
        en: `Pay ${amount} BYN`,
        detail: p.orderNumber,
        actions: [
          act('Подтвердить', 'Confirm', { paymentId: p.id, action: 'confirm' }),
          act('Отказаться', 'Decline', { paymentId: p.id, action: 'decline' }),
          act('Недостаточно средств', 'Not enough money', { paymentId: p.id, action: 'insufficient' }),
        ],
      })
    }
    for (const l of this.#loyalty.values()) {
      if (l.status !== STATUS.IN_PROGRESS || l.source === 'staticQr') continue
      items.push({
        id: l.id,
        ru: 'Добавить карту лояльности',
        en: 'Add the loyalty card',
        detail: l.orderNumber,
        actions: [act('Подтвердить', 'Confirm', { requestId: l.id, action: 'confirm' }), act('Отказаться', 'Decline', { requestId: l.id, action: 'decline' })],
      })
    }
    // The merchant's cabinet: a cashbox whose token another till holds answers C1 with 409 «Токен уже существует»
    // until it is reset here (a second browser profile on the demo's one cashbox).
    const cabinet: Json[] = []
    for (const c of this.settings.cashboxes) {
      if (this.#tokenState(c) !== 'issued') continue
      cabinet.push({
        id: `cabinet-${c.regNum}`,
        ru: `Личный кабинет: касса ${c.regNum} получила токен`,
        en: `Merchant cabinet: cashbox ${c.regNum} holds a token`,
        detail: 'Другая касса получит «Токен уже существует», пока токен не сброшен · another till meets «Token already exists» until it is reset',
        actions: [act('Сбросить токен кассы', 'Reset the cashbox token', { action: 'resetToken', regNum: c.regNum })],
      })
    }
    return {
      items,
      cabinet,
      codeEntry: {
        ru: 'Код подтверждения от кассира',
        en: 'Confirmation code from the cashier',
        actions: [act('Подтвердить', 'Confirm', { action: 'confirm' }), act('Отказаться', 'Decline', { action: 'decline' })],
      },
    }
  }

  protected stateView(now: number): Record<string, Json> {
    const payments = [...this.#payments.values()]
    return {
      cashboxes: this.settings.cashboxes.map((c) => ({
        regNum: c.regNum,
        authMode: c.authMode,
        tokenState: this.#tokenState(c),
        tokenIssuedAt:
          c.authMode === 'token' && this.#tokens.get(c.regNum)?.issuedAt !== undefined
            ? new Date(this.#tokens.get(c.regNum)?.issuedAt ?? 0).toISOString()
            : null,
        currentShift: this.#shifts.get(c.regNum) ?? null,
      })),
      payments: payments.map((p) => paymentView(p, refundedOf(p.id, payments))),
      sessions: [...this.#sessions.values()].map((s) => sessionView(s, now)),
      loyalty: [...this.#loyalty.values()].map(loyaltyView),
      tokens: [...this.#codes.values()].map(codeView),
      counters: {
        sales: payments.filter((p) => p.paymentType === SALE).length,
        reversals: payments.filter((p) => p.paymentType === SALE_RETURN).length,
        sessions: this.#sessions.size,
        loyalty: this.#loyalty.size,
      },
    }
  }
}

export const oplati: ProviderFactory = {
  id: 'oplati',
  title: 'O!plati (Belarus, BYN)',
  create: (opts) => new OplatiSandbox(opts),
}
