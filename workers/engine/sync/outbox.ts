// The store outbox (docs/architecture.md § 6b), the store part of the sync (as queue.ts is the compensation queue's):
// which rows wait (the sparse `outboxAt` index), the next batch, and what an acknowledgement or a refusal does to a
// row. The wire form of a row leaves out what never goes to the store: the search keys, the customer's code (the
// scanned QR), the screen's display state, the tab, and the outbox's own bookkeeping. The request log is a
// different table and is never read here.
import type { Operation, OpKind } from '../../../src/domain/operation.ts'
import { totals } from '../../../src/domain/journal.ts'
import { MAX_PUSH_ROWS, NEVER_SENT_FIELDS, type OpRow, type ShiftRow as WireShiftRow } from '../../../src/domain/store-contract.ts'
import type { PaydeskDb, ShiftRow } from '../db.ts'

/** docs/fleet.md § 4: a push carries at most 100 rows. */
export const SYNC_BATCH = MAX_PUSH_ROWS

export interface Batch {
  ops: OpRow[]
  shifts: WireShiftRow[]
}

/** Fields that stay on the till: the contract's NEVER_SENT_FIELDS, the screen's display state and tab, a reversal's `targetRow`. */
const LOCAL_ONLY = new Set<string>([...NEVER_SENT_FIELDS, 'display', 'tab', 'targetRow'])

function bodyOf(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !LOCAL_ONLY.has(k)))
}

/** An operation as the store receives it (docs/store.md: the indexed columns, and the row as `body`). */
export function wireOperation(o: Operation): OpRow {
  return {
    id: o.id,
    rev: o.rev ?? 1,
    kind: o.kind,
    state: o.state,
    provider: o.provider,
    paymentTypeId: o.paymentTypeId,
    amount: o.amount,
    currency: o.currency,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    body: bodyOf(o),
  }
}

/** An acknowledgement of `ackedRev` marks a row synced only if the row is still at that rev (or below it). */
export function ackSettles(rowRev: number | undefined, ackedRev: number): boolean {
  return (rowRev ?? 1) <= ackedRev
}

export interface Settlement {
  /** Operation ids and shift numbers with the rev the store holds. */
  ops: [string, number][]
  shifts: [number, number][]
  rejected: { id: string | number; reason: string; shift?: boolean }[]
}

/** The settings row listing the rows the store refused (`op:<id>`, `shift:<n>`): needs attention, counted cheaply. */
export const REJECTED_KEY = 'store.rejected'

export function outboxStore(db: PaydeskDb) {
  const waitingOps = () => db.operations.where('outboxAt').aboveOrEqual(-Infinity)
  const waitingShifts = () => db.shifts.where('outboxAt').aboveOrEqual(-Infinity)

  /** A closed shift as the store receives it: its body carries the till's own count and totals of the shift. */
  async function wireShift(s: ShiftRow): Promise<WireShiftRow> {
    const prev = await db.shifts.where('number').below(s.number).last()
    const ops = await db.operations
      .where('createdAt')
      .between(prev?.closedAt ?? -Infinity, s.closedAt, false, true)
      .toArray()
    const kinds = new Map<string, OpKind>(ops.map((o) => [o.id, o.kind]))
    const missing = [...new Set(ops.flatMap((o) => (o.original && !kinds.has(o.original) ? [o.original] : [])))]
    for (const o of await db.operations.bulkGet(missing)) if (o) kinds.set(o.id, o.kind)
    const types = ((await db.settings.get('paymentTypes'))?.value as { id: string; name: string; number?: number }[] | undefined) ?? []
    const t = totals(ops, types, { originals: kinds })
    return {
      number: s.number,
      rev: s.rev ?? 1,
      openedAt: s.openedAt,
      closedAt: s.closedAt,
      body: { ...bodyOf(s), operations: ops.length, totals: { operations: t.operations, total: t.total } },
    }
  }

  return {
    /**
     * The oldest rows waiting, at most `limit`. A closed shift goes only when no operation waits outside this
     * batch (its operations reach the store first, or in the same transaction), so the store never marks a shift
     * complete while one of its operations is still on the till.
     */
    async batch(limit = SYNC_BATCH): Promise<Batch> {
      return db.transaction('r', db.operations, db.shifts, db.settings, async () => {
        const ops = await waitingOps().limit(limit).toArray()
        const room = limit - ops.length
        const allOps = ops.length < limit || (await waitingOps().count()) === ops.length
        const shifts: WireShiftRow[] = []
        if (room > 0 && allOps) for (const s of await waitingShifts().limit(room).toArray()) shifts.push(await wireShift(s))
        return { ops: ops.map(wireOperation), shifts }
      })
    },
    /** Apply the store's reply in one transaction: acknowledged rows leave the outbox unless changed meanwhile. */
    async settle(s: Settlement, now: number): Promise<{ synced: number; rejected: number }> {
      let synced = 0
      await db.transaction('rw', db.operations, db.shifts, db.settings, async () => {
        const refused = new Set(((await db.settings.get(REJECTED_KEY))?.value as string[] | undefined) ?? [])
        for (const [id, rev] of s.ops) {
          const row = await db.operations.get(id)
          if (!row || !ackSettles(row.rev, rev)) continue
          await db.operations.update(id, { syncedRev: row.rev ?? 1, outboxAt: undefined, syncError: undefined })
          refused.delete(`op:${id}`)
          synced++
        }
        for (const [n, rev] of s.shifts) {
          const row = await db.shifts.get(n)
          if (!row || !ackSettles(row.rev, rev)) continue
          await db.shifts.update(n, { syncedRev: row.rev ?? 1, outboxAt: undefined, syncError: undefined })
          refused.delete(`shift:${n}`)
          synced++
        }
        for (const r of s.rejected) {
          // A refused row leaves the outbox with the reason (needs attention); a later change sends it again.
          if (r.shift) {
            const row = await db.shifts.get(Number(r.id))
            if (row) await db.shifts.update(row.number, { outboxAt: undefined, syncError: { reason: r.reason, rev: row.rev ?? 1, at: now } })
            if (row) refused.add(`shift:${row.number}`)
          } else {
            const row = await db.operations.get(String(r.id))
            if (row) await db.operations.update(row.id, { outboxAt: undefined, syncError: { reason: r.reason, rev: row.rev ?? 1, at: now } })
            if (row) refused.add(`op:${row.id}`)
          }
        }
        await db.settings.put({ key: REJECTED_KEY, value: [...refused] })
      })
      return { synced, rejected: s.rejected.length }
    },
    /** How many rows wait, and since when (the oldest `outboxAt`). */
    async depth(): Promise<{ count: number; oldestAt?: number }> {
      return db.transaction('r', db.operations, db.shifts, async () => {
        const count = (await waitingOps().count()) + (await waitingShifts().count())
        const a = (await db.operations.orderBy('outboxAt').first())?.outboxAt
        const b = (await db.shifts.orderBy('outboxAt').first())?.outboxAt
        const oldestAt = a === undefined ? b : b === undefined ? a : Math.min(a, b)
        return { count, ...(oldestAt !== undefined ? { oldestAt } : {}) }
      })
    },
    /** Rows the store refused (needs attention). */
    rejected: async () => ((await db.settings.get(REJECTED_KEY))?.value as string[] | undefined) ?? [],
  }
}

export type OutboxStore = ReturnType<typeof outboxStore>
