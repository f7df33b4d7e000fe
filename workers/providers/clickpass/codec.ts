// ClickPass wire codec (docs/protocols/clickpass.md § 2): paths, the `Auth` header, request
// bodies in so'm, and replies read into a typed union. Pure: no fetch, no clock.
import { toMajorText, type Minor } from '../../../src/domain/money.ts'
import { SERVER_TEXT_MAX } from '../../../src/domain/messages.ts'

/** § 2.2: every path is below `{url}/v2/merchant/`. */
export const CLICK_PATHS = {
  payment: () => '/v2/merchant/click_pass/payment',
  confirm: () => '/v2/merchant/click_pass/confirm',
  confirmOn: (serviceId: number) => `/v2/merchant/click_pass/confirmation/${serviceId}`,
  confirmOff: (serviceId: number) => `/v2/merchant/click_pass/confirmation/${serviceId}`,
  status: (serviceId: number, paymentId: string) => `/v2/merchant/payment/status/${serviceId}/${paymentId}`,
  statusByMti: (serviceId: number, mti: string, date: string) => `/v2/merchant/payment/status_by_mti/${serviceId}/${mti}/${date}`,
  reversal: (serviceId: number, paymentId: string) => `/v2/merchant/payment/reversal/${serviceId}/${paymentId}`,
} as const

export { isClickCode } from './codec-local.ts'

/** The `Auth` header as the log shows it: `123:****:1519051543` (§ 5 scenario 50). */
export function maskAuth(header: string): string {
  const parts = header.split(':')
  return parts.length === 3 ? `${parts[0]}:****:${parts[2]}` : '****'
}

export interface PaymentRequest {
  serviceId: number
  code: string
  amount: Minor
  transactionId: string
  cashboxCode?: string
}

/** § 2.3: the amount goes in so'm as a JSON number with at most 2 decimals. */
export function paymentBody(r: PaymentRequest): string {
  const cashbox = r.cashboxCode ? `,"cashbox_code":${JSON.stringify(r.cashboxCode)}` : ''
  return `{"service_id":${r.serviceId},"otp_data":${JSON.stringify(r.code)},"amount":${toMajorText(r.amount)}${cashbox},"transaction_id":${JSON.stringify(r.transactionId)}}`
}

export function confirmBody(serviceId: number, paymentId: string): string {
  return `{"service_id":${serviceId},"payment_id":${paymentId}}`
}

/** A Click reply as the client needs it. `paymentId` is read from the raw JSON text (docs/rules.md R2). */
export interface ClickReply {
  errorCode: number
  errorNote?: string
  paymentId?: string
  paymentStatus?: number
  confirmMode?: number
  cardType?: string
  processingType?: string
  cardNumber?: string
  phoneNumber?: string
}

export type Decoded = { kind: 'reply'; reply: ClickReply } | { kind: 'malformed'; why: string }

/** Read a reply body. Anything without an integer `error_code` is malformed (docs/rules.md R3). */
export function decodeReply(text: string): Decoded {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'malformed', why: 'not JSON' }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'malformed', why: 'not an object' }
  const o = json as Record<string, unknown>
  if (typeof o.error_code !== 'number' || !Number.isInteger(o.error_code)) return { kind: 'malformed', why: 'no error_code' }
  // Read from the text (ids may exceed 2^53), but only the top-level key: a nested `payment_id` never wins.
  const rawId = topLevelDigits(text, 'payment_id')
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined)
  if (o.payment_status !== undefined && int(o.payment_status) === undefined) return { kind: 'malformed', why: 'bad payment_status' }
  return {
    kind: 'reply',
    reply: {
      errorCode: o.error_code,
      errorNote: str(o.error_note)?.slice(0, SERVER_TEXT_MAX),
      paymentId: rawId,
      paymentStatus: int(o.payment_status),
      confirmMode: int(o.confirm_mode),
      cardType: str(o.card_type),
      processingType: str(o.processing_type),
      cardNumber: str(o.card_number),
      phoneNumber: str(o.phone_number),
    },
  }
}

/** The digits of `"key": 123` or `"key": "123"` at the top level of a JSON object text (strings and nesting skipped). */
export function topLevelDigits(text: string, key: string): string | undefined {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      const name = text.slice(i + 1, j)
      i = j
      if (depth !== 1 || name !== key) continue
      const m = /^\s*:\s*"?(\d+)"?/.exec(text.slice(j + 1, j + 1 + 64))
      if (m) return m[1]
    }
  }
  return undefined
}

/** § 4.8: the phone masked as `998*****4567`. */
export function maskPhone(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, 3)}*****${phone.slice(-4)}` : phone
}

/** The Asia/Tashkent calendar date (UTC+5, no DST) of a UTC instant, as `YYYY-MM-DD` (docs/rules.md R11). */
export function tashkentDate(utcMs: number): string {
  return new Date(utcMs + 5 * 3_600_000).toISOString().slice(0, 10)
}

/** § 4.4: within 5 minutes of midnight, both dates are queried. */
export function datesToQuery(createdAtMs: number): string[] {
  const d = tashkentDate(createdAtMs)
  const before = tashkentDate(createdAtMs - 5 * 60_000)
  const after = tashkentDate(createdAtMs + 5 * 60_000)
  return [...new Set([d, before, after])]
}
