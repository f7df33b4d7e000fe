// What the journal offers on a row — cancel, refund, cancel of a refund, void of a receipt — and the
// month a payment belongs to in its currency's zone. Pure: the journal's rows and a type's
// capabilities in, a yes or no out. The engine checks the same things again before it moves money.
import type { Operation } from './operation.ts'
import type { RowKind } from './journal.ts'

/** The part of a journal row these rules read (`JournalRow` of the journal's read model). */
export interface ReversibleRow {
  op: Pick<Operation, 'kind' | 'state' | 'amount' | 'order'>
  /** The operation that reverses this one, when it stands or is pending. */
  reversal?: { kind: RowKind; state: Operation['state'] }
  /** For an approved payment: what is left to refund. */
  remaining?: number
}

/** The capabilities of the row's payment type these rules need; undefined when the type is unknown. */
export interface ReversalCaps {
  cancel?: boolean
  refund?: 'none' | 'full' | 'partial'
  cancelRefund?: boolean
  void?: boolean
}

/** A payment that stands and has something left to cancel or refund (the engine's arithmetic). */
export function canReverse(r: ReversibleRow): boolean {
  const o = r.op
  if (o.kind !== 'pay' || o.state !== 'approved') return false
  const full = r.reversal && r.reversal.kind !== 'refund'
  return !full && (r.remaining ?? 0) > 0
}

/** «Отмена»: a payment nothing was refunded of yet, on a type that cancels. */
export const canCancel = (r: ReversibleRow, caps: ReversalCaps | undefined): boolean => canReverse(r) && r.remaining === r.op.amount && !!caps?.cancel

/** «Возврат»: a payment with something left, on a type that refunds. */
export const canRefund = (r: ReversibleRow, caps: ReversalCaps | undefined): boolean => canReverse(r) && caps?.refund !== 'none'

/** «Отмена возврата»: an approved refund not yet cancelled, on a type that can. */
export const canCancelRefund = (r: ReversibleRow, caps: ReversalCaps | undefined): boolean =>
  r.op.kind === 'refund' && r.op.state === 'approved' && !r.reversal && !!caps?.cancelRefund

/** «Аннулировать»: the host's whole receipt, while none of this payment went back yet. */
export const canVoid = (r: ReversibleRow, caps: ReversalCaps | undefined): boolean =>
  !!r.op.order && !!caps?.void && canReverse(r) && r.remaining === r.op.amount

/**
 * Each currency's zone, as a fixed offset from UTC in minutes: none of these zones keeps summer time
 * (docs/rules.md R11). A payment's calendar month is the month where its money was taken.
 */
export const CURRENCY_ZONES: Readonly<Record<string, { zone: string; offsetMinutes: number }>> = {
  UZS: { zone: 'Asia/Tashkent', offsetMinutes: 5 * 60 },
  BYN: { zone: 'Europe/Minsk', offsetMinutes: 3 * 60 },
  RUB: { zone: 'Europe/Moscow', offsetMinutes: 3 * 60 },
}
/** A currency with no zone above keeps the till's first rule: Tashkent. */
const FALLBACK_ZONE = CURRENCY_ZONES.UZS!

/** `YYYY-MM` of an instant in the currency's zone. */
export function monthIn(currency: string, ms: number): string {
  const d = new Date(ms + (CURRENCY_ZONES[currency] ?? FALLBACK_ZONE).offsetMinutes * 60_000)
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

/** A payment from an earlier calendar month than `now`, in its currency's zone: a processor may refuse to reverse it. */
export function earlierMonth(o: Pick<Operation, 'createdAt' | 'currency'>, now: number): boolean {
  return monthIn(o.currency, o.createdAt) !== monthIn(o.currency, now)
}
