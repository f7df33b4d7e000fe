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

/** The counted lines of the X-report, in its order. */
export const LINES = ['payments', 'cancels', 'refunds', 'cancelRefunds'] as const
export type LineName = (typeof LINES)[number]

/**
 * The counted line of an operation: only approved money counts; a reconcile, a loyalty operation and an automatic
 * cancel move none. `originalKind` is the kind of the operation a cancel reverses, when known. The one rule of the
 * totals below and of the tally kept per hour (src/domain/tally.ts).
 */
export function countedLine(o: Pick<Operation, 'state' | 'kind' | 'compensates' | 'details'>, originalKind?: OpKind): LineName | undefined {
  if (o.state !== 'approved') return undefined
  const kind = rowKind(o, originalKind)
  if (kind === 'reconcile' || kind === 'loyalty' || kind === 'autoCancel') return undefined
  if (kind === 'pay') return 'payments'
  if (kind === 'refund') return 'refunds'
  if (kind === 'cancelRefund') return 'cancelRefunds'
  return 'cancels'
}

/** Counted money of one payment type in one currency (a set of rows, or tallied hours). */
export interface Counted {
  paymentTypeId: string
  currency: string
  payments: Line
  cancels: Line
  refunds: Line
  cancelRefunds: Line
}

/** A row of the report's lists (needs attention, queued), in the cashier's words. */
export function reportItem(o: Operation, kind: RowKind, types: readonly { id: string; name: string }[]): ReportItem {
  return {
    id: o.id,
    paymentTypeId: o.paymentTypeId,
    name: types.find((t) => t.id === o.paymentTypeId)?.name ?? o.paymentTypeId,
    kind,
    amount: o.amount,
    currency: o.currency,
    state: o.state,
    createdAt: o.createdAt,
  }
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
  const attention: ReportItem[] = []
  const queued: ReportItem[] = []
  const counted = new Map<string, Counted>()
  for (const o of ops) {
    const origKind = o.original ? opts.originals?.get(o.original) : undefined
    const kind = rowKind(o, origKind)
    if (o.state === 'needs-attention') attention.push(reportItem(o, kind, types))
    if (opts.queuedIds?.has(o.id)) queued.push(reportItem(o, kind, types))
    const line = countedLine(o, origKind)
    if (!line) continue
    const k = `${o.paymentTypeId}\u0000${o.currency}`
    let c = counted.get(k)
    if (!c)
      counted.set(k, (c = { paymentTypeId: o.paymentTypeId, currency: o.currency, payments: zero(), cancels: zero(), refunds: zero(), cancelRefunds: zero() }))
    addTo(c[line], o.amount)
  }
  return totalsOf(counted.values(), types, { operations: ops.length, attention, queued })
}

/**
 * The totals from counted money per payment type and currency (entries of one type and currency add up: the
 * hours of a tally). A payment type is one row per currency it took; the list in the types' order (number, name).
 */
export function totalsOf(
  counted: Iterable<Counted>,
  types: readonly { id: string; name: string; number?: number }[],
  rest: Pick<Totals, 'operations' | 'attention' | 'queued'>,
): Totals {
  const byType = new Map<string, TypeTotals>()
  for (const c of counted) {
    const k = `${c.paymentTypeId}\u0000${c.currency}`
    let tt = byType.get(k)
    if (!tt) {
      const t = types.find((x) => x.id === c.paymentTypeId)
      tt = {
        paymentTypeId: c.paymentTypeId,
        name: t?.name ?? c.paymentTypeId,
        ...(t?.number !== undefined ? { number: t.number } : {}),
        currency: c.currency,
        payments: zero(),
        cancels: zero(),
        refunds: zero(),
        cancelRefunds: zero(),
        net: 0,
      }
      byType.set(k, tt)
    }
    for (const l of LINES) {
      tt[l].count += c[l].count
      tt[l].sum += c[l].sum
    }
  }
  const list = [...byType.values()]
    .filter((t) => LINES.some((l) => t[l].count))
    .sort(
      (a, b) =>
        (a.number ?? 1e9) - (b.number ?? 1e9) ||
        a.name.localeCompare(b.name) ||
        (a.paymentTypeId < b.paymentTypeId ? -1 : a.paymentTypeId > b.paymentTypeId ? 1 : 0) ||
        (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
    )
  for (const t of list) t.net = t.payments.sum - t.cancels.sum - t.refunds.sum + t.cancelRefunds.sum
  const cur = new Map<string, Totals['total'][number]>()
  for (const t of list) {
    let c = cur.get(t.currency)
    if (!c) cur.set(t.currency, (c = { currency: t.currency, payments: zero(), cancels: zero(), refunds: zero(), cancelRefunds: zero(), net: 0 }))
    for (const k of LINES) {
      c[k].count += t[k].count
      c[k].sum += t[k].sum
    }
    c.net += t.net
  }
  return { types: list, total: [...cur.values()], ...rest }
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
