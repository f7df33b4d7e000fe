// The O!plati emulator's memory and its pure rules (docs/protocols/oplati.md § 3.3–3.6): payments and
// reversals with their statuses, E5 sessions, customer codes, loyalty requests; the body
// validation of E4/E7/C6, the money codec (BYN on the wire, kopecks inside), the reversal
// and cancel rules, and the wire and state views. Timers are lazy: whatever time does to an
// entity (the customer's planned action, the consumer timeout, an auto-scan) is settled
// whenever it is read, against the sandbox clock. No I/O and no clock here: `now` is an argument.

import { isJsonObject, type Json } from '../core/json.ts'

/** Europe/Minsk is UTC+3 all year (no DST since 2011), docs/rules.md R11. */
export const MINSK_OFFSET_MS = 3 * 3_600_000
const DAY_MS = 86_400_000

/** § 2.4 `status` [V-doc]. */
export const STATUS = { IN_PROGRESS: 0, OK: 1, DECLINE: 2, NOT_ENOUGH: 3, TIMEOUT: 4, TECHNICAL_CANCELLING: 5 } as const
export type Status = (typeof STATUS)[keyof typeof STATUS]
export const STATUS_NAME: Record<Status, string> = { 0: 'IN_PROGRESS', 1: 'OK', 2: 'DECLINE', 3: 'NOT_ENOUGH', 4: 'TIMEOUT', 5: 'TECHNICAL_CANCELLING' }

/** § 2.4 `paymentType` [V-doc]: 1 sale, 3 return of a sale. */
export const SALE = 1
export const SALE_RETURN = 3

/** How an operation reached the server: C3 (mode 0), C4 (mode 1), E5 session (mode 2), or E7. */
export type Source = 'consumerQr' | 'staticQr' | 'session' | 'reversal'

/** The customer's actions on a waiting payment or loyalty request (§ 3.6). */
export const CUSTOMER_ACTIONS = ['confirm', 'decline', 'insufficient', 'ignore'] as const
export type CustomerAction = (typeof CUSTOMER_ACTIONS)[number]
export const ACTION_STATUS: Record<Exclude<CustomerAction, 'ignore'>, Status> = { confirm: 1, decline: 2, insufficient: 3 }

/** What the customer will do by itself: at a sandbox time, or after N status polls. */
export interface Plan {
  /** Sandbox time of the action; Infinity when it is poll-bound only. */
  at: number
  /** Status polls that still see 0 before the action (undefined: time-bound). */
  pollsLeft: number | undefined
  status: Status
}

/** What a payment and a loyalty request share: they wait at 0 for the customer. */
export interface Waiting {
  status: Status
  createdAt: number
  updatedAt: number
  /** Status 0 ends TIMEOUT (4) here (Infinity: never). */
  expiresAt: number
  plan: Plan | undefined
  lastPollAt: number | undefined
  /** Set when the status becomes 1. */
  paidAt: number | undefined
}

export interface Payment extends Waiting {
  /** Decimal digits; may exceed 2^53. */
  id: string
  regNum: string
  paymentType: typeof SALE | typeof SALE_RETURN
  /** Kopecks. */
  sum: number
  orderNumber: string
  shift: string | undefined
  source: Source
  confirmationCode: string | undefined
  sessionId: string | undefined
  consumerQr: string | undefined
  /** A reversal's sale. */
  originalId: string | undefined
  /** Shown from status 1 (§ 2.4). */
  pursePublicId: string
  /** Magic 99: every C5 and E7 on this payment answers 409 INVALID_STATE. */
  irreversible: boolean
  magic: number | undefined
  details: Json
}

export interface LoyaltyRequest extends Waiting {
  id: string
  regNum: string
  orderNumber: string
  source: Exclude<Source, 'reversal'>
  /** Shown from status 1: 13 digits. */
  cardNumber: string
  confirmationCode: string | undefined
  sessionId: string | undefined
  consumerQr: string | undefined
}

export interface Session {
  id: string
  regNum: string
  dynamicQR: string
  createdAt: number
  expiresAt: number
  ready: boolean
  /** The auto-customer scans at this time. */
  readyAt: number | undefined
  /** The payment or loyalty request that used it (a session pays once). */
  usedBy: string | undefined
  lastPollAt: number | undefined
}

export interface ConsumerCode {
  code: string
  /** Minted by `wallet/token`; false for a code accepted by `acceptAnyToken`. */
  minted: boolean
  createdAt: number
  expiresAt: number | undefined
  usedAt: number | undefined
  /** A magic code (S4) chosen at mint time: the customer's behaviour on the payment it makes. */
  behaviour: number | undefined
}

