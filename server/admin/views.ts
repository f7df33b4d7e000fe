// What the console reads across tills: the tills' lines, the store's journal with the till's filters
// plus the till, the store's reports (the pure storeReport over the rows read here) and the audit log.
import type { Queryable } from '../db/db.ts'
import { matches, storedKind, type JournalFilter, type RowKind } from '../../src/domain/journal.ts'
import type { OpKind, OpState, Operation } from '../../src/domain/operation.ts'
import { storeReport, type StoreOp, type StoreReport, type StoreShift, type StoreTill, type TillStatus } from '../../src/domain/store-report.ts'
import { tillView, type TillView } from '../../src/domain/store-config.ts'

const ms = (d: Date | null | undefined) => (d ? d.getTime() : null)

export interface TillLineOut {
  id: string
  name: string
  kind: 'till' | 'self'
  enrolledAt: number | null
  revokedAt: number | null
  lastSeenAt: number | null
  lastPushAt: number | null
  status: TillStatus | null
  view: TillView
}

type TillRow = {
  id: string
  name: string
  kind: 'till' | 'self'
  enrolled_at: Date | null
  revoked_at: Date | null
  last_seen_at: Date | null
  last_push_at: Date | null
  status: TillStatus | null
}

export async function storeVersion(q: Queryable, storeId: string): Promise<number> {
  return Number((await q.query<{ config_version: number }>('SELECT config_version FROM store WHERE id = $1', [storeId])).rows[0]?.config_version ?? 0)
}

export async function tillLines(
  q: Queryable,
  storeId: string,
  ctx: { now: number; connected: readonly string[]; appVersion?: string },
): Promise<TillLineOut[]> {
  const configVersion = await storeVersion(q, storeId)
  const r = await q.query<TillRow>(
    'SELECT id, name, kind, enrolled_at, revoked_at, last_seen_at, last_push_at, status FROM till WHERE store_id = $1 ORDER BY revoked_at NULLS FIRST, name',
    [storeId],
  )
  return r.rows.map((t) => {
    const line = { lastSeenAt: ms(t.last_seen_at), lastPushAt: ms(t.last_push_at), status: t.status, revokedAt: ms(t.revoked_at) }
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      enrolledAt: ms(t.enrolled_at),
      revokedAt: line.revokedAt,
      lastSeenAt: line.lastSeenAt,
      lastPushAt: line.lastPushAt,
      status: t.status,
      view: tillView(
        { ...line, receivedAt: line.lastPushAt },
        { now: ctx.now, streamOpen: ctx.connected.includes(t.id), configVersion, ...(ctx.appVersion ? { appVersion: ctx.appVersion } : {}) },
      ),
    }
  })
}

const ROW_KINDS: readonly RowKind[] = ['pay', 'cancel', 'refund', 'autoCancel', 'cancelRefund', 'void', 'reconcile', 'loyalty']
const STATES: readonly OpState[] = ['created', 'sent', 'approved', 'declined', 'unknown', 'resolving', 'compensating', 'compensated', 'needs-attention']
export const PAGE = 100
const SCAN = 2000

const int = (s: string | undefined): number | undefined => (s !== undefined && /^\d{1,16}$/.test(s) ? Number(s) : undefined)

/** The journal filter from a query string; undefined when a field is malformed (the caller answers 400). */
export function parseFilter(p: Record<string, string | undefined>): (JournalFilter & { till?: string; before?: string }) | undefined {
  const f: JournalFilter & { till?: string; before?: string } = {}
  if (p.q !== undefined) {
    if (p.q.length > 100) return undefined
    f.q = p.q
  }
  for (const k of ['from', 'to', 'amountMin', 'amountMax'] as const) {
    if (p[k] === undefined || p[k] === '') continue
    const n = int(p[k])
    if (n === undefined) return undefined
    f[k] = n
  }
  if (p.type) f.paymentTypeId = p.type.slice(0, 64)
  if (p.state) {
    if (!STATES.includes(p.state as OpState)) return undefined
    f.state = p.state as OpState
  }
  if (p.kind) {
    if (!ROW_KINDS.includes(p.kind as RowKind)) return undefined
    f.kind = p.kind as RowKind
  }
  if (p.till) f.till = p.till.slice(0, 64)
  if (p.before) f.before = p.before.slice(0, 64)
  return f
}

const asOp = (r: { body: Operation; till_id: string }): StoreOp => ({ ...r.body, tillId: r.till_id })

