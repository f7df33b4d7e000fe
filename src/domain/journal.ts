// The journal as the cashier reads it: what each row is in the cashier's words,
// the search keys the Dexie index keeps, the filter a page applies, and the shift's totals
// (X-report and day close) by payment type. Pure: the engine reads the rows, this counts them.
import type { Operation, OpKind, OpState } from './operation.ts'

/** What a row is, in the cashier's words: «Оплата», «Отмена оплаты», «Возврат», «Автоотмена», «Отмена возврата», «Аннулирование», «Сверка». */
export type RowKind = 'pay' | 'cancel' | 'refund' | 'autoCancel' | 'cancelRefund' | 'void' | 'reconcile' | 'loyalty'
export const ROW_KINDS: readonly RowKind[] = ['pay', 'cancel', 'refund', 'autoCancel', 'cancelRefund', 'void', 'reconcile', 'loyalty']

/** The operation's kind in the cashier's words; `originalKind` is the kind of the operation a cancel reverses, when known. */
export function rowKind(o: Pick<Operation, 'kind' | 'compensates' | 'details'>, originalKind?: OpKind): RowKind {
  if (o.kind !== 'cancel') return o.kind
  if (o.compensates) return 'autoCancel'
  if (o.details?.void === true) return 'void'
  if (o.details?.reverses === 'refund' || originalKind === 'refund') return 'cancelRefund'
  return 'cancel'
}

/** The stored kind a row kind lives under (the `kind` index). */
export function storedKind(k: RowKind): OpKind {
  return k === 'autoCancel' || k === 'cancelRefund' || k === 'void' ? 'cancel' : k
}

const lastDigits = (s: string, n = 4): string | undefined => {
  const d = s.replace(/\D/g, '')
  return d.length >= n ? d.slice(-n) : undefined
}

/**
 * Search keys for the multi-entry index: the provider reference, the host's order, the card's and the
 * phone's (masked) text and their last 4 digits, the masked customer code. Lower case; never a secret.
 */
export function searchKeys(o: Pick<Operation, 'ref' | 'order' | 'details' | 'code'>): string[] {
  const keys = new Set<string>()
  const add = (v: unknown, last4 = true) => {
    if (typeof v !== 'string' && typeof v !== 'number') return
    const s = String(v).trim().toLowerCase()
    if (!s || s.length > 200) return
    keys.add(s)
    const l = last4 ? lastDigits(s) : undefined
    if (l) keys.add(l)
  }
  add(o.ref, false)
  add(o.order, false)
  const d = o.details ?? {}
  for (const k of ['cardNumber', 'phone', 'rrn', 'authCode', 'paymentId']) add(d[k], k === 'cardNumber' || k === 'phone')
  if (o.code?.masked) add(o.code.masked)
  return [...keys]
}

export interface JournalFilter {
  /** Free text: a reference, order, card's or phone's last 4 digits (prefix of a search key). */
  q?: string
  /** createdAt range, ms, inclusive. */
  from?: number
  to?: number
  /** Amount in minor units, inclusive range. */
  amountMin?: number
  amountMax?: number
  paymentTypeId?: string
  kind?: RowKind
  state?: OpState
  /** Only operations waiting in the queue. */
  queued?: boolean
}

export const MAX_QUERY = 100

/** Does one operation pass the filter (the part an index did not already decide)? */
export function matches(o: Operation, f: JournalFilter, originalKind?: OpKind): boolean {
  if (f.from !== undefined && o.createdAt < f.from) return false
  if (f.to !== undefined && o.createdAt > f.to) return false
  if (f.amountMin !== undefined && o.amount < f.amountMin) return false
  if (f.amountMax !== undefined && o.amount > f.amountMax) return false
  if (f.paymentTypeId !== undefined && o.paymentTypeId !== f.paymentTypeId) return false
  if (f.state !== undefined && o.state !== f.state) return false
  if (f.kind !== undefined && rowKind(o, originalKind) !== f.kind) return false
  if (f.q) {
    const q = f.q.trim().toLowerCase()
    if (q && !searchKeys(o).some((k) => k.startsWith(q))) return false
  }
  return true
}

// ---- totals: X-report and day close ------------------------------------------------------

