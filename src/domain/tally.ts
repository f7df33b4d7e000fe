// Counted money kept per hour (the X-report's and the day close's totals without reading a shift's rows): what
// one journal row adds to the tally of its hour, and the tally of a set of rows. Pure: the engine keeps the store
// (workers/engine/tally.ts) in the same transaction as each write of the journal; a tally row always equals the fold
// of `contribution` over the journal rows of its hour, payment type and currency.
import type { Operation, OpKind } from './operation.ts'
import { countedLine, LINES, type Counted, type Line, type LineName, type RowKind } from './journal.ts'

/** A tally bucket's width: an hour of `createdAt` (UTC), so a shift is whole hours but its two ends. */
export const HOUR = 3_600_000

export const hourOf = (createdAt: number): number => Math.floor(createdAt / HOUR)

/**
 * A tally row: one hour, payment type and currency, the counted lines of its rows. `unresolved` counts approved
 * cancels whose line (a cancel, or a cancelled refund) depends on a row they do not carry (no `targetRow`: the target
 * was not journaled when the cancel was): an hour with one is recounted from the journal, as before there was a tally.
 */
export interface TallyRow extends Counted {
  hour: number
  unresolved: Line
}

export type TallyKey = [hour: number, paymentTypeId: string, currency: string]

/** The fields a row's contribution depends on (a reversal's `targetRow` is kept by the journal's hook). */
export type Tallied = Pick<Operation, 'state' | 'kind' | 'compensates' | 'details' | 'original' | 'amount' | 'currency' | 'paymentTypeId' | 'createdAt'> & {
  targetRow?: { kind: RowKind }
}

export interface Contribution {
  hour: number
  paymentTypeId: string
  currency: string
  line: LineName | 'unresolved'
  amount: number
}

/** Is this a cancel whose line only its target's kind decides, and the row does not carry it? */
export function unresolvedCancel(o: Tallied): boolean {
  return o.kind === 'cancel' && !o.compensates && o.details?.void !== true && o.details?.reverses !== 'refund' && !!o.original && !o.targetRow
}

/** The kind of the operation a reversal reverses, as the row carries it (`targetRow`). */
export const targetKind = (o: Tallied): OpKind | undefined => (o.targetRow?.kind === 'refund' ? 'refund' : undefined)

/** What one journal row adds to its hour's tally; undefined when it moves no counted money. */
export function contribution(o: Tallied): Contribution | undefined {
  const line = countedLine(o, targetKind(o))
  if (!line) return undefined
  return {
    hour: hourOf(o.createdAt),
    paymentTypeId: o.paymentTypeId,
    currency: o.currency,
    line: line === 'cancels' && unresolvedCancel(o) ? 'unresolved' : line,
    amount: o.amount,
  }
}

export const sameContribution = (a: Contribution | undefined, b: Contribution | undefined): boolean =>
  a === b || (!!a && !!b && a.hour === b.hour && a.paymentTypeId === b.paymentTypeId && a.currency === b.currency && a.line === b.line && a.amount === b.amount)

export const tallyKey = (c: Pick<Contribution, 'hour' | 'paymentTypeId' | 'currency'>): TallyKey => [c.hour, c.paymentTypeId, c.currency]

const zero = (): Line => ({ count: 0, sum: 0 })

/** A tally row as counted money (its `unresolved` cancels left out: their hour is recounted). */
export const countedOf = (t: TallyRow): Counted => ({
  paymentTypeId: t.paymentTypeId,
  currency: t.currency,
  payments: t.payments,
  cancels: t.cancels,
  refunds: t.refunds,
  cancelRefunds: t.cancelRefunds,
})

export const emptyTally = (hour: number, paymentTypeId: string, currency: string): TallyRow => ({
  hour,
  paymentTypeId,
  currency,
  payments: zero(),
  cancels: zero(),
  refunds: zero(),
  cancelRefunds: zero(),
  unresolved: zero(),
})

/** A tally with every count at zero is no row at all (deleted): the tally of an hour with nothing counted is none. */
export const isEmptyTally = (t: TallyRow): boolean =>
  t.payments.count === 0 && t.cancels.count === 0 && t.refunds.count === 0 && t.cancelRefunds.count === 0 && t.unresolved.count === 0

/** Add a contribution (`sign` 1) or take it away (−1), in place. */
export function applyContribution(t: TallyRow, c: Contribution, sign: 1 | -1): TallyRow {
  const l = t[c.line]
  l.count += sign
  l.sum += sign * c.amount
  return t
}

/** Add `d` (another tally of the same key, or a delta) into `t`, in place. */
export function addTally(t: TallyRow, d: TallyRow, sign: 1 | -1 = 1): TallyRow {
  for (const k of [...LINES, 'unresolved'] as const) {
    t[k].count += sign * d[k].count
    t[k].sum += sign * d[k].sum
  }
  return t
}

const keyText = (hour: number, paymentTypeId: string, currency: string) => `${hour}\u0000${paymentTypeId}\u0000${currency}`

/** The tally of a set of journal rows (a recount): one row per hour, payment type and currency with money counted. */
export function tallyOf(ops: Iterable<Tallied>): TallyRow[] {
  const out = new Map<string, TallyRow>()
  for (const o of ops) {
    const c = contribution(o)
    if (!c) continue
    const k = keyText(c.hour, c.paymentTypeId, c.currency)
    let t = out.get(k)
    if (!t) out.set(k, (t = emptyTally(c.hour, c.paymentTypeId, c.currency)))
    applyContribution(t, c, 1)
  }
  return [...out.values()].filter((t) => !isEmptyTally(t)).sort(compareTally)
}

/** The tally's key order (hour, payment type, currency), as IndexedDB orders its compound key. */
export function compareTally(a: Pick<TallyRow, 'hour' | 'paymentTypeId' | 'currency'>, b: Pick<TallyRow, 'hour' | 'paymentTypeId' | 'currency'>): number {
  return (
    a.hour - b.hour ||
    (a.paymentTypeId < b.paymentTypeId ? -1 : a.paymentTypeId > b.paymentTypeId ? 1 : 0) ||
    (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)
  )
}
