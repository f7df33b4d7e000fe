// The store's reports: an X-report for any range and the day's Z, by till × payment type, every till's
// line marked complete or not, and the till's own totals (from the shifts it closed and synced) beside what the
// server holds, so a mismatch shows. Pure: the server reads the rows, this counts them with the till's own rule
// (`totals` of journal.ts), so the store's X is the sum of the tills' X by construction.
import { csvRow, totals, type Line, type Totals, type TypeTotals } from './journal.ts'
import type { Operation, OpKind } from './operation.ts'

/** An operation as the store holds it: the till's row and the till that owns it. */
export type StoreOp = Operation & { tillId: string }

/** What a till reported with its last push (docs/protocols: docs/fleet.md § 4). */
export interface TillStatus {
  outbox: number
  oldestUnsyncedAt?: number | null
  queue: number
  open: number
  attention: number
  appVersion?: string
  configVersion?: number
  /** The till's clock at the push (ms). */
  now?: number
}

export interface StoreTill {
  id: string
  name: string
  kind: 'till' | 'self'
  revokedAt?: number | null
  lastPushAt?: number | null
  status?: TillStatus | null
}

/** The till's own totals of one payment type, as its day close counted them. */
export interface OwnTypeTotal {
  paymentTypeId: string
  currency: string
  payments: Line
  net: number
}

/** A shift the till closed and synced; `totals` is the till's own count, when it sent one. */
export interface StoreShift {
  tillId: string
  number: number
  openedAt: number
  closedAt: number
  totals?: { types: readonly OwnTypeTotal[] } | null
}

export interface TillLine {
  tillId: string
  name: string
  kind: 'till' | 'self'
  /** The server's count of this till's operations in the period. */
  totals: Totals
  /** The till's own count (its shifts closed in the period), when the period is a day and it sent them. */
  own?: OwnTypeTotal[]
  /** Payment types whose server and till counts differ. */
  mismatches: string[]
  complete: boolean
  /** Why not complete: its last sync and how many rows it said were waiting. */
  lastSyncAt?: number
  waiting?: number
  /** The till's last operation in the period lies after its last closed shift (Z only). */
  shiftOpen?: boolean
}

export interface StoreReport {
  kind: 'x' | 'z'
  from: number
  to: number
  tills: TillLine[]
  /** The store's totals: the same rule over every till's rows (= the sum of the till lines). */
  store: Totals
  complete: boolean
}

/** How long a till may be quiet and still count as live (online: a stream or seen in the last 90 s). */
export const LIVE_MS = 90_000

function originalsOf(ops: readonly StoreOp[]): Map<string, OpKind> {
  const m = new Map<string, OpKind>()
  for (const o of ops) m.set(o.id, o.kind)
  return m
}

/** The till's own totals summed over the shifts it closed in the period. */
function ownTotals(shifts: readonly StoreShift[]): OwnTypeTotal[] | undefined {
  const withTotals = shifts.filter((s) => s.totals)
  if (!withTotals.length) return undefined
  const by = new Map<string, OwnTypeTotal>()
  for (const s of withTotals)
    for (const t of s.totals!.types) {
      const k = `${t.paymentTypeId}\u0000${t.currency}`
      const cur = by.get(k) ?? { paymentTypeId: t.paymentTypeId, currency: t.currency, payments: { count: 0, sum: 0 }, net: 0 }
      cur.payments = { count: cur.payments.count + t.payments.count, sum: cur.payments.sum + t.payments.sum }
      cur.net += t.net
      by.set(k, cur)
    }
  return [...by.values()]
}

function mismatches(server: readonly TypeTotals[], own: readonly OwnTypeTotal[]): string[] {
  const out = new Set<string>()
  const key = (id: string, c: string) => `${id}\u0000${c}`
  const s = new Map(server.map((t) => [key(t.paymentTypeId, t.currency), t]))
  const o = new Map(own.map((t) => [key(t.paymentTypeId, t.currency), t]))
  for (const [k, t] of s) {
    const m = o.get(k)
    if (!m ? t.net !== 0 || t.payments.count !== 0 : m.net !== t.net || m.payments.count !== t.payments.count || m.payments.sum !== t.payments.sum)
      out.add(t.paymentTypeId)
  }
  for (const [k, m] of o) if (!s.has(k) && (m.net !== 0 || m.payments.count !== 0)) out.add(m.paymentTypeId)
  return [...out]
}

/**
 * The store's report for `[from, to]` (ms, inclusive). X: every till's operations in the range; a till is complete
 * when its last push said nothing waits and came after the range ended (or within `LIVE_MS` of now for a range that
 * reaches now). Z (a day): the same rows; a till is complete when, besides, every one of its operations in the day
 * lies inside a shift it closed and synced (a till offline at the close shows incomplete, then complete once it
 * syncs), and its own totals of those shifts are set beside the server's.
 */