export interface Line {
  count: number
  sum: number
}
export interface TypeTotals {
  paymentTypeId: string
  name: string
  number?: number
  currency: string
  payments: Line
  cancels: Line
  refunds: Line
  /** Cancelled refunds: the money came back to the till. */
  cancelRefunds: Line
  /** payments − cancels − refunds + cancelled refunds. */
  net: number
}
export interface ReportItem {
  id: string
  paymentTypeId: string
  name: string
  kind: RowKind
  amount: number
  currency: string
  state: OpState
  createdAt: number
}
export interface Totals {
  types: TypeTotals[]
  /** Per currency: a till may take BYN and UZS at once, and they do not add up. */
  total: { currency: string; payments: Line; cancels: Line; refunds: Line; cancelRefunds: Line; net: number }[]
  operations: number
  attention: ReportItem[]
  queued: ReportItem[]
}

const zero = (): Line => ({ count: 0, sum: 0 })
const addTo = (l: Line, amount: number) => {
  l.count++
  l.sum += amount
}

/**
 * Totals of a set of operations by payment type and in total (per currency). Only approved money
 * counts: a payment once approved counts as a payment, and its cancel as a cancel (both in the
 * shift where each happened); an automatic cancel of a payment whose result never became final
 * moves no counted money. `originals` gives the kind of the operation each cancel reverses.
 */
export function totals(
  ops: readonly Operation[],
  types: readonly { id: string; name: string; number?: number }[],
  opts: { originals?: ReadonlyMap<string, OpKind>; queuedIds?: ReadonlySet<string> } = {},
): Totals {
  const byType = new Map<string, TypeTotals>()
  const nameOf = (id: string) => types.find((t) => t.id === id)
  const attention: ReportItem[] = []
  const queued: ReportItem[] = []
  for (const o of ops) {
    const origKind = o.original ? opts.originals?.get(o.original) : undefined
    const kind = rowKind(o, origKind)
    const t = nameOf(o.paymentTypeId)
    const item = (): ReportItem => ({
      id: o.id,
      paymentTypeId: o.paymentTypeId,
      name: t?.name ?? o.paymentTypeId,
      kind,
      amount: o.amount,
      currency: o.currency,
      state: o.state,
      createdAt: o.createdAt,
    })
    if (o.state === 'needs-attention') attention.push(item())
    if (opts.queuedIds?.has(o.id)) queued.push(item())
    if (o.state !== 'approved' || kind === 'reconcile' || kind === 'loyalty' || kind === 'autoCancel') continue
    let tt = byType.get(o.paymentTypeId)
    if (!tt) {
      tt = {
        paymentTypeId: o.paymentTypeId,
        name: t?.name ?? o.paymentTypeId,
        ...(t?.number !== undefined ? { number: t.number } : {}),
        currency: o.currency,
        payments: zero(),
        cancels: zero(),
        refunds: zero(),
        cancelRefunds: zero(),
        net: 0,
      }
      byType.set(o.paymentTypeId, tt)
    }
    if (kind === 'pay') addTo(tt.payments, o.amount)
    else if (kind === 'refund') addTo(tt.refunds, o.amount)
    else if (kind === 'cancelRefund') addTo(tt.cancelRefunds, o.amount)
    else addTo(tt.cancels, o.amount)
  }
  const list = [...byType.values()].sort((a, b) => (a.number ?? 1e9) - (b.number ?? 1e9) || a.name.localeCompare(b.name))
  for (const t of list) t.net = t.payments.sum - t.cancels.sum - t.refunds.sum + t.cancelRefunds.sum
  const cur = new Map<string, Totals['total'][number]>()
  for (const t of list) {
    let c = cur.get(t.currency)
    if (!c) cur.set(t.currency, (c = { currency: t.currency, payments: zero(), cancels: zero(), refunds: zero(), cancelRefunds: zero(), net: 0 }))
    for (const k of ['payments', 'cancels', 'refunds', 'cancelRefunds'] as const) {
      c[k].count += t[k].count
      c[k].sum += t[k].sum
    }
    c.net += t.net
  }
  return { types: list, total: [...cur.values()], operations: ops.length, attention, queued }
}

/**
 * How much of a payment its refunds have taken: every refund counts but a declined one and one
 * undone by an approved «Отмена возврата» (`undone(reversedBy)`). The engine checks a new refund
 * against this inside its transaction, and the journal shows what is left: one rule for both.
 */