export async function journal(q: Queryable, storeId: string, f: JournalFilter & { till?: string; before?: string }) {
  const where = ['o.store_id = $1']
  const args: unknown[] = [storeId]
  const add = (sql: string, v: unknown) => {
    args.push(v)
    where.push(sql.replace('?', `$${args.length}`))
  }
  if (f.from !== undefined) add('o.created_at >= ?', f.from)
  if (f.to !== undefined) add('o.created_at <= ?', f.to)
  if (f.till) add('o.till_id = ?', f.till)
  if (f.paymentTypeId) add('o.payment_type_id = ?', f.paymentTypeId)
  if (f.state) add('o.state = ?', f.state)
  if (f.kind) add('o.kind = ?', storedKind(f.kind))
  if (f.amountMin !== undefined) add('o.amount >= ?', f.amountMin)
  if (f.amountMax !== undefined) add('o.amount <= ?', f.amountMax)
  if (f.before) {
    args.push(f.before)
    const i = args.length
    where.push(`(o.created_at, o.id) < (SELECT created_at, id FROM operation WHERE id = $${i})`)
  }
  const r = await q.query<{ body: Operation; till_id: string; till_name: string }>(
    `SELECT o.body, o.till_id, t.name AS till_name FROM operation o JOIN till t ON t.id = o.till_id
      WHERE ${where.join(' AND ')} ORDER BY o.created_at DESC, o.id DESC LIMIT ${SCAN}`,
    args,
  )
  // The kinds of the operations a cancel reverses, to tell a cancelled refund from a cancelled payment.
  const originals = new Map<string, OpKind>()
  const wanted = [...new Set(r.rows.map((x) => x.body.original).filter((x): x is NonNullable<typeof x> => !!x))]
  if (wanted.length) {
    const o = await q.query<{ id: string; kind: OpKind }>('SELECT id, kind FROM operation WHERE store_id = $1 AND id = ANY($2::text[])', [storeId, wanted])
    for (const x of o.rows) originals.set(x.id, x.kind)
  }
  const hits = r.rows.filter((x) => matches(x.body, f, x.body.original ? originals.get(x.body.original) : undefined))
  const ops = hits.slice(0, PAGE).map((x) => ({ ...asOp(x), tillName: x.till_name }))
  return { ops, more: hits.length > PAGE || r.rows.length === SCAN }
}

export async function report(q: Queryable, storeId: string, kind: 'x' | 'z', from: number, to: number, now: number): Promise<StoreReport> {
  const ops = await q.query<{ body: Operation; till_id: string }>(
    'SELECT body, till_id FROM operation WHERE store_id = $1 AND created_at >= $2 AND created_at <= $3',
    [storeId, from, to],
  )
  const wanted = [...new Set(ops.rows.map((x) => x.body.original).filter((x): x is NonNullable<typeof x> => !!x))]
  const originals = new Map<string, OpKind>()
  if (wanted.length) {
    const o = await q.query<{ id: string; kind: OpKind }>('SELECT id, kind FROM operation WHERE store_id = $1 AND id = ANY($2::text[])', [storeId, wanted])
    for (const x of o.rows) originals.set(x.id, x.kind)
  }
  const tills = await q.query<TillRow>('SELECT id, name, kind, enrolled_at, revoked_at, last_seen_at, last_push_at, status FROM till WHERE store_id = $1', [
    storeId,
  ])
  const shifts = await q.query<{ till_id: string; number: number; opened_at: number; closed_at: number; totals: StoreShift['totals'] }>(
    "SELECT till_id, number, opened_at, closed_at, body->'totals' AS totals FROM shift WHERE store_id = $1",
    [storeId],
  )
  const types = await q.query<{ id: string; name: string; number: number }>('SELECT id, name, number FROM payment_type WHERE store_id = $1', [storeId])
  const storeTills: StoreTill[] = tills.rows
    .filter((t) => t.enrolled_at)
    .map((t) => ({ id: t.id, name: t.name, kind: t.kind, revokedAt: ms(t.revoked_at), lastPushAt: ms(t.last_push_at), status: t.status }))
  return storeReport({
    kind,
    from,
    to,
    now,
    ops: ops.rows.map(asOp),
    tills: storeTills,
    shifts: shifts.rows.map((s) => ({
      tillId: s.till_id,
      number: Number(s.number),
      openedAt: Number(s.opened_at),
      closedAt: Number(s.closed_at),
      totals: s.totals && Array.isArray((s.totals as { types?: unknown }).types) ? s.totals : null,
    })),
    types: types.rows.map((t) => ({ id: t.id, name: t.name, number: Number(t.number) })),
    originals,
  })
}

export async function auditLog(q: Queryable, storeId: string) {
  const r = await q.query<{ id: number; at: Date; actor: string; action: string; detail: Record<string, unknown>; till_name: string | null }>(
    `SELECT a.id, a.at, a.actor, a.action, a.detail, t.name AS till_name FROM audit a LEFT JOIN till t ON t.id = a.till_id
      WHERE a.store_id = $1 ORDER BY a.id DESC LIMIT 500`,
    [storeId],
  )
  return r.rows.map((e) => ({
    id: Number(e.id),
    at: e.at.getTime(),
    actor: e.actor,
    action: e.action,
    detail: { ...e.detail, ...(e.till_name ? { till: e.till_name } : {}) },
  }))
}
