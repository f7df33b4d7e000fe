// Host POS contract v1 (docs/host-contract.md): the typed postMessage protocol between the
// self-checkout's or till's sales software (the host) and Paydesk. Pure: parsing and building
// messages; the adapter in src/app/host.ts does the window plumbing and origin checks.
import type { Operation } from './operation.ts'

export const HOST_PROTOCOL = 'paydesk/1'
/** An amount in minor units is 1–15 digits, nothing else (no sign, exponent, hex, spaces, decimals). */
export const AMOUNT_RE = /^[0-9]{1,15}$/
/** An order reference: printable, without control characters, 1–64 characters. */
export const ORDER_RE = /^[\x21-\x7e\u00a0-\uffff][\x20-\x7e\u00a0-\uffff]{0,63}$/
/** The sale's currency: ISO 4217 letters; only payment types of it are offered. */
export const CURRENCY_RE = /^[A-Z]{3}$/
/** A request id chosen by the host, echoed on every answer to it. */
const REQUEST_ID_RE = /^[\x21-\x7e]{1,64}$/
/** The `items` JSON of a sale is capped (the engine checks its content). */
export const MAX_ITEMS_TEXT = 20_000

export type HostErrorCode = 'bad-request' | 'bad-amount' | 'bad-order' | 'amount-mismatch' | 'busy' | 'not-found' | 'refused'

export type HostRequest =
  | { type: 'paydesk.pay'; requestId?: string; order: string; amount: number; currency?: string; items?: unknown }
  | { type: 'paydesk.cancel'; requestId?: string; order: string; supervisorPin?: string }
  | { type: 'paydesk.refund'; requestId?: string; order: string; amount?: number; supervisorPin?: string }
  | { type: 'paydesk.void'; requestId?: string; order: string; supervisorPin?: string }
  | { type: 'paydesk.status'; requestId?: string; order: string }

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: HostErrorCode; why: string; requestId?: string; order?: string }

/** `amount` as the host sends it: a string of 1–15 digits, or a safe positive integer number. Zero is refused. */
export function parseHostAmount(raw: unknown): { ok: true; value: number } | { ok: false; why: string } {
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw : undefined
  if (text === undefined) return { ok: false, why: 'amount must be 1–15 digits (minor units)' }
  if (!AMOUNT_RE.test(text)) return { ok: false, why: `amount "${text.slice(0, 20)}" is not 1–15 digits (minor units)` }
  const value = Number(text)
  if (value <= 0) return { ok: false, why: 'amount must be above zero' }
  return { ok: true, value }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** Parse a message event's data into a request; anything else is a typed error (never thrown). */
export function parseHostRequest(data: unknown): Parsed<HostRequest> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { ok: false, code: 'bad-request', why: 'a request is an object' }
  const d = data as Record<string, unknown>
  const rid = str(d.requestId)
  const requestId = rid !== undefined && REQUEST_ID_RE.test(rid) ? rid : undefined
  const base = requestId ? { requestId } : {}
  if (d.requestId !== undefined && !requestId) return { ok: false, code: 'bad-request', why: 'requestId is 1–64 printable characters' }
  const type = str(d.type)
  if (!type || !['paydesk.pay', 'paydesk.cancel', 'paydesk.refund', 'paydesk.void', 'paydesk.status'].includes(type)) {
    return { ok: false, code: 'bad-request', why: `unknown type "${String(type ?? '').slice(0, 40)}"`, ...base }
  }
  const order = str(d.order)
  if (!order || !ORDER_RE.test(order)) return { ok: false, code: 'bad-order', why: 'order is 1–64 printable characters', ...base }
  const withOrder = { ...base, order }
  // Money going back: the host may say who approved it with the supervisor's PIN; else the till asks.
  const pinRaw = d.supervisorPin
  if (pinRaw !== undefined && (typeof pinRaw !== 'string' || !/^\d{1,8}$/.test(pinRaw)))
    return { ok: false, code: 'bad-request', why: 'supervisorPin is 1–8 digits', ...withOrder }
  const approval = typeof pinRaw === 'string' && type !== 'paydesk.pay' && type !== 'paydesk.status' ? { supervisorPin: pinRaw } : {}
  switch (type) {
    case 'paydesk.pay': {
      const a = parseHostAmount(d.amount)
      if (!a.ok) return { ok: false, code: 'bad-amount', why: a.why, ...withOrder }
      if (d.items !== undefined && JSON.stringify(d.items).length > MAX_ITEMS_TEXT)
        return { ok: false, code: 'bad-request', why: 'items too large', ...withOrder }
      const currency = d.currency === undefined ? undefined : str(d.currency)
      if (d.currency !== undefined && (currency === undefined || !CURRENCY_RE.test(currency)))
        return { ok: false, code: 'bad-request', why: 'currency is three capital letters (ISO 4217)', ...withOrder }
      return {
        ok: true,
        value: { type, ...withOrder, amount: a.value, ...(currency ? { currency } : {}), ...(d.items !== undefined ? { items: d.items } : {}) },
      }
    }
    case 'paydesk.refund': {
      if (d.amount === undefined) return { ok: true, value: { type, ...withOrder, ...approval } }
      const a = parseHostAmount(d.amount)
      if (!a.ok) return { ok: false, code: 'bad-amount', why: a.why, ...withOrder }
      return { ok: true, value: { type, ...withOrder, amount: a.value, ...approval } }
    }
    case 'paydesk.status':
      return { ok: true, value: { type, ...withOrder } }
    default:
      return { ok: true, value: { type: type as 'paydesk.cancel' | 'paydesk.void', ...withOrder, ...approval } }
  }
}