export function refundedSoFar(refunds: readonly Pick<Operation, 'state' | 'amount' | 'reversedBy'>[], undone: (id: string) => boolean): number {
  let used = 0
  for (const r of refunds) {
    if (r.state === 'declined') continue
    if (r.reversedBy && undone(r.reversedBy)) continue
    used += r.amount
  }
  return used
}

/** What is left to refund of a payment, given every refund and reversal of it (the engine's rule). */
export function remainingOf(
  pay: Pick<Operation, 'amount'>,
  refunds: readonly Pick<Operation, 'state' | 'amount' | 'reversedBy'>[],
  undone: (id: string) => boolean,
): number {
  return pay.amount - refundedSoFar(refunds, undone)
}

// ---- CSV ----------------------------------------------------------------------------------

const cell = (v: string | number): string => {
  const s = String(v)
  // A leading = + - @ (or a tab or CR before one) would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}
export const csvRow = (cells: readonly (string | number)[]): string => cells.map(cell).join(',')
const major = (minor: number) => (minor / 100).toFixed(2)

/** The report as CSV: a row per payment type, the totals, then the operations needing attention and the queue. */
export function totalsCsv(t: Totals, head: { title: string; period: string }, words: (key: string) => string): string {
  const rows: string[] = [csvRow([head.title, head.period])]
  rows.push(
    csvRow([
      words('journal.type'),
      words('shift.number'),
      words('shift.payments'),
      words('shift.paymentsSum'),
      words('shift.cancels'),
      words('shift.cancelsSum'),
      words('shift.refunds'),
      words('shift.refundsSum'),
      words('shift.cancelRefunds'),
      words('shift.cancelRefundsSum'),
      words('shift.net'),
      words('shift.currency'),
    ]),
  )
  for (const x of t.types)
    rows.push(
      csvRow([
        x.name,
        x.number ?? '',
        x.payments.count,
        major(x.payments.sum),
        x.cancels.count,
        major(x.cancels.sum),
        x.refunds.count,
        major(x.refunds.sum),
        x.cancelRefunds.count,
        major(x.cancelRefunds.sum),
        major(x.net),
        x.currency,
      ]),
    )
  for (const c of t.total)
    rows.push(
      csvRow([
        words('shift.total'),
        '',
        c.payments.count,
        major(c.payments.sum),
        c.cancels.count,
        major(c.cancels.sum),
        c.refunds.count,
        major(c.refunds.sum),
        c.cancelRefunds.count,
        major(c.cancelRefunds.sum),
        major(c.net),
        c.currency,
      ]),
    )
  for (const [label, list] of [
    [words('shift.attention'), t.attention],
    [words('shift.queued'), t.queued],
  ] as const) {
    for (const i of list) rows.push(csvRow([label, i.name, words(`rowKind.${i.kind}`), major(i.amount), i.currency, i.id]))
  }
  return rows.join('\r\n') + '\r\n'
}

/** Operations as CSV (a report "with each operation"). */
export function operationsCsv(
  rows: readonly { o: Operation; kind: RowKind; typeName: string }[],
  words: (key: string) => string,
  time: (ms: number) => string,
): string {
  const out = [
    csvRow([
      words('journal.time'),
      words('journal.kind'),
      words('journal.type'),
      words('journal.amount'),
      words('shift.currency'),
      words('journal.state'),
      words('journal.ref'),
      'id',
    ]),
  ]
  for (const { o, kind, typeName } of rows)
    out.push(csvRow([time(o.createdAt), words(`rowKind.${kind}`), typeName, major(o.amount), o.currency, words(`state.${o.state}`), o.ref ?? '', o.id]))
  return out.join('\r\n') + '\r\n'
}

/**
 * The whole journal as CSV for a person (the journal's «Экспорт журнала (CSV)»): newest first, each
 * operation in the cashier's words with its payment type's name, in the columns of `operationsCsv`.
 */
export function journalCsv(
  ops: readonly Operation[],
  typeName: (o: Operation) => string,
  words: (key: string) => string,
  time: (ms: number) => string,
): string {
  const kinds = new Map<string, OpKind>(ops.map((o) => [o.id, o.kind]))
  const rows = [...ops]
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
    .map((o) => ({ o, kind: rowKind(o, o.original ? kinds.get(o.original) : undefined), typeName: typeName(o) }))
  return operationsCsv(rows, words, time)
}

/** `YYYY-MM-DD` (UTC) of an instant, for a file's name. */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
