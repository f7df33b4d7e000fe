// The PaymeGO emulator (docs/protocols/payme.md § 3): Payme Subscribe API `receipts.*` as JSON-RPC 2.0 at
// `POST /sandbox/payme/api`, with `X-Auth: posId:posKey`, the § 3.2 check order, receipt
// states 0…4, 21, 50 (§ 3.3), faults (docs/protocols/README.md S3, § 3.4) and magic amounts (S4).
//
// Control API under `/sandbox/payme/_control/` (faults and calls are the server's):
//   GET  config            the settings (§ 3.1)
//   PUT  config            merge settings (`codes` and `merchant` merge by key); unknown keys or bad types → 400
//   GET  state             { posId, receipts[], tokens[] }: the wire receipt plus token, pending, cancelAt
//   POST wallet/token      { ttlMs?, behaviour? } → { token, expiresAt, ttlMs, behaviour }: 20 digits starting 5050
// Test-only extra:
//   PUT  receipt/{_id}     { state?, createTime? } — force a state or back-date a receipt
//
// Sandbox conventions [C]:
//   - the route of a request (for faults and the call log) is its JSON-RPC method: create, pay, check,
//     get, cancel, setFiscal. A request whose method is unknown or unreadable has no route.
//   - `pending` on `pay` holds the receipt in state 2: `forMs` on the sandbox clock, or `polls: N` checks,
//     or `forever: true`; neither → 20 s; `then: "decline"` ends it in 50 with `error` set.
//     `pending` on `cancel` holds a cancelled paid receipt in 21 for `forMs` (or `forever`) instead of
//     `cancelDelayMs`.
//   - `decline` on `pay` answers the `decline` code (or the rule's `code`) and moves the receipt to 50;
//     `error` answers the code and leaves the receipt as it was (state 0), so the client's safety cancel
//     has something to cancel.
//   - a token's `behaviour`, then a fault, then the amount's magic: the first that applies wins.
//   - `receipts.cancel` of a receipt held in 2 by a `pending` (magic 92/93 included) stops the debit: 21, then
//     50 after `cancelDelayMs`, as for a paid one (§ 5 scenario 21: "the drain cancels the receipt to 50");
//     § 3.2's `badState` for 1–3 stays for states forced through `PUT receipt/{_id}`.

import { codeView, type CustomerCode as Token, mintCode } from '../core/codes.ts'
import { applyFault, DEFAULT_PENDING_MS, type FaultRule, magicOf, type Prepared } from '../core/faults.ts'
import { wireOutcomes } from '../core/outcomes.ts'
import { jsonReply } from '../core/http.ts'
import type { IdSource } from '../core/ids.ts'
import { isJsonObject, parseJson, type Json } from '../core/json.ts'
import { Emulator } from '../core/emulator.ts'
import type { ApiReply, ApiRequest, PhoneOutcome, ProviderFactory, SandboxEnv } from '../core/types.ts'
import { cancelOutcome, countPoll, declinePay, errorMessage, type Receipt, receiptJson, receiptView, settle, startPay, STATE } from './ledger.ts'
import { type CodeName, defaultSettings, mergeSettings, type PaymeSettings } from './settings.ts'

export const PAYME_ROUTES = ['create', 'pay', 'check', 'get', 'cancel', 'setFiscal'] as const
type Route = (typeof PAYME_ROUTES)[number]

const METHOD_ROUTE: Record<string, Route> = {
  'receipts.create': 'create',
  'receipts.pay': 'pay',
  'receipts.check': 'check',
  'receipts.get': 'get',
  'receipts.cancel': 'cancel',
  'receipts.set_fiscal_data': 'setFiscal',
}

/** § 3.4: minted tokens are 20 digits starting `5050` (the public example `50501010793410469483`). */
const TOKEN_PREFIX = '5050'
const TOKEN_DIGITS = 20
/** § 2.6 [I]: a token is non-empty, printable, ≤ 64 characters. */
const TOKEN_FORMAT = /^[\x21-\x7e]{1,64}$/
const RECEIPT_ID_HEX = 24

const RPC = { notPost: -32300, parse: -32700, request: -32600, method: -32601, auth: -32504 } as const

