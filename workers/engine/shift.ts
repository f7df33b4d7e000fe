// The till's shift: opened by the first operation after the last close, numbered;
// the X-report (totals without closing), the day close (Z) that runs each provider's own end of
// day, and reports after the fact by shift number or by a date-time range. The totals are the
// pure `totals` of src/domain/journal.ts over the rows read here.
import { newOperation } from './new-operation.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import { totals, rowKind, type Totals, type RowKind } from '../../src/domain/journal.ts'
import type { Minor } from '../../src/domain/money.ts'
import type { Operation, OpKind } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Slip } from '../../src/domain/slip.ts'
import type { PaydeskDb, ShiftRow } from './db.ts'
import { queueReads, withQueue } from './queue.ts'
import { keptTotals } from './kept-totals.ts'
import type { Clock } from './clock.ts'
import type { Logger } from './log.ts'
import type { AnyProvider, PaymentType, ProbeCtx } from '../providers/types.ts'

const CASHIER_KEY = 'cashierName'
export const MAX_CASHIER = 60

export interface ShiftStatus {
  /** The number the open shift has, or the next one gets. */
  number: number
  /** When the shift opened (its first operation); absent while no operation happened since the last close. */
  openedAt?: number
  cashier?: string
  lastClosedAt?: number
}

export interface ProviderClose {
  paymentTypeId: string
  name: string
  ok: boolean
  slip?: Slip
  net?: number
  mismatches?: number
  message?: Msg
  opId?: string
}

export interface Report {
  title: 'x' | 'z' | 'shift' | 'range'
  shift?: number
  from: number
  to: number
  cashier?: string
  totals: Totals
  providers?: ProviderClose[]
  /** With each operation: the rows in time order, in the cashier's words. */
  operations?: { op: Operation; kind: RowKind; typeName: string }[]
}

export interface ShiftDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  paymentTypes(): Promise<PaymentType[]>
  loadConfig(ptId: string): Promise<{ ok: true; pt: PaymentType; provider: AnyProvider; config: unknown } | { ok: false; message: Msg }>
  probeContext(pt: PaymentType, p: AnyProvider, config: unknown): ProbeCtx<unknown>
  newId(): OperationId
}

/** The open shift from the database alone (the status bar reads it in a liveQuery too). */
export async function readShiftStatus(db: PaydeskDb): Promise<ShiftStatus> {
  // The settings are read beside the shifts and the journal, not after them: on a loaded machine each wait
  // for an answer is what costs.
  const cashier = db.settings.get(CASHIER_KEY)
  const link = db.settings.get('store.link')
  const last = await db.shifts.orderBy('number').last()
  const first = await db.operations
    .where('createdAt')
    .above(last?.closedAt ?? -Infinity)
    .first()
  const v = (await cashier)?.value
  const who = typeof v === 'string' && v ? v : undefined
  // A device enrolled as a till the store already knows numbers on from the store's last shift of it
  // (the enrolment reply), so its shifts never collide with the ones the store holds.
  const storeLast = ((await link)?.value as { lastShift?: unknown } | undefined)?.lastShift
  return {
    number: Math.max(last?.number ?? 0, typeof storeLast === 'number' ? storeLast : 0) + 1,
    ...(first ? { openedAt: first.createdAt } : {}),
    ...(who ? { cashier: who } : {}),
    ...(last ? { lastClosedAt: last.closedAt } : {}),
  }
}

