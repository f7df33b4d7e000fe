// Against IndexedDB (fake-indexeddb): the version-4 upgrade of a journal with data in it (each payment
// with a refund marked, nothing else changed), the mark kept by the hook for a refund journaled later, and a
// journal page whose refunds and remaining amounts are the same as a recount from the whole journal.
import { describe, expect, it } from 'vitest'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb, type StoredOperation } from '../../workers/engine/db.ts'
import { queryJournal } from '../../workers/engine/journal-query.ts'
import { remainingOf, searchKeys } from '../../src/domain/journal.ts'
import type { Operation } from '../../src/domain/operation.ts'
import { V2, rowBuilder } from '../support/journal-rows.ts'

const op = rowBuilder('01K')

/** A journal: payments, some refunded in part (one refund declined, one cancelled), a cancel, a refund of another type. */
function journal(): Operation[] {
  const rows: Operation[] = []
  for (let i = 0; i < 40; i++) rows.push(op({ kind: 'pay', amount: 10_000 + i, createdAt: 1_000 + i, ref: `P-${i}` }))
  const refund = (of: Operation, amount: number, at: number, extra: Partial<Operation> = {}) =>
    rows.push(op({ kind: 'refund', amount, createdAt: at, original: of.id, ...extra }))
  refund(rows[3]!, 1_000, 2_000)
  refund(rows[3]!, 2_000, 2_001, { state: 'declined' })
  refund(rows[7]!, 500, 2_002)
  refund(rows[11]!, 11_011, 2_003)
  const cancelled = op({ kind: 'refund', amount: 700, createdAt: 2_004, original: rows[20]!.id })
  const undo = op({ kind: 'cancel', amount: 700, createdAt: 2_005, original: cancelled.id, details: { reverses: 'refund' } })
  rows.push({ ...cancelled, reversedBy: undo.id }, undo)
  rows.push(op({ kind: 'cancel', amount: 10_030, createdAt: 2_006, original: rows[30]!.id }))
  return rows
}

/** What a payment has left, recounted from every row of the journal (no index, no mark). */
function recount(all: readonly Operation[], pay: Operation): number {
  const refunds = all.filter((o) => o.kind === 'refund' && o.original === pay.id)
  return remainingOf(pay, refunds, (id) => all.find((o) => o.id === id)?.state === 'approved')
}

async function expectRemainingAsRecounted(db: PaydeskDb) {
  const all = await db.operations.toArray()
  const rows = (await queryJournal(db, { kind: 'pay' }, undefined, 500)).rows
  expect(rows.length).toBe(40)
  for (const r of rows) expect([r.op.id, r.remaining]).toEqual([r.op.id, recount(all, r.op)])
}

describe('the version-4 upgrade', () => {
  it('marks each payment a refund names, changes nothing else, and the journal reads the same as a recount', async () => {
    const idb = new IDBFactory()
    const old = new Dexie('paydesk-v4', { indexedDB: idb, IDBKeyRange })
    old.version(2).stores(V2)
    await old.open()
    const rows = journal()
    // As version 2 wrote them: with their search keys.
    await old.table('operations').bulkAdd(rows.map((o) => ({ ...o, keys: searchKeys(o) })))
    await old.table('queue').add({ provider: 'clickpass', paymentTypeId: 'click-1', opId: rows[0]!.id, attempt: 0, nextAttemptAt: 0, createdAt: 0 })
    const before = new Map((await old.table('operations').toArray()).map((o: StoredOperation) => [o.id, o]))
    old.close()

    const db = new PaydeskDb('paydesk-v4', { indexedDB: idb, IDBKeyRange })
    await db.open()
    expect(db.verno).toBeGreaterThanOrEqual(4)
    const after = (await db.operations.toArray()) as StoredOperation[]
    expect(after.length).toBe(rows.length)
    const marked = after.filter((o) => o.refunded).map((o) => o.id)
    expect(marked.sort()).toEqual([rows[3]!.id, rows[7]!.id, rows[11]!.id, rows[20]!.id].sort())
    // Nothing but the mark changed (and version 3's store outbox: every old row enters it at rev 1; version 5's stamp).
    const own = (o: StoredOperation | undefined) => ({ ...o, refunded: undefined, rev: undefined, outboxAt: undefined, targetRow: undefined })
    for (const o of after) expect(own(o)).toEqual(own(before.get(o.id)))
    for (const o of after) expect([o.rev, o.outboxAt]).toEqual([1, o.updatedAt])
    expect(await db.queue.count()).toBe(1)
    await expectRemainingAsRecounted(db)
    db.close()
  })

  it('a refund journaled after the upgrade marks its payment in the same transaction (an explicit one, or its own)', async () => {
    const db = new PaydeskDb('paydesk-v4-hook', { indexedDB: new IDBFactory(), IDBKeyRange })
    const pay = op({ kind: 'pay', amount: 5_000, createdAt: 10 })
    const other = op({ kind: 'pay', amount: 6_000, createdAt: 11 })
    await db.operations.bulkAdd([pay, other])
    await db.transaction('rw', db.operations, () => db.operations.add(op({ kind: 'refund', amount: 1_500, createdAt: 20, original: pay.id })))
    await db.operations.add(op({ kind: 'refund', amount: 1_000, createdAt: 21, original: other.id }))
    expect(((await db.operations.get(pay.id)) as StoredOperation).refunded).toBe(true)
    expect(((await db.operations.get(other.id)) as StoredOperation).refunded).toBe(true)
    const rows = (await queryJournal(db, { kind: 'pay' })).rows
    expect(rows.map((r) => [r.op.id, r.remaining])).toEqual([
      [other.id, 5_000],
      [pay.id, 3_500],
    ])
    db.close()
  })
})