type RpcId = Json

/** A JSON-RPC reply: HTTP 200 unless a fault says otherwise. */
function rpcResult(id: RpcId, result: Json, route?: Route): ApiReply {
  return { ...jsonReply(200, { jsonrpc: '2.0', id, result }), ...(route ? { route } : {}) }
}

interface Parsed {
  id: RpcId
  route: Route
  params: Record<string, Json>
}

function pendingOf(params: Record<string, Json>): { forMs: number; pollsLeft: number | undefined; then: 'approve' | 'decline' } {
  const forMs = typeof params.forMs === 'number' ? params.forMs : undefined
  const polls = typeof params.polls === 'number' ? Math.floor(params.polls) : undefined
  return {
    forMs: params.forever === true ? Infinity : (forMs ?? (polls !== undefined ? Infinity : DEFAULT_PENDING_MS)),
    pollsLeft: params.forever === true ? undefined : polls,
    then: params.then === 'decline' ? 'decline' : 'approve',
  }
}

/** A positive integer amount, exact beyond 2^53 (the parser keeps those as bigint). */
function amountOf(v: Json | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v > 0n ? v : undefined
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return BigInt(v)
  return undefined
}

/**
 * `receipts.create` `detail` as Payme documents it: `items[]` of `title`, `price` (one unit, tiyin), `count`,
 * `code` (the IKPU code, digits) and `vat_percent`, both required; `package_code` optional; the lines
 * (price × count) add up to `amount`. A refusal names the first field that is wrong.
 */
export function detailProblem(detail: Json | undefined, amount: bigint): string | undefined {
  if (detail === undefined || detail === null) return undefined
  if (!isJsonObject(detail) || !Array.isArray(detail.items) || detail.items.length === 0) return 'detail.items: a non-empty list'
  let total = 0n
  for (const [i, item] of detail.items.entries()) {
    const at = `detail.items[${i}]`
    if (!isJsonObject(item)) return `${at}: not an object`
    if (typeof item.title !== 'string' || item.title.trim() === '') return `${at}.title: required`
    const price = typeof item.price === 'number' && Number.isSafeInteger(item.price) && item.price >= 0 ? BigInt(item.price) : undefined
    if (price === undefined) return `${at}.price: the unit price in tiyin`
    if (typeof item.count !== 'number' || !Number.isSafeInteger(item.count) || item.count <= 0) return `${at}.count: a positive integer`
    if (typeof item.code !== 'string' || !/^\d{1,32}$/.test(item.code)) return `${at}.code: the IKPU code is required`
    if (typeof item.vat_percent !== 'number' || !Number.isInteger(item.vat_percent) || item.vat_percent < 0 || item.vat_percent > 100)
      return `${at}.vat_percent: required, 0…100`
    if (item.package_code !== undefined && (typeof item.package_code !== 'string' || !/^\d{1,32}$/.test(item.package_code))) return `${at}.package_code: digits`
    total += price * BigInt(item.count)
  }
  if (total !== amount) return `detail.items: price × count add up to ${total}, not the amount ${amount}`
  return undefined
}

export class PaymeSandbox extends Emulator<PaymeSettings> {
  readonly id = 'payme'
  readonly routes: readonly string[] = PAYME_ROUTES
  #receipts = new Map<string, Receipt>()
  #tokens = new Map<string, Token>()

  constructor(opts: { demo: boolean }) {
    super(opts, { defaults: defaultSettings, merge: mergeSettings })
  }

  protected clear(): void {
    this.#receipts.clear()
    this.#tokens.clear()
  }

  /** Every request goes to one path; the method in the body names the route (see `ApiReply.route`). */
  routeOf(): string | undefined {
    return undefined
  }

