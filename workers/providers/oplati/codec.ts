// O!plati `ms-pay` wire codec (docs/protocols/oplati.md § 2, § 3.3): amounts in BYN on the wire,
// the payment body with its single receipt line, PaymentInfo and the error envelope read
// into typed values with `paymentId` kept as digits (ids above 2^53 survive). Pure.
import type { Minor } from '../../../src/domain/money.ts'
import type { SaleItem } from '../../../src/domain/sale.ts'
import { MINSK_OFFSET_MS } from './codec-local.ts'

/** § 4.1: the wire constants that are Paydesk conventions [C] or SDK values [V-sdk]. */
export const WIRE = {
  tokenIssuePath: '/pos/cashbox/token',
  tokenHeader: 'token',
  consumerQrField: 'consumerQr',
  staticQrField: 'staticQr',
  confirmationCodeField: 'confirmationCode',
  demandPaymentPath: '/pos/demandPayment',
  consumerStatusPath: '/pos/consumerStatus',
  paymentsPath: '/pos/payments',
  paymentPath: (id: string) => `/pos/payments/${encodeURIComponent(id)}`,
  cancelPath: (id: string) => `/pos/payments/${encodeURIComponent(id)}/cancel`,
  reversalsPath: (id: string) => `/pos/payments/${encodeURIComponent(id)}/reversals`,
  reportsPath: '/pos/paymentReports',
  loyaltyPath: '/pos/loyaltyCards',
  loyaltyStatusPath: (id: string) => `/pos/loyaltyCards/${encodeURIComponent(id)}`,
  demandPaymentMode: 3,
} as const

export { UNREACHABLE_KEY, checkCode, POLL_FLOOR_MS, CODE_LIFETIME_MS, shiftStartOf } from './codec-local.ts'

/** § 2.6 [V-sdk]: E6 every 3 s. */
export const CONSUMER_POLL_MS = 3_000
/** § 4.1 [C]: the longest a cashier waits for the customer before the cashbox cancels. */
export const MAX_WAIT_MS = 180_000
/** § 4.1 [C]: how long the dynamic QR waits to be scanned. */
export const SESSION_WAIT_MS = 60_000

/** § 2.4 status codes. */
export const STATUS = { inProgress: 0, ok: 1, decline: 2, notEnough: 3, timeout: 4, cancelled: 5 } as const
export const PAYMENT_TYPE = { sale: 1, saleReturn: 3 } as const

/** Kopecks → BYN as a JSON number with at most 2 decimals (1705 → 17.05). */
export function bynOf(minor: number): number {
  return Number((minor / 100).toFixed(2))
}

/** BYN from the wire → kopecks, or undefined when it is not an amount with ≤ 2 decimals. */
export function minorOf(sum: unknown): number | undefined {
  const text = typeof sum === 'number' && Number.isFinite(sum) ? String(sum) : typeof sum === 'string' ? sum.trim() : ''
  // Integer math on the decimal text: no float rounding for large sums.
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text)
  if (!m) return undefined
  const minor = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  return Number.isSafeInteger(minor) ? minor : undefined
}