export function createShifts(d: ShiftDeps) {
  const { db, clock } = d

  const shiftStatus = () => readShiftStatus(db)

  async function setCashier(name: string): Promise<{ ok: true } | { ok: false; message: Msg }> {
    const n = String(name ?? '').trim()
    if (n.length > MAX_CASHIER) return { ok: false, message: msg('shift.cashierTooLong', { max: MAX_CASHIER }) }
    await db.settings.put({ key: CASHIER_KEY, value: n })
    return { ok: true }
  }

  /**
   * Totals of the operations created in (from, to]; queued and needs-attention listed. `kept`: from the tally kept
   * per hour and the rows of the partial hours (workers/engine/kept-totals.ts), inside a transaction that holds the
   * tally; else from every row (a report after the fact, or one with each operation).
   */
  async function report(from: number, to: number, withOps: boolean, kept = false): Promise<Omit<Report, 'title'>> {
    if (kept && !withOps) return { from, to, totals: await keptTotals(db, from, to, () => d.paymentTypes()) }
    // The queue is read beside the shift's rows.
    const queued = queueReads(db).opIds()
    const ops = await db.operations.where('createdAt').between(from, to, false, true).toArray()
    const inRange = new Map(ops.map((o) => [o.id, o.kind]))
    const queuedIds = await queued
    // Queued operations are listed wherever they were made: the queue is the till's, not the shift's.
    const extra = (await db.operations.bulkGet([...queuedIds].filter((id) => !inRange.has(id as OperationId)) as OperationId[])).filter(
      (o): o is Operation => !!o,
    )
    const origIds = [...new Set([...ops, ...extra].filter((o) => o.kind === 'cancel' && o.original).map((o) => o.original!))]
    const originals = new Map<string, OpKind>()
    const missing: string[] = []
    for (const id of origIds) {
      const k = inRange.get(id)
      if (k) originals.set(id, k)
      else missing.push(id)
    }
    for (const o of await db.operations.bulkGet(missing)) if (o) originals.set(o.id, o.kind)
    const types = await d.paymentTypes()
    const t = totals(ops, types, { originals, queuedIds })
    if (extra.length) t.queued.push(...totals(extra, types, { originals, queuedIds }).queued)
    const name = (id: string) => types.find((x) => x.id === id)?.name ?? id
    return {
      from,
      to,
      totals: t,
      ...(withOps
        ? { operations: ops.map((o) => ({ op: o, kind: rowKind(o, o.original ? originals.get(o.original) : undefined), typeName: name(o.paymentTypeId) })) }
        : {}),
    }
  }

  /**
   * The open shift and its totals so far, in one read-only transaction: one commit to wait for instead
   * of seven, which is what a loaded machine makes slow, and every read sees the same journal and tally.
   */
  const openShift = (withOps: boolean) =>
    withQueue(db, 'r', [db.operations, db.shifts, db.settings, db.tally], async () => {
      const s = await shiftStatus()
      return { s, r: await report(s.lastClosedAt ?? -Infinity, clock.now(), withOps, true) }
    })

  /** X-report: the open shift's totals, nothing closes. */
  async function xReport(req: { withOps?: boolean } = {}): Promise<{ ok: true; report: Report }> {
    const { s, r } = await openShift(!!req.withOps)
    return { ok: true, report: { title: 'x', shift: s.number, ...r, from: s.openedAt ?? clock.now(), ...(s.cashier ? { cashier: s.cashier } : {}) } }
  }

  /**
   * Day close (Z): refuses while anything needs attention or waits in the queue unless `force`
   * (the cashier saw the list); runs each provider's end of day; then closes the shift.
   */
  async function closeDay(req: { force?: boolean } = {}): Promise<{ ok: true; report: Report } | { ok: false; message: Msg; unresolved?: Totals }> {
    const { s, r: before } = await openShift(false)
    if (s.openedAt === undefined) return { ok: false, message: msg('shift.nothingToClose') }
    const since = s.lastClosedAt ?? -Infinity
    if (!req.force && (before.totals.attention.length || before.totals.queued.length))
      return {
        ok: false,
        message: msg('shift.unresolved', { attention: before.totals.attention.length, queued: before.totals.queued.length }),
        unresolved: before.totals,
      }
    const providers: ProviderClose[] = []
    for (const pt of await d.paymentTypes()) {
      const cfg = await d.loadConfig(pt.id)
      if (!cfg.ok || !cfg.provider.closeDay) continue
      const p = cfg.provider
      try {
        // The provider's own period when it has one (O!plati: the Minsk day), else the till's shift.
        const from = p.closeDaySince ? p.closeDaySince(clock.now()) : since
        const journal = await db.operations.where('[paymentTypeId+createdAt]').between([pt.id, from], [pt.id, Infinity], !!p.closeDaySince, true).toArray()
        const queued = await queueReads(db).count(p.id)
        const r = await p.closeDay!(d.probeContext(cfg.pt, p, cfg.config), journal, { queued })
        if (!r.ok) {
          providers.push({ paymentTypeId: pt.id, name: pt.name, ok: false, message: r.message })
          continue
        }
        const now = clock.now()
        const op = newOperation({ id: d.newId(), kind: 'reconcile', provider: p.id, paymentTypeId: pt.id, amount: r.net as Minor, currency: p.currency }, now, {
          state: 'approved',
          slip: r.slip,
          note: `day close: ${r.mismatches} mismatches`,
          message: r.mismatches ? msg('report.mismatches', { count: r.mismatches }) : msg('report.allMatch'),
        })
        await db.operations.add(op)
        providers.push({ paymentTypeId: pt.id, name: pt.name, ok: true, slip: r.slip, net: r.net, mismatches: r.mismatches, opId: op.id })
      } catch (e) {
        d.log.error('shift', 'provider end of day failed', { paymentType: pt.id, error: String(e) })
        providers.push({ paymentTypeId: pt.id, name: pt.name, ok: false, message: msg('shift.providerFailed') })
      }
    }
    const closedAt = clock.now()
    const row: ShiftRow = {
      number: s.number,
      openedAt: s.openedAt,
      closedAt,
      ...(s.cashier ? { cashier: s.cashier } : {}),
      providerCloses: providers.map((p) => ({
        paymentTypeId: p.paymentTypeId,
        ok: p.ok,
        ...(p.opId ? { opId: p.opId } : {}),
        ...(p.mismatches !== undefined ? { mismatches: p.mismatches } : {}),
      })),
    }
    await db.shifts.add(row)
    d.log.info('shift', 'day close', { number: s.number, providers: providers.length })
    // The till's totals are those read before the providers ran: their reconcile operations move no money.
    const r = { ...before, to: closedAt, totals: { ...before.totals, operations: before.totals.operations + providers.filter((p) => p.opId).length } }
    return { ok: true, report: { title: 'z', shift: s.number, ...r, from: s.openedAt, ...(s.cashier ? { cashier: s.cashier } : {}), providers } }
  }

  /** A report after the fact: a closed (or the open) shift by number, or a date-time range. */
  async function shiftReport(req: {
    shift?: number
    from?: number
    to?: number
    withOps?: boolean
  }): Promise<{ ok: true; report: Report } | { ok: false; message: Msg }> {
    const withOps = !!req.withOps
    if (req.shift !== undefined) {
      if (!Number.isInteger(req.shift) || req.shift < 1) return { ok: false, message: msg('shift.noShift', { number: String(req.shift) }) }
      const row = await db.shifts.get(req.shift)
      if (row) {
        const prev = await db.shifts.where('number').below(row.number).last()
        const r = await report(prev?.closedAt ?? -Infinity, row.closedAt, withOps)
        const providers: ProviderClose[] = []
        for (const pc of row.providerCloses ?? []) {
          const op = pc.opId ? await db.operations.get(pc.opId) : undefined
          const name = (await d.paymentTypes()).find((t) => t.id === pc.paymentTypeId)?.name ?? pc.paymentTypeId
          providers.push({
            paymentTypeId: pc.paymentTypeId,
            name,
            ok: pc.ok,
            ...(op?.slip ? { slip: op.slip, net: op.amount } : {}),
            ...(pc.mismatches !== undefined ? { mismatches: pc.mismatches } : {}),
          })
        }
        return {
          ok: true,
          report: { title: 'shift', shift: row.number, ...r, from: row.openedAt, ...(row.cashier ? { cashier: row.cashier } : {}), providers },
        }
      }
      const s = await shiftStatus()
      if (req.shift === s.number) {
        const r = await report(s.lastClosedAt ?? -Infinity, clock.now(), withOps)
        return { ok: true, report: { title: 'shift', shift: s.number, ...r, from: s.openedAt ?? clock.now() } }
      }
      return { ok: false, message: msg('shift.noShift', { number: String(req.shift) }) }
    }
    const from = req.from
    const to = req.to
    if (typeof from !== 'number' || typeof to !== 'number' || !Number.isFinite(from) || !Number.isFinite(to) || to < from)
      return { ok: false, message: msg('shift.badRange') }
    const r = await report(from - 1, to, withOps)
    return { ok: true, report: { title: 'range', ...r, from, to } }
  }

  async function listShifts(): Promise<ShiftRow[]> {
    return db.shifts.orderBy('number').reverse().limit(100).toArray()
  }

  return { shiftStatus, setCashier, xReport, closeDay, shiftReport, listShifts }
}