  phoneOutcomes(): PhoneOutcome[] {
    const once = (fault: string, extra: Record<string, Json> = {}): PhoneOutcome['rule'] => ({ route: 'pay', fault, times: 1, ...extra })
    return [
      { id: 'approve', ru: 'Одобрить', en: 'Approve', rule: null },
      { id: 'decline', ru: 'Отклонить (-31630)', en: 'Declined (-31630)', rule: once('decline') },
      { id: 'funds', ru: 'Недостаточно средств (-31303)', en: 'Insufficient funds (-31303)', rule: once('error', { code: -31303 }) },
      { id: 'polls', ru: 'Оплата после 3 проверок', en: 'Paid after 3 checks', rule: once('pending', { polls: 3 }) },
      { id: 'never', ru: 'Никогда не оплачивается', en: 'Never completes', rule: once('pending', { forever: true }) },
      ...wireOutcomes('pay'),
    ]
  }

  // ------------------------------------------------------------------------------- API

  #error(id: RpcId, code: number, route: Route | undefined, opts: { message?: string; data?: Json; status?: number } = {}): ApiReply {
    const message = opts.message ?? errorMessage(code, this.settings.messageForm)
    const error: Record<string, Json> = { code, message }
    if (opts.data !== undefined) error.data = opts.data
    return { ...jsonReply(opts.status ?? 200, { jsonrpc: '2.0', id, error }), ...(route ? { route } : {}) }
  }

  #code(name: CodeName): number {
    return this.settings.codes[name]
  }

  protected api(req: ApiRequest, env: SandboxEnv): ApiReply {
    const path = req.path.replace(/\/+$/, '')
    if (path !== '/api') return jsonReply(404, { error: 'Not Found' })
    if (req.method !== 'POST') return this.#error(null, RPC.notPost, undefined)
    const now = env.clock.now()
    // 1. JSON
    let body: Json
    try {
      body = parseJson(req.rawBody)
    } catch {
      return this.#error(null, RPC.parse, undefined)
    }
    const id: RpcId = isJsonObject(body) && body.id !== undefined ? body.id : null
    // The call log names the method even when a check below refuses it.
    const named = isJsonObject(body) && typeof body.method === 'string' ? METHOD_ROUTE[body.method] : undefined
    // 2. X-Auth
    if (req.headers['x-auth'] !== `${this.settings.posId}:${this.settings.posKey}`) return this.#error(id, RPC.auth, named)
    // 3. RPC shape
    if (!isJsonObject(body) || typeof body.method !== 'string' || !isJsonObject(body.params)) return this.#error(id, RPC.request, named)
    // 4. Method
    const route = METHOD_ROUTE[body.method]
    if (!route) return this.#error(id, RPC.method, undefined, { data: body.method })
    const rpc: Parsed = { id: route === 'pay' ? null : id, route, params: body.params }
    // 5. Params, then faults and magic, then the outcome.
    const reply = this.#method(rpc, now, env)
    return { ...reply, route }
  }

  #method(rpc: Parsed, now: number, env: SandboxEnv): ApiReply {
    const { id, route, params } = rpc
    const s = this.settings
    const err = (code: number) => this.#error(id, code, route)
    const decl = this.#declineError()

    if (route === 'create') {
      const amount = amountOf(params.amount)
      if (amount === undefined || !isJsonObject(params.account) || Object.keys(params.account).length === 0) return err(RPC.request)
      if (params.description !== undefined && typeof params.description !== 'string') return err(RPC.request)
      const badDetail = detailProblem(params.detail, amount)
      if (badDetail) return this.#error(id, RPC.request, route, { message: badDetail })
      if (amount < BigInt(s.minAmount)) return err(this.#code('tooSmall'))
      if (amount > BigInt(s.maxAmount)) return err(this.#code('tooLarge'))
      const rule = env.faults.take(route, params)
      return this.#apply(rule, id, () => {
        const r: Receipt = {
          id: this.#nextReceiptId(env.ids),
          amount: Number(amount),
          account: params.account as Record<string, Json>,
          description: typeof params.description === 'string' ? params.description : '',
          detail: params.detail ?? null,
          state: STATE.created,
          createTime: now,
          payTime: 0,
          cancelTime: 0,
          cancelAt: undefined,
          pending: undefined,
          irreversible: false,
          card: null,
          payer: null,
          error: null,
          token: undefined,
          fiscal: null,
        }
        return { reply: rpcResult(id, { receipt: receiptJson(r, s.merchant, s.posId) }), commit: () => void this.#receipts.set(r.id, r) }
      })
    }

    if (typeof params.id !== 'string') return err(RPC.request)
    const r = this.#receipts.get(params.id)
    if (!r) return err(this.#code('notFound'))
    settle(r, now, decl)
    const view = () => receiptJson(r, s.merchant, s.posId)

    switch (route) {
      case 'pay': {
        if (r.state !== STATE.created) return err(this.#code('badState'))
        const tokenCheck = this.#useToken(params.token, now)
        if (typeof tokenCheck === 'number') return err(tokenCheck)
        const token = tokenCheck
        let rule: FaultRule | undefined
        let magic: number | undefined
        let irreversible = false
        const code = token.behaviour
        const fromToken = code === undefined ? undefined : magicOf(code)
        if (fromToken) ({ rule, magic, irreversible } = { rule: fromToken.rule, magic: fromToken.code, irreversible: fromToken.irreversible })
        else {
          rule = env.faults.take(route, params)
          if (!rule && s.magic) {
            const m = magicOf(r.amount)
            if (m) ({ rule, magic, irreversible } = { rule: m.rule, magic: m.code, irreversible: m.irreversible })
          }
        }
        const pending = rule?.fault === 'pending' ? pendingOf(rule.params) : undefined
        const reply = applyFault(rule, {
          prepare: () => ({
            reply: rpcResult(id, { receipt: { ...view(), ...this.#afterPay(r, token.code, now, pending) } }),
            commit: () => {
              startPay(r, token.code, now, pending)
              r.irreversible = irreversible
            },
          }),
          decline: (c) => {
            const code = c ?? this.#code('decline')
            declinePay(r, token.code, now, { code, message: errorMessage(code, s.messageForm) })
            return err(code)
          },
          error: (c, note, status) =>
            this.#error(id, c, route, { ...(note === undefined ? {} : { message: note }), ...(status === undefined ? {} : { status }) }),
        })
        return magic === undefined ? reply : { ...reply, magic }
      }
      case 'check': {
        const rule = env.faults.take(route, params)
        return this.#apply(rule, id, () => {
          // The reply shows the state after this poll is counted (a poll-bound pending may end here).
          const probe = { ...r, pending: r.pending && { ...r.pending } }
          countPoll(probe, now, decl)
          return { reply: rpcResult(id, { state: probe.state }), commit: () => countPoll(r, now, decl) }
        })
      }
      case 'get':
        return this.#apply(env.faults.take(route, params), id, () => ({ reply: rpcResult(id, { receipt: view() }), commit: () => undefined }))
      case 'cancel': {
        const rule = env.faults.take(route, params)
        const hold = rule?.fault === 'pending' ? pendingOf(rule.params).forMs : s.cancelDelayMs
        return this.#apply(rule, id, () => {
          const outcome = cancelOutcome(r)
          if (outcome === 'badState') return { reply: err(this.#code('badState')), commit: () => undefined }
          if (outcome === 'unchanged') return { reply: rpcResult(id, { receipt: view() }), commit: () => undefined }
          const next: Partial<Receipt> =
            outcome === 'now'
              ? { state: STATE.cancelled, cancelTime: now, cancelAt: undefined }
              : { state: STATE.cancelQueue, cancelAt: now + hold, pending: undefined }
          return {
            reply: rpcResult(id, { receipt: { ...view(), state: next.state ?? r.state, cancel_time: next.cancelTime ?? r.cancelTime } }),
            commit: () => {
              Object.assign(r, next)
              // A zero delay reaches 50 at once.
              settle(r, now, decl)
            },
          }
        })
      }
      case 'setFiscal': {
        if (!isJsonObject(params.fiscal_data)) return err(RPC.request)
        const fiscal = params.fiscal_data
        return this.#apply(env.faults.take(route, params), id, () => ({ reply: rpcResult(id, { success: true }), commit: () => void (r.fiscal = fiscal) }))
      }
    }
  }

  /** Apply a fault to a route whose outcome needs no pending handling. */
  #apply(rule: FaultRule | undefined, id: RpcId, prepare: () => Prepared): ApiReply {
    return applyFault(rule, {
      prepare,
      decline: (c) => this.#error(id, c ?? this.#code('decline'), undefined),
      error: (c, note, status) =>
        this.#error(id, c, undefined, { ...(note === undefined ? {} : { message: note }), ...(status === undefined ? {} : { status }) }),
    })
  }

  /** The fields a successful pay reply shows (before `commit` applies them). */
  #afterPay(r: Receipt, token: string, now: number, pending: ReturnType<typeof pendingOf> | undefined): Record<string, Json> {
    const probe: Receipt = { ...r }
    startPay(probe, token, now, pending)
    return { state: probe.state, pay_time: probe.payTime, card: probe.card, payer: probe.payer }
  }

  #declineError(): Json {
    const code = this.#code('decline')
    return { code, message: errorMessage(code, this.settings.messageForm) }
  }

  /** § 3.2 token check: the token, consumed; or the error code. */
  #useToken(raw: Json | undefined, now: number): Token | number {
    const s = this.settings
    if (typeof raw !== 'string' || !TOKEN_FORMAT.test(raw)) return this.#code('tokenInvalid')
    let token = this.#tokens.get(raw)
    if (!token) {
      if (!s.acceptAnyToken) return this.#code('tokenInvalid')
      token = { code: raw, minted: false, createdAt: now, expiresAt: undefined, usedAt: undefined, behaviour: undefined }
      this.#tokens.set(raw, token)
    }
    if (token.usedAt !== undefined) return this.#code('tokenUsed')
    if (token.expiresAt !== undefined && now >= token.expiresAt) return this.#code('tokenExpired')
    token.usedAt = now
    return token
  }

  #nextReceiptId(ids: IdSource): string {
    let hex: string
    do {
      hex = ''
      for (let i = 0; i < RECEIPT_ID_HEX; i++) hex += ids.int(0, 15).toString(16)
    } while (this.#receipts.has(hex))
    return hex
  }

  // --------------------------------------------------------------------------- Control

  protected stateView(now: number): Record<string, Json> {
    const s = this.settings
    const decl = this.#declineError()
    for (const r of this.#receipts.values()) settle(r, now, decl)
    return {
      posId: s.posId,
      receipts: [...this.#receipts.values()].map((r) => receiptView(r, s.merchant, s.posId)),
      tokens: [...this.#tokens.values()].map(codeView),
    }
  }

  protected control(sub: string, req: ApiRequest, env: SandboxEnv, parsed: Json | undefined, now: number): ApiReply | undefined {
    const s = this.settings
    const body = (): Json | undefined => parsed
    if (sub === 'wallet/token' && req.method === 'POST') {
      return mintCode(this.#tokens, body(), { now, defaultTtlMs: s.tokenTtlMs, make: () => TOKEN_PREFIX + env.ids.digits(TOKEN_DIGITS - TOKEN_PREFIX.length) })
    }
    const receiptMatch = /^receipt\/([0-9a-f]{24})$/.exec(sub)
    if (receiptMatch && req.method === 'PUT') {
      const r = this.#receipts.get(receiptMatch[1] ?? '')
      if (!r) return jsonReply(404, { error: 'no such receipt' })
      const args = body()
      if (!isJsonObject(args)) return jsonReply(400, { error: 'the body is { state?, createTime? }' })
      const states: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 20, 21, 30, 50]
      if (args.state !== undefined && (typeof args.state !== 'number' || !states.includes(args.state))) return jsonReply(400, { error: 'unknown state' })
      const createTime = typeof args.createTime === 'string' ? Date.parse(args.createTime) : args.createTime
      if (createTime !== undefined && (typeof createTime !== 'number' || !Number.isFinite(createTime)))
        return jsonReply(400, { error: 'createTime: epoch ms or ISO' })
      if (typeof args.state === 'number') {
        r.state = args.state
        r.pending = undefined
        r.cancelAt = undefined
      }
      if (createTime !== undefined) r.createTime = createTime
      return jsonReply(200, receiptView(r, s.merchant, s.posId))
    }
    return undefined
  }
}

export const payme: ProviderFactory = {
  id: 'payme',
  title: 'PaymeGO (Payme, UZS)',
  create: (opts) => new PaymeSandbox(opts),
}
