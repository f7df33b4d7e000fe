// The sale's items, as a host POS passes them (`#/pay?…&items=<JSON>`): what a provider
// needs for fiscal detail (Payme `receipts.create` `detail`). Pure; amounts in minor units.
import { isMinor, type Minor } from './money.ts'

export interface SaleItem {
  title: string
  /** Unit price, minor units. */
  price: Minor
  /** Whole units (Payme counts pieces). */
  count: number
  /** Uzbek IKPU (MXIK) code and package code, when the host knows them. */
  code?: string
  packageCode?: string
  vatPercent?: number
}

export type ItemsResult = { ok: true; items: SaleItem[] } | { ok: false; why: string }

const MAX_ITEMS = 500

/** Read and check the host's list: every field typed, and the total equal to the amount. */
export function parseItems(input: unknown, amount: number): ItemsResult {
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_ITEMS) return { ok: false, why: `items: a list of 1…${MAX_ITEMS}` }
  const items: SaleItem[] = []
  let total = 0
  for (const [i, raw] of input.entries()) {
    if (typeof raw !== 'object' || raw === null) return { ok: false, why: `item ${i + 1}: not an object` }
    const o = raw as Record<string, unknown>
    const title = typeof o.title === 'string' ? o.title.trim() : ''
    if (title === '' || title.length > 128) return { ok: false, why: `item ${i + 1}: title` }
    if (!isMinor(o.price) && o.price !== 0) return { ok: false, why: `item ${i + 1}: price` }
    if (typeof o.count !== 'number' || !Number.isSafeInteger(o.count) || o.count <= 0) return { ok: false, why: `item ${i + 1}: count` }
    const opt = (k: string) => (o[k] === undefined ? undefined : typeof o[k] === 'string' && /^\d{1,32}$/.test(o[k]) ? o[k] : null)
    const code = opt('code')
    const packageCode = opt('packageCode')
    if (code === null || packageCode === null) return { ok: false, why: `item ${i + 1}: code` }
    const vat = o.vatPercent
    if (vat !== undefined && (typeof vat !== 'number' || !Number.isInteger(vat) || vat < 0 || vat > 100)) return { ok: false, why: `item ${i + 1}: vatPercent` }
    total += (o.price as number) * o.count
    items.push({
      title,
      price: o.price as Minor,
      count: o.count,
      ...(code ? { code } : {}),
      ...(packageCode ? { packageCode } : {}),
      ...(vat === undefined ? {} : { vatPercent: vat }),
    })
  }
  if (!Number.isSafeInteger(total) || total !== amount) return { ok: false, why: `items add up to ${total}, not ${amount}` }
  return { ok: true, items }
}
