// The store outbox (issue 20, DESIGN § 6b), the store part of the sync (as queue.ts is the compensation queue's):
// which rows wait (the sparse `outboxAt` index), the next batch, and what an acknowledgement or a refusal does to a
// row. The wire form of a row leaves out what never goes to the store: the search keys, the customer's code (the
// scanned QR), the screen's display state, the tab, and the outbox's own bookkeeping. The request log is a
// different table and is never read here.
import type { Operation } from '../../../src/domain/operation.ts'
import type { PaydeskDb, ShiftRow } from '../db.ts'

/** fleet design § 4: a push carries at most 100 rows. */
export const SYNC_BATCH = 100

/** An operation as the store receives it. */
export type WireOperation = Omit<Operation, 'code' | 'display' | 'tab' | 'syncedRev' | 'outboxAt' | 'syncError'> & { rev: number }
/** A closed shift as the store receives it: the till's own count and totals let the store mark it complete. */
export type WireShift = Omit<ShiftRow, 'syncedRev' | 'outboxAt' | 'syncError'> & { rev: number; operations: number }

export interface Batch {
  ops: WireOperation[]
  shifts: WireShift[]
}

export function wireOperation(o: Operation): WireOperation {
  const {
    code: _code,
    display: _display,
    tab: _tab,
    syncedRev: _s,
    outboxAt: _o,
    syncError: _e,
    ...rest
  } = o as Operation & {
    keys?: unknown
  }
  delete (rest as { keys?: unknown }).keys
  return { ...rest, rev: o.rev ?? 1 }
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

  /** Operation count of a closed shift: those created after the previous close up to its own. */
  async function shiftCount(s: ShiftRow): Promise<number> {
    const prev = await db.shifts.where('number').below(s.number).last()
    return db.operations
      .where('createdAt')
      .between(prev?.closedAt ?? -Infinity, s.closedAt, false, true)
      .count()
  }

  return {
    /**
     * The oldest rows waiting, at most `limit`. A closed shift goes only when no operation waits outside this
     * batch (its operations reach the store first, or in the same transaction), so the store never marks a shift
     * complete while one of its operations is still on the till.
     */
    async batch(limit = SYNC_BATCH): Promise<Batch> {
      return db.transaction('r', db.operations, db.shifts, async () => {
        const ops = await waitingOps().limit(limit).toArray()
        const room = limit - ops.length
        const allOps = ops.length < limit || (await waitingOps().count()) === ops.length
        const shifts: WireShift[] = []
        if (room > 0 && allOps)
          for (const s of await waitingShifts().limit(room).toArray()) {
            const { syncedRev: _s, outboxAt: _o, syncError: _e, ...rest } = s
            shifts.push({ ...rest, rev: s.rev ?? 1, operations: await shiftCount(s) })
          }
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