// ------------------------------------------------------------------------------- money

/** A wire amount (BYN, JSON number, ≤ 2 decimals, ≥ 0) → kopecks; undefined when it is not one. */
export function kopecksOf(v: Json | undefined): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(v))
  if (!m) return undefined
  const k = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(k) ? k : undefined
}

/** Kopecks → the wire number: 1700 → 17, 1705 → 17.05 (docs/rules.md R1). */
export function byn(kopecks: number): number {
  return kopecks / 100
}

// -------------------------------------------------------------------------------- time

export function minskDate(ms: number): string {
  return new Date(ms + MINSK_OFFSET_MS).toISOString().slice(0, 10)
}

/** RFC 3339 in Minsk time, seconds precision, as the docs' example: `2025-04-15T10:00:00+03:00`. */
export function minskIso(ms: number): string {
  return `${new Date(ms + MINSK_OFFSET_MS).toISOString().slice(0, 19)}+03:00`
}

export function validDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date
}

// -------------------------------------------------------------------------- validation

export type PaySource = { kind: 'session'; sessionId: string } | { kind: 'consumerQr'; code: string } | { kind: 'staticQr' }

export interface PaymentBody {
  /** Kopecks, > 0. */
  sum: number
  orderNumber: string
  shift: string | undefined
  details: Json
  /** E4 and C6 only; undefined for E7. */
  source: PaySource | undefined
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string }

const bad = (field: string): { ok: false; field: string } => ({ ok: false, field })

/** The one of `sessionId`, `consumerQr`, `staticQr: true` a body carries (§ 3.4, C3, C4, C6). */
function sourceOf(body: { [key: string]: Json }): Parsed<PaySource> {
  const found: PaySource[] = []
  const { sessionId, consumerQr, staticQr } = body
  if (sessionId !== undefined && sessionId !== null) {
    if (typeof sessionId !== 'string' || sessionId === '') return bad('sessionId')
    found.push({ kind: 'session', sessionId })
  }
  if (consumerQr !== undefined && consumerQr !== null) {
    if (typeof consumerQr !== 'string') return bad('consumerQr')
    found.push({ kind: 'consumerQr', code: consumerQr })
  }
  if (staticQr !== undefined && staticQr !== null && staticQr !== false) {
    if (staticQr !== true) return bad('staticQr')
    found.push({ kind: 'staticQr' })
  }
  const [only] = found
  if (found.length !== 1 || !only) return bad('sessionId|consumerQr|staticQr: exactly one is required')
  return { ok: true, value: only }
}

function orderNumberOf(body: { [key: string]: Json }): Parsed<string> {
  const { orderNumber } = body
  return typeof orderNumber === 'string' && orderNumber !== '' && orderNumber.length <= 128 ? { ok: true, value: orderNumber } : bad('orderNumber')
}

/**
 * E4 (`withSource`) and E7 bodies (§ 3.4): `sum` > 0 with ≤ 2 decimals; `details.items`
 * non-empty, each with `type` 1 or 2, a non-empty `name`, `cost` ≥ 0 with ≤ 2 decimals;
 * Σ`cost` = `amountTotal` = `sum`; for E4 exactly one of the mode fields. The first
 * violation is named in `field`.
 */
export function parsePaymentBody(body: Json, withSource: boolean): Parsed<PaymentBody> {
  if (!isJsonObject(body)) return bad('body')
  const sum = kopecksOf(body.sum)
  if (sum === undefined || sum <= 0) return bad('sum')
  const order = orderNumberOf(body)
  if (!order.ok) return order
  const { shift, details } = body
  if (shift !== undefined && shift !== null && typeof shift !== 'string') return bad('shift')
  if (!isJsonObject(details)) return bad('details')
  const { items, amountTotal } = details
  if (!Array.isArray(items) || items.length === 0) return bad('details.items')
  let total = 0
  for (const [i, item] of items.entries()) {
    if (!isJsonObject(item)) return bad(`details.items[${i}]`)
    if (item.type !== 1 && item.type !== 2) return bad(`details.items[${i}].type`)
    if (typeof item.name !== 'string' || item.name.trim() === '') return bad(`details.items[${i}].name`)
    const cost = kopecksOf(item.cost)
    if (cost === undefined) return bad(`details.items[${i}].cost`)
    total += cost
  }
  const declared = kopecksOf(amountTotal)
  if (declared === undefined) return bad('details.amountTotal')
  if (total !== declared) return bad('details.items[].cost: the sum of cost must equal amountTotal')
  if (declared !== sum) return bad('details.amountTotal: must equal sum')
  let source: PaySource | undefined
  if (withSource) {
    const s = sourceOf(body)
    if (!s.ok) return s
    source = s.value
  }
  return { ok: true, value: { sum, orderNumber: order.value, shift: typeof shift === 'string' ? shift : undefined, details, source } }
}

