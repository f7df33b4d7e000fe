// The part of PaymeGO's codec the engine uses before the client is loaded (first load, docs/performance.md): the
// code's lifetime, the local format check of a scanned code, and the check of the host's sale items. The wire codec
// (codec.ts) loads with the client. Pure.
import type { SaleItem } from '../../../src/domain/sale.ts'
import { msg, type Msg } from '../../../src/domain/messages.ts'

/** Seed rule 1.3.2: a PaymeGO QR lives 30 seconds. */
export const CODE_LIFETIME_MS = 30_000

/** A host line Payme cannot take as fiscal detail (no IKPU `code`, no `vatPercent`): refused before anything is sent. */
export function checkDetailItems(items: readonly SaleItem[]): Msg | undefined {
  for (const [i, item] of items.entries()) {
    if (!item.code) return msg('payme.itemNoCode', { line: i + 1 })
    if (item.vatPercent === undefined) return msg('payme.itemNoVat', { line: i + 1 })
  }
  return undefined
}

/** § 2.6 [I]: an opaque printable string up to 64 characters. */
export function isPaymeCode(code: string): boolean {
  return code.length > 0 && code.length <= 64 && /^[\x21-\x7e]+$/.test(code)
}