/** A payment started by URL: `#/pay?amount=<minor>&order=<ref>[&currency=<ISO>][&items=<JSON>]` (also `#/self?…`). */
export function parseHostUrl(hash: string): { none: true } | Parsed<Extract<HostRequest, { type: 'paydesk.pay' }>> {
  const m = /^#\/(?:pay|self)\?(.*)$/.exec(hash)
  if (!m) return { none: true }
  const q = new URLSearchParams(m[1])
  if (!q.has('amount')) return { none: true }
  const itemsText = q.get('items')
  let items: unknown
  if (itemsText !== null) {
    if (itemsText.length > MAX_ITEMS_TEXT) return { ok: false, code: 'bad-request', why: 'items too large' }
    try {
      items = JSON.parse(itemsText)
    } catch {
      items = null
    }
  }
  const r = parseHostRequest({
    type: 'paydesk.pay',
    order: q.get('order') ?? undefined,
    amount: q.get('amount') ?? '',
    ...(q.has('currency') ? { currency: q.get('currency') } : {}),
    ...(itemsText !== null ? { items } : {}),
  })
  return r as Parsed<Extract<HostRequest, { type: 'paydesk.pay' }>>
}

export type Outcome = 'approved' | 'declined' | 'unknown'
export type ProgressStage = 'waiting-scan' | 'qr-shown' | 'checking' | 'pinpad'

export interface ResultMessage {
  type: 'paydesk.result'
  protocol: typeof HOST_PROTOCOL
  requestId?: string
  operationId: string
  kind: Operation['kind']
  outcome: Outcome
  order?: string
  amountMinor: number
  currency: string
  paymentId?: string
  paymentProviderCode?: number
  /** The payment this cancel or refund reverses. */
  original?: string
  /** What the provider adds for the host (O!plati loyalty: `cardNumber`). */
  details?: Record<string, string | number | boolean>
  /** A repeated pay request answered with the earlier approved payment (nothing charged again). */
  repeated?: true
  /** The payment type is bound to a sandbox: no real money moved. */
  demo?: true
}

export const outcomeOf = (op: Pick<Operation, 'state'>): Outcome =>
  op.state === 'approved' ? 'approved' : op.state === 'declined' || op.state === 'compensated' ? 'declined' : 'unknown'

export function resultMessage(op: Operation, opts: { requestId?: string; repeated?: boolean; demo?: boolean } = {}): ResultMessage {
  return {
    type: 'paydesk.result',
    protocol: HOST_PROTOCOL,
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    operationId: op.id,
    kind: op.kind,
    outcome: outcomeOf(op),
    ...(op.order ? { order: op.order } : {}),
    amountMinor: op.amount,
    currency: op.currency,
    ...(op.ref ? { paymentId: op.ref } : {}),
    ...(op.providerCode !== undefined ? { paymentProviderCode: op.providerCode } : {}),
    ...(op.original ? { original: op.original } : {}),
    ...(op.details ? { details: op.details } : {}),
    ...(opts.repeated ? { repeated: true as const } : {}),
    ...(opts.demo ? { demo: true as const } : {}),
  }
}

/** Where the operation is, for a progress event; undefined when there is nothing new to say. */
export function progressStage(op: Pick<Operation, 'state' | 'display' | 'kind'> & { details?: Operation['details'] }): ProgressStage | undefined {
  if (op.state === 'created') return 'waiting-scan'
  if (op.state === 'sent' && op.display) return 'qr-shown'
  if (op.state === 'sent' && op.details?.method === 'sbp') return 'pinpad'
  if (op.state === 'sent' || op.state === 'unknown' || op.state === 'resolving') return 'checking'
  return undefined
}

export const progressMessage = (op: Operation, stage: ProgressStage, requestId?: string) => ({
  type: 'paydesk.progress' as const,
  protocol: HOST_PROTOCOL,
  ...(requestId ? { requestId } : {}),
  operationId: op.id,
  kind: op.kind,
  ...(op.order ? { order: op.order } : {}),
  stage,
})

export const errorMessage = (code: HostErrorCode, message: string, ctx: { requestId?: string; order?: string } = {}) => ({
  type: 'paydesk.error' as const,
  protocol: HOST_PROTOCOL,
  ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
  ...(ctx.order ? { order: ctx.order } : {}),
  code,
  message,
})

export const statusMessage = (order: string, ops: readonly Operation[], requestId?: string) => ({
  type: 'paydesk.status' as const,
  protocol: HOST_PROTOCOL,
  ...(requestId ? { requestId } : {}),
  order,
  operations: ops.map((o) => ({
    operationId: o.id,
    kind: o.kind,
    state: o.state,
    outcome: outcomeOf(o),
    amountMinor: o.amount,
    currency: o.currency,
    ...(o.ref ? { paymentId: o.ref } : {}),
  })),
})

/** An origin as the allowed list keeps it: `scheme://host[:port]`, lower case, no path. */
export function normalizeOrigin(text: string): string | undefined {
  const t = text.trim()
  if (!t || t === '*' || t.length > 200) return undefined
  try {
    const u = new URL(t)
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined
    if (u.origin === 'null' || u.username || u.password) return undefined
    if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined
    return u.origin
  } catch {
    return undefined
  }
}

/** The list an admin types (spaces, commas or new lines): the good origins, or the first bad entry. */
export function parseOriginList(text: string): { ok: true; origins: string[] } | { ok: false; bad: string } {
  const out: string[] = []
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const o = normalizeOrigin(part)
    if (!o) return { ok: false, bad: part.slice(0, 80) }
    if (!out.includes(o)) out.push(o)
  }
  if (out.length > 20) return { ok: false, bad: out[20]! }
  return { ok: true, origins: out }
}