/** C6 body: `orderNumber` and exactly one of the mode fields. */
export function parseLoyaltyBody(body: Json): Parsed<{ orderNumber: string; source: PaySource }> {
  if (!isJsonObject(body)) return bad('body')
  const order = orderNumberOf(body)
  if (!order.ok) return order
  const s = sourceOf(body)
  if (!s.ok) return s
  return { ok: true, value: { orderNumber: order.value, source: s.value } }
}

// ------------------------------------------------------------------------- transitions

/** End a waiting entity with `status` at `at`. */
export function finish(w: Waiting, status: Status, at: number): void {
  w.status = status
  w.updatedAt = at
  w.plan = undefined
  if (status === STATUS.OK) w.paidAt = at
}

/** Apply what time has done: the customer's planned action, or the consumer timeout, whichever came first. */
export function settle(w: Waiting, now: number): void {
  if (w.status !== STATUS.IN_PROGRESS) return
  const plan = w.plan
  if (plan && plan.at <= now && plan.at < w.expiresAt) finish(w, plan.status, plan.at)
  else if (now >= w.expiresAt) finish(w, STATUS.TIMEOUT, w.expiresAt)
}

/** The status a poll sees once it is counted (a poll-bound plan may end at this poll). */
export function statusAfterPoll(w: Waiting): Status {
  const plan = w.plan
  if (w.status === STATUS.IN_PROGRESS && plan?.pollsLeft === 0) return plan.status
  return w.status
}

/** Count a status poll: uses up one of a poll-bound plan's polls, or performs it. */
export function countPoll(w: Waiting, now: number): void {
  const plan = w.plan
  if (w.status !== STATUS.IN_PROGRESS || plan?.pollsLeft === undefined) return
  if (plan.pollsLeft > 0) plan.pollsLeft -= 1
  else finish(w, plan.status, now)
}

/** § 3.5: a poll sooner than `floorMs` after the previous poll of the same id. */
export function tooEarly(lastPollAt: number | undefined, now: number, floorMs: number): boolean {
  return lastPollAt !== undefined && now - lastPollAt < floorMs
}

/** § 3.6: the customer acts on a waiting payment or loyalty request; refused once it is final. */
export function customerAct(w: Waiting, action: CustomerAction, now: number): 'ok' | 'final' {
  if (w.status !== STATUS.IN_PROGRESS) return 'final'
  if (action === 'ignore') w.plan = undefined
  else finish(w, ACTION_STATUS[action], now)
  return 'ok'
}

export function settleSession(s: Session, now: number): void {
  if (!s.ready && s.readyAt !== undefined && now >= s.readyAt) s.ready = true
}

/** Σ of a sale's reversals with status 1, in kopecks (§ 3.4). */
export function refundedOf(saleId: string, payments: Iterable<Payment>): number {
  let total = 0
  for (const p of payments) if (p.originalId === saleId && p.status === STATUS.OK) total += p.sum
  return total
}

export type Refusal = 'INVALID_STATE' | 'REVERSAL_PERIOD_EXPIRED' | 'REVERSAL_EXCEEDS'

/** E7 on `sale` for `sum` kopecks (§ 3.4), after the idempotent replay check. */
export function reversalRefusal(sale: Payment, sum: number, refunded: number, now: number, windowDays: number): Refusal | undefined {
  if (sale.paymentType !== SALE || sale.status !== STATUS.OK || sale.irreversible) return 'INVALID_STATE'
  if (now - (sale.paidAt ?? sale.createdAt) > windowDays * DAY_MS) return 'REVERSAL_PERIOD_EXPIRED'
  if (refunded + sum > sale.sum) return 'REVERSAL_EXCEEDS'
  return undefined
}

/** C5 (§ 3.3): what a cashbox cancel does to `p`, given the cashbox's current shift. */
export function cancelEffect(p: Payment, currentShift: string | undefined): 'cancel' | 'unchanged' | 'INVALID_STATE' {
  if (p.irreversible) return 'INVALID_STATE'
  switch (p.status) {
    case STATUS.IN_PROGRESS:
      return 'cancel'
    case STATUS.OK:
      if (p.paymentType !== SALE_RETURN) return 'INVALID_STATE'
      // "in the same shift": the refund's shift against the cashbox's current one, when both are known.
      return p.shift === undefined || currentShift === undefined || p.shift === currentShift ? 'cancel' : 'INVALID_STATE'
    default:
      return 'unchanged'
  }
}

