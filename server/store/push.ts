// One push (docs/fleet.md § 4): the till's rows are upserted by id in one transaction, written only when the
// store holds an older rev of the same till's row; the reply is computed from what the store holds after the
// upsert, by the pure rule in src/domain/push-verdict.ts, and sent only after COMMIT. A row another till (or
// store) owns is refused and recorded as an alarm, never acknowledged.
import * as v from 'valibot'
import { pushVerdict } from '../../src/domain/push-verdict.ts'
import {
  CLOCK_SKEW_WARN_MS,
  OpRow,
  ShiftRow,
  describeIssues,
  shiftWireId,
  type PushReply,
  type Rejected,
  type TillStatus,
} from '../../src/domain/store-contract.ts'
import type { Db, Queryable } from '../db/db.ts'
import type { TillAuth } from './enrolment.ts'

const UPSERT_OPS = `
INSERT INTO operation AS t (id, store_id, till_id, rev, kind, state, provider, payment_type_id, amount, currency, created_at, updated_at, body)
SELECT r.id, $1, $2, r.rev, r.kind, r.state, r.provider, r."paymentTypeId", r.amount, r.currency, r."createdAt", r."updatedAt", r.body
  FROM jsonb_to_recordset($3::jsonb) AS r(id text, rev bigint, kind text, state text, provider text, "paymentTypeId" text,
       amount bigint, currency text, "createdAt" bigint, "updatedAt" bigint, body jsonb)
ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, kind = excluded.kind, state = excluded.state, provider = excluded.provider,
  payment_type_id = excluded.payment_type_id, amount = excluded.amount, currency = excluded.currency,
  updated_at = excluded.updated_at, body = excluded.body, received_at = now()
WHERE t.rev < excluded.rev AND t.till_id = excluded.till_id AND t.store_id = excluded.store_id`

const UPSERT_SHIFTS = `
INSERT INTO shift AS t (till_id, number, store_id, rev, opened_at, closed_at, body)
SELECT $2, r.number, $1, r.rev, r."openedAt", r."closedAt", r.body
  FROM jsonb_to_recordset($3::jsonb) AS r(number bigint, rev bigint, "openedAt" bigint, "closedAt" bigint, body jsonb)
ON CONFLICT (till_id, number) DO UPDATE SET rev = excluded.rev, opened_at = excluded.opened_at, closed_at = excluded.closed_at,
  body = excluded.body, received_at = now()
WHERE t.rev < excluded.rev AND t.store_id = excluded.store_id`

export interface PushInput {
  ops: unknown[]
  shifts: unknown[]
  status: TillStatus
}

export interface PushOptions {
  /** The server's clock (ms), for the skew check. */
  now: number
  /** Test hook: runs after COMMIT and before the reply (the fault suite kills the process here). */
  afterCommit?: () => void | Promise<void>
  /** Told of each foreign row (besides the audit table). */
  alarm?: (line: string) => void
}

/** Keeps the highest rev of each key: one statement cannot write a row twice. */
function newest<T extends { rev: number }>(rows: T[], key: (r: T) => string): T[] {
  const by = new Map<string, T>()
  for (const r of rows) {
    const k = key(r)
    const had = by.get(k)
    if (!had || had.rev < r.rev) by.set(k, r)
  }
  return [...by.values()]
}

function rowId(raw: unknown, fallback: string): string {
  const id = (raw as { id?: unknown } | null)?.id
  return typeof id === 'string' && id.length <= 64 ? id : fallback
}