/** The Paydesk shift string (§ 2.4: the SDK suggests DDMMYYYY): the Minsk calendar day [C]. */
export function shiftOf(ms: number): string {
  const d = new Date(ms + MINSK_OFFSET_MS)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${p(d.getUTCDate())}${p(d.getUTCMonth() + 1)}${d.getUTCFullYear()}`
}

/** `YYYY-MM-DD` in Minsk, for E8's `shiftStart` / `shiftEnd`. */
export function minskDate(ms: number): string {
  return new Date(ms + MINSK_OFFSET_MS).toISOString().slice(0, 10)
}

export interface Line {
  type: 1 | 2
  name: string
  quantity: number
  unit: string
  price: number
  cost: number
}

/** § 4.3: the host's items, or one line «Покупка» for the whole sum [C]. */
export function linesOf(amount: Minor, items: readonly SaleItem[] | undefined): Line[] {
  if (!items?.length) return [{ type: 1, name: 'Покупка', quantity: 1, unit: 'шт', price: bynOf(amount), cost: bynOf(amount) }]
  return items.map((i) => ({ type: 1, name: i.title, quantity: i.count, unit: 'шт', price: bynOf(i.price), cost: bynOf(i.price * i.count) }))
}

export interface BodyInput {
  amount: Minor
  orderNumber: string
  regNum: string
  shift: string
  receiptNumber: string
  items?: readonly SaleItem[] | undefined
}

/** § 2.4: the E4 / E7 body (the mode field is added by the caller). */
export function paymentBody(b: BodyInput): Record<string, unknown> {
  const sum = bynOf(b.amount)
  return {
    sum,
    shift: b.shift,
    orderNumber: b.orderNumber,
    regNum: b.regNum,
    details: { receiptNumber: b.receiptNumber, regNum: b.regNum, items: linesOf(b.amount, b.items), amountTotal: sum },
  }
}

/** Quote every `paymentId` / `requestId` / `sessionId` number so JSON.parse keeps all its digits. */
function parseLossless(text: string): unknown {
  return JSON.parse(text.replace(/("(?:paymentId|requestId)"\s*:\s*)(-?\d+)/g, '$1"$2"'))
}

export interface PaymentInfo {
  paymentId: string
  paymentType: number
  status: number
  /** Kopecks. */
  sum: number
  orderNumber: string
  pursePublicId?: string
  confirmationCode?: string
  createdDate?: string
  shift?: string
}

function readInfo(o: unknown): PaymentInfo | undefined {
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  const id = typeof r.paymentId === 'string' && /^\d+$/.test(r.paymentId) ? r.paymentId : undefined
  const status = typeof r.status === 'number' && Number.isInteger(r.status) ? r.status : undefined
  const sum = minorOf(r.sum)
  if (id === undefined || status === undefined || sum === undefined) return undefined
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined)
  const code = str(r.confirmationCode)
  return {
    paymentId: id,
    status,
    sum,
    paymentType: typeof r.paymentType === 'number' ? r.paymentType : PAYMENT_TYPE.sale,
    orderNumber: str(r.orderNumber) ?? '',
    ...(typeof r.pursePublicId === 'string' ? { pursePublicId: r.pursePublicId } : {}),
    ...(code ? { confirmationCode: code } : {}),
    ...(typeof r.createdDate === 'string' ? { createdDate: r.createdDate } : {}),
    ...(typeof r.shift === 'string' ? { shift: r.shift } : {}),
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; why: string }

export function decodePaymentInfo(text: string): Decoded<PaymentInfo> {
  try {
    const info = readInfo(parseLossless(text))
    return info ? { ok: true, value: info } : { ok: false, why: 'not a PaymentInfo' }
  } catch {
    return { ok: false, why: 'not JSON' }
  }
}

export function decodeReports(text: string): Decoded<PaymentInfo[]> {
  try {
    const list = parseLossless(text)
    if (!Array.isArray(list)) return { ok: false, why: 'not a list' }
    const out: PaymentInfo[] = []
    for (const x of list) {
      const info = readInfo(x)
      if (!info) return { ok: false, why: 'bad entry' }
      out.push(info)
    }
    return { ok: true, value: out }
  } catch {
    return { ok: false, why: 'not JSON' }
  }
}

export function decodeJson(text: string): Decoded<Record<string, unknown>> {
  try {
    const v = parseLossless(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ok: true, value: v as Record<string, unknown> } : { ok: false, why: 'not an object' }
  } catch {
    return { ok: false, why: 'not JSON' }
  }
}

/** § 2.4: the error envelope on any non-200 answer. */
export interface Envelope {
  code: string
  internalCode?: string
  devMessage?: string
  ru?: string
  en?: string
}

export function decodeEnvelope(text: string, status: number): Envelope | undefined {
  const d = decodeJson(text)
  if (!d.ok) return undefined
  const o = d.value
  const um = (o.userMessage ?? {}) as Record<string, unknown>
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const code = s(o.code) ?? (typeof o.code === 'number' ? String(o.code) : String(status))
  const env: Envelope = { code }
  const ic = s(o.internalCode)
  const dev = s(o.devMessage)
  const ru = s(um.lang_ru)
  const en = s(um.lang_en)
  if (ic) env.internalCode = ic
  if (dev) env.devMessage = dev
  if (ru) env.ru = ru
  if (en) env.en = en
  return env
}