export function storeReport(input: {
  kind: 'x' | 'z'
  from: number
  to: number
  now: number
  ops: readonly StoreOp[]
  tills: readonly StoreTill[]
  shifts: readonly StoreShift[]
  types: readonly { id: string; name: string; number?: number }[]
  /** Kinds of operations outside the range that a cancel in it reverses (a cancel of last week's refund). */
  originals?: ReadonlyMap<string, OpKind>
}): StoreReport {
  const { kind, from, to, now } = input
  const inRange = input.ops.filter((o) => o.createdAt >= from && o.createdAt <= to)
  const originals = new Map([...(input.originals ?? []), ...originalsOf(input.ops)])
  const byTill = new Map<string, StoreOp[]>()
  for (const o of inRange) byTill.set(o.tillId, [...(byTill.get(o.tillId) ?? []), o])
  // A till that is gone from the list (deleted) still shows with its rows: no money goes missing from the report.
  const tills: StoreTill[] = [...input.tills]
  for (const id of byTill.keys()) if (!tills.some((t) => t.id === id)) tills.push({ id, name: id, kind: 'till' })

  const syncedBy = Math.min(to, now - LIVE_MS)
  const lines: TillLine[] = tills
    // A revoked till with nothing in the range has nothing to report.
    .filter((t) => !t.revokedAt || byTill.has(t.id))
    .map((t) => {
      const ops = byTill.get(t.id) ?? []
      const server = totals(ops, input.types, { originals })
      const status = t.status ?? undefined
      const lastPush = t.lastPushAt ?? undefined
      let complete = !!status && status.outbox === 0 && lastPush !== undefined && lastPush >= syncedBy
      const line: TillLine = { tillId: t.id, name: t.name, kind: t.kind, totals: server, mismatches: [], complete }
      if (kind === 'z') {
        const shifts = input.shifts.filter((s) => s.tillId === t.id && s.closedAt >= from && s.closedAt <= to)
        const lastClose = Math.max(-Infinity, ...input.shifts.filter((s) => s.tillId === t.id).map((s) => s.closedAt))
        const lastOp = Math.max(-Infinity, ...ops.map((o) => o.createdAt))
        if (ops.length && lastOp > lastClose) {
          line.shiftOpen = true
          complete = false
        }
        if (complete && lastPush !== undefined && lastClose > lastPush) complete = false
        const own = ownTotals(shifts)
        if (own) {
          line.own = own
          line.mismatches = mismatches(server.types, own)
        }
        line.complete = complete
      }
      if (!line.complete) {
        if (lastPush !== undefined) line.lastSyncAt = lastPush
        if (status) line.waiting = status.outbox
      }
      return line
    })
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))

  const store = totals(inRange, input.types, { originals })
  return { kind, from, to, tills: lines, store, complete: lines.every((l) => l.complete) }
}

const major = (minor: number) => (minor / 100).toFixed(2)

/** The store report as CSV: one row per till × payment type (server, and the till's own net beside it), then per-till and store totals. */
export function storeReportCsv(
  r: StoreReport,
  head: { title: string; period: string },
  words: (key: string, p?: Record<string, string | number>) => string,
): string {
  const rows = [csvRow([head.title, head.period])]
  rows.push(
    csvRow([
      words('console.report.till'),
      words('console.report.type'),
      words('console.report.payments'),
      words('console.report.paymentsSum'),
      words('console.report.cancels'),
      words('console.report.cancelsSum'),
      words('console.report.refunds'),
      words('console.report.refundsSum'),
      words('console.report.net'),
      words('console.report.ownNet'),
      words('console.report.currency'),
      words('console.report.state'),
    ]),
  )
  const state = (l: TillLine) =>
    l.complete
      ? words('console.report.complete')
      : words('console.report.incomplete', { time: l.lastSyncAt !== undefined ? new Date(l.lastSyncAt).toISOString() : '—', count: l.waiting ?? '?' })
  for (const l of r.tills) {
    for (const t of l.totals.types) {
      const own = l.own?.find((o) => o.paymentTypeId === t.paymentTypeId && o.currency === t.currency)
      rows.push(
        csvRow([
          l.name,
          t.name,
          t.payments.count,
          major(t.payments.sum),
          t.cancels.count + t.cancelRefunds.count,
          major(t.cancels.sum),
          t.refunds.count,
          major(t.refunds.sum),
          major(t.net),
          own ? major(own.net) : '',
          t.currency,
          l.mismatches.includes(t.paymentTypeId) ? words('console.report.mismatch') : state(l),
        ]),
      )
    }
    for (const o of l.own ?? [])
      if (!l.totals.types.some((t) => t.paymentTypeId === o.paymentTypeId && t.currency === o.currency))
        rows.push(csvRow([l.name, o.paymentTypeId, '', '', '', '', '', '', major(0), major(o.net), o.currency, words('console.report.mismatch')]))
    if (!l.totals.types.length && !l.own?.length) rows.push(csvRow([l.name, '—', 0, major(0), 0, major(0), 0, major(0), major(0), '', '', state(l)]))
  }
  for (const c of r.store.total)
    rows.push(
      csvRow([
        words('console.report.store'),
        '',
        c.payments.count,
        major(c.payments.sum),
        c.cancels.count + c.cancelRefunds.count,
        major(c.cancels.sum),
        c.refunds.count,
        major(c.refunds.sum),
        major(c.net),
        '',
        c.currency,
        r.complete ? words('console.report.complete') : words('console.report.storeIncomplete'),
      ]),
    )
  return rows.join('\r\n') + '\r\n'
}