export async function push(db: Db, till: TillAuth, input: PushInput, opts: PushOptions): Promise<PushReply> {
  const rejected: Rejected[] = []
  const ops: OpRow[] = []
  input.ops.forEach((raw, i) => {
    const r = v.safeParse(OpRow, raw)
    if (r.success) ops.push(r.output)
    else rejected.push({ id: rowId(raw, `ops[${i}]`), reason: 'invalid', detail: describeIssues(r.issues).slice(0, 300) })
  })
  const shifts: ShiftRow[] = []
  input.shifts.forEach((raw, i) => {
    const r = v.safeParse(ShiftRow, raw)
    if (r.success) shifts.push(r.output)
    else {
      const n = (raw as { number?: unknown } | null)?.number
      rejected.push({
        id: typeof n === 'number' && Number.isSafeInteger(n) ? shiftWireId(n) : `shifts[${i}]`,
        reason: 'invalid',
        detail: describeIssues(r.issues).slice(0, 300),
      })
    }
  })
  const opRows = newest(ops, (r) => r.id)
  const shiftRows = newest(shifts, (r) => String(r.number))
  const skew = opts.now - input.status.now
  const acked: [string, number][] = []
  const foreign: string[] = []

  const configVersion = await db.tx(async (q) => {
    if (opRows.length) {
      await q.query(UPSERT_OPS, [till.storeId, till.tillId, JSON.stringify(opRows)])
      const held = await q.query<{ id: string; rev: number; till_id: string; store_id: string }>(
        'SELECT id, rev, till_id, store_id FROM operation WHERE id = ANY($1::text[])',
        [opRows.map((r) => r.id)],
      )
      const byId = new Map(held.rows.map((h) => [h.id, { storeId: h.store_id, tillId: h.till_id, rev: h.rev }]))
      for (const r of opRows) {
        const verdict = pushVerdict(byId.get(r.id), { storeId: till.storeId, tillId: till.tillId, rev: r.rev })
        if (verdict.kind === 'ack' || verdict.kind === 'apply') acked.push([r.id, r.rev])
        else if (verdict.kind === 'stale')
          rejected.push({ id: r.id, reason: 'stale', rev: verdict.held, detail: `the store holds rev ${verdict.held} of this row` })
        else {
          rejected.push({ id: r.id, reason: 'foreign', detail: 'another till owns this operation id' })
          foreign.push(r.id)
        }
      }
      if (foreign.length) {
        await q.query("INSERT INTO audit (store_id, till_id, actor, action, detail) VALUES ($1, $2, $3, 'push-foreign', $4)", [
          till.storeId,
          till.tillId,
          `till:${till.tillId}`,
          JSON.stringify({ ids: foreign }),
        ])
      }
    }
    if (shiftRows.length) {
      await q.query(UPSERT_SHIFTS, [till.storeId, till.tillId, JSON.stringify(shiftRows)])
      const held = await q.query<{ number: number; rev: number }>('SELECT number, rev FROM shift WHERE till_id = $1 AND number = ANY($2::int8[])', [
        till.tillId,
        shiftRows.map((r) => r.number),
      ])
      const byNumber = new Map(held.rows.map((h) => [h.number, h.rev]))
      for (const r of shiftRows) {
        const rev = byNumber.get(r.number)
        const verdict = pushVerdict(rev === undefined ? undefined : { storeId: till.storeId, tillId: till.tillId, rev }, {
          storeId: till.storeId,
          tillId: till.tillId,
          rev: r.rev,
        })
        if (verdict.kind === 'ack' || verdict.kind === 'apply') acked.push([shiftWireId(r.number), r.rev])
        else if (verdict.kind === 'stale')
          rejected.push({ id: shiftWireId(r.number), reason: 'stale', rev: verdict.held, detail: `the store holds rev ${verdict.held} of this shift` })
      }
    }
    return keepStatus(q, till, input.status, skew)
  })
  // Acknowledged only now, after COMMIT (an ack for a write that then rolled back would lose the row).
  if (foreign.length)
    (opts.alarm ?? ((l: string) => console.warn(l)))(
      `ALARM till ${till.tillId} pushed ${foreign.length} operation(s) another till owns: ${foreign.slice(0, 5).join(', ')}`,
    )
  await opts.afterCommit?.()
  const reply: PushReply = { acked, rejected, configVersion }
  if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) reply.warnings = [{ code: 'clock-skew', skewMs: skew }]
  return reply
}

/** Keeps the till's last status and clock skew; returns the store's config version. */
async function keepStatus(q: Queryable, till: TillAuth, status: TillStatus, skew: number): Promise<number> {
  await q.query('UPDATE till SET status = $2, clock_skew_ms = $3, last_push_at = now(), last_seen_at = now() WHERE id = $1', [
    till.tillId,
    JSON.stringify(status),
    skew,
  ])
  const s = await q.query<{ config_version: number }>('SELECT config_version FROM store WHERE id = $1', [till.storeId])
  return s.rows[0]?.config_version ?? 0
}