/** E8 (§ 3.4): the cashbox's payments of shift `shift`, optionally within Minsk dates, oldest first. */
export function reportOf(payments: Iterable<Payment>, regNum: string, shift: string, start: string | undefined, end: string | undefined): Payment[] {
  const out: Payment[] = []
  for (const p of payments) {
    if (p.regNum !== regNum || p.shift !== shift) continue
    const d = minskDate(p.createdAt)
    if ((start !== undefined && d < start) || (end !== undefined && d > end)) continue
    out.push(p)
  }
  return out.sort((a, b) => a.createdAt - b.createdAt)
}

// ------------------------------------------------------------------------------- views

/** PaymentInfo (§ 2.4) as the wire shows it; `paymentId` as a bigint so big ids keep their digits. */
export function paymentInfo(p: Payment): Record<string, Json> {
  return {
    paymentId: BigInt(p.id),
    paymentType: p.paymentType,
    sum: byn(p.sum),
    status: p.status,
    createdDate: minskIso(p.createdAt),
    paidDate: minskIso(p.paidAt ?? p.createdAt),
    orderNumber: p.orderNumber,
    ...(p.status === STATUS.OK ? { pursePublicId: p.pursePublicId } : {}),
    ...(p.confirmationCode !== undefined && p.status === STATUS.IN_PROGRESS ? { confirmationCode: p.confirmationCode } : {}),
  }
}

/** C6's answer. */
export function loyaltyInfo(l: LoyaltyRequest): Record<string, Json> {
  return {
    requestId: l.id,
    status: l.status,
    ...(l.status === STATUS.OK ? { cardNumber: l.cardNumber } : {}),
    ...(l.confirmationCode !== undefined && l.status === STATUS.IN_PROGRESS ? { confirmationCode: l.confirmationCode } : {}),
  }
}

const iso = (ms: number | undefined): Json => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString())

function planView(plan: Plan | undefined): Json {
  if (!plan) return null
  return { at: iso(plan.at), pollsLeft: plan.pollsLeft ?? null, status: plan.status }
}

/** `_control/state`: ids as strings, amounts in kopecks, ISO (UTC) times. */
export function paymentView(p: Payment, refunded: number): Record<string, Json> {
  return {
    paymentId: p.id,
    regNum: p.regNum,
    paymentType: p.paymentType,
    amount: p.sum,
    status: p.status,
    state: STATUS_NAME[p.status],
    orderNumber: p.orderNumber,
    shift: p.shift ?? null,
    source: p.source,
    confirmationCode: p.confirmationCode ?? null,
    sessionId: p.sessionId ?? null,
    consumerQr: p.consumerQr ?? null,
    originalPaymentId: p.originalId ?? null,
    refunded: p.paymentType === SALE ? refunded : null,
    irreversible: p.irreversible,
    magic: p.magic ?? null,
    plan: planView(p.plan),
    createdAt: iso(p.createdAt),
    paidAt: iso(p.paidAt),
    updatedAt: iso(p.updatedAt),
    expiresAt: p.status === STATUS.IN_PROGRESS ? iso(p.expiresAt) : null,
  }
}

export function loyaltyView(l: LoyaltyRequest): Record<string, Json> {
  return {
    requestId: l.id,
    regNum: l.regNum,
    orderNumber: l.orderNumber,
    source: l.source,
    status: l.status,
    state: STATUS_NAME[l.status],
    cardNumber: l.status === STATUS.OK ? l.cardNumber : null,
    confirmationCode: l.confirmationCode ?? null,
    sessionId: l.sessionId ?? null,
    plan: planView(l.plan),
    createdAt: iso(l.createdAt),
    updatedAt: iso(l.updatedAt),
  }
}

export function sessionView(s: Session, now: number): Record<string, Json> {
  return {
    sessionId: s.id,
    regNum: s.regNum,
    dynamicQR: s.dynamicQR,
    ready: s.ready,
    expired: now >= s.expiresAt,
    usedBy: s.usedBy ?? null,
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
  }
}

export function codeView(c: ConsumerCode): Record<string, Json> {
  return {
    token: c.code,
    minted: c.minted,
    createdAt: iso(c.createdAt),
    expiresAt: iso(c.expiresAt),
    usedAt: iso(c.usedAt),
    behaviour: c.behaviour ?? null,
  }
}
