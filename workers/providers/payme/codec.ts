// PaymeGO wire codec (docs/protocols/payme.md § 2): JSON-RPC 2.0 bodies, the static `X-Auth`,
// the `account` template, and replies read into a typed union. Pure.
import type { Minor } from '../../../src/domain/money.ts'
import type { SaleItem } from '../../../src/domain/sale.ts'

export { CODE_LIFETIME_MS, checkDetailItems, isPaymeCode } from './codec-local.ts'

/** § 2.1: `X-Auth: {cashbox id}:{cashbox key}`; the log shows `{id}:****`. */
export function xAuth(posId: string, posKey: string): string {
  return `${posId}:${posKey}`
}
export function maskXAuth(posId: string): string {
  return `${posId}:****`
}

export function rpcBody(id: number, method: string, params: Record<string, unknown>): string {
  return JSON.stringify({ id, method, params })
}

/**
 * § 2.2: `detail` is the fiscal list. Payme's `receipts.create` documents `price` as the price of **one unit**
 * next to `count`, and `code` (the product's IKPU code) and `vat_percent` as required; `package_code` optional.
 * The lines (price × count) add up to `amount`.
 */
export function createParams(amount: Minor, account: Record<string, unknown>, description: string, items?: readonly SaleItem[]) {
  if (!items?.length) return { amount, account, description }
  const detail = {
    receipt_type: 0,
    items: items.map((i) => ({
      title: i.title,
      price: i.price,
      count: i.count,
      code: i.code ?? '',
      ...(i.packageCode ? { package_code: i.packageCode } : {}),
      vat_percent: i.vatPercent ?? 0,
    })),
  }
  return { amount, account, description, detail }
}

/** Paydesk's `accountTemplate` with `{operationId}`, `{posId}`, `{receiptNumber}` filled in (§ 1.2). */
export function renderAccount(template: string, vars: Record<string, string>): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(template)
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const fill = (v: unknown): unknown => (typeof v === 'string' ? v.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m) : v)
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, fill(v)]))
}

export interface Receipt {
  id: string
  state: number
  amount?: number
  payTime?: number
  cancelTime?: number
  cardNumber?: string
  phone?: string
  merchant?: { name?: string; organization?: string; address?: string; merchantId?: string; terminalId?: string }
}

export type RpcReply =
  | { kind: 'result'; receipt?: Receipt; state?: number }
  | { kind: 'error'; code: number; message?: string; messageByLang?: Record<string, string> }
  | { kind: 'malformed'; why: string }

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

function readReceipt(o: unknown): Receipt | undefined {
  if (typeof o !== 'object' || o === null) return undefined
  const r = o as Record<string, unknown>
  const id = str(r._id)
  const state = num(r.state)
  if (!id || state === undefined) return undefined
  const card = (r.card ?? {}) as Record<string, unknown>
  const payer = (r.payer ?? {}) as Record<string, unknown>
  const m = r.merchant as Record<string, unknown> | null | undefined
  const epos = (m?.epos ?? {}) as Record<string, unknown>
  return {
    id,
    state,
    amount: num(r.amount),
    payTime: num(r.pay_time) || undefined,
    cancelTime: num(r.cancel_time) || undefined,
    cardNumber: str(card.number),
    phone: str(payer.phone),
    ...(m
      ? {
          merchant: {
            name: str(m.name),
            organization: str(m.organization),
            address: str(m.address),
            merchantId: str(epos.merchantId),
            terminalId: str(epos.terminalId),
          },
        }
      : {}),
  }
}

/** Read a JSON-RPC reply (§ 2.4: `message` is a string or `{ru,uz,en}`). */
export function decodeRpc(text: string): RpcReply {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { kind: 'malformed', why: 'not JSON' }
  }
  if (typeof json !== 'object' || json === null) return { kind: 'malformed', why: 'not an object' }
  const o = json as Record<string, unknown>
  if (o.error && typeof o.error === 'object') {
    const e = o.error as Record<string, unknown>
    const code = num(e.code)
    if (code === undefined) return { kind: 'malformed', why: 'error without code' }
    if (typeof e.message === 'string') return { kind: 'error', code, message: e.message }
    if (e.message && typeof e.message === 'object') {
      const byLang = Object.fromEntries(Object.entries(e.message as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>
      return { kind: 'error', code, messageByLang: byLang }
    }
    return { kind: 'error', code }
  }
  if (!o.result || typeof o.result !== 'object') return { kind: 'malformed', why: 'no result' }
  const res = o.result as Record<string, unknown>
  if ('receipt' in res) {
    const receipt = readReceipt(res.receipt)
    return receipt ? { kind: 'result', receipt, state: receipt.state } : { kind: 'malformed', why: 'bad receipt' }
  }
  const state = num(res.state)
  if (state !== undefined) return { kind: 'result', state }
  return { kind: 'result' }
}

/** § 4.7: the phone masked for the slip. */
export function maskPayerPhone(phone: string): string {
  return phone.includes('*') || phone.length < 8 ? phone : `${phone.slice(0, 5)}*****${phone.slice(-2)}`
}
