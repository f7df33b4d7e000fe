// Against IndexedDB (fake-indexeddb): from version 5 each reversal keeps what it shows of its target
// (`targetRow`: kind, amount, creation time), so a journal page of cancels or refunds reads no other row. The
// version's upgrade with data in it, the hook for each way a reversal is written, a stale copy put back, an
// aborted write, and the journal's rows the same as a recount from the whole journal.
import { describe, expect, it, vi } from 'vitest'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb, targetRowOf, type StoredOperation } from '../../workers/engine/db.ts'
import { queryJournal } from '../../workers/engine/journal-query.ts'
import { rowKind, searchKeys } from '../../src/domain/journal.ts'
import type { Operation } from '../../src/domain/operation.ts'
import { V4, rowBuilder } from '../support/journal-rows.ts'

const op = rowBuilder('01T')

/** Payments; a refund, a cancel, a cancel of a refund, an automatic cancel, and a refund whose payment is not here. */
function journal(): Operation[] {
  const rows: Operation[] = []
  for (let i = 0; i < 10; i++) rows.push(op({ kind: 'pay', amount: 10_000 + i, createdAt: 1_000 + i }))
  const refund = op({ kind: 'refund', amount: 700, createdAt: 2_000, original: rows[1]!.id })
  const undo = op({ kind: 'cancel', amount: 700, createdAt: 2_001, original: refund.id, details: { reverses: 'refund' } })
  rows.push({ ...refund, reversedBy: undo.id }, undo)
  rows.push(op({ kind: 'cancel', amount: 10_002, createdAt: 2_002, original: rows[2]!.id }))
  rows.push(op({ kind: 'cancel', amount: 10_003, createdAt: 2_003, compensates: rows[3]!.id, state: 'approved' }))
  rows.push(op({ kind: 'refund', amount: 100, createdAt: 2_004, original: '01TMISSING' as Operation['id'] }))
  return rows
}

/** Each reversal's target as a recount from every row of the journal reads it. */
function recountTargets(all: readonly Operation[]) {
  const byId = new Map(all.map((o) => [o.id, o]))
  const out = new Map<string, { id: string; kind: string; amount: number; createdAt: number }>()
  for (const o of all) {
    const t = byId.get((o.original ?? o.compensates)!)
    if (t) out.set(o.id, { id: t.id, kind: rowKind(t, t.original ? byId.get(t.original)?.kind : undefined), amount: t.amount, createdAt: t.createdAt })
  }
  return out
}

async function expectTargetsAsRecounted(db: PaydeskDb) {
  const all = await db.operations.toArray()
  const want = recountTargets(all)
  const rows = (await queryJournal(db, {}, undefined, 500)).rows
  expect(rows.length).toBe(all.length)
  for (const r of rows) expect([r.op.id, r.target]).toEqual([r.op.id, want.get(r.op.id)])
}

describe('the version-5 upgrade', () => {
  it('stamps each reversal with its target, changes nothing else (no revision moves), and the journal reads as a recount', async () => {
    const idb = new IDBFactory()
    const old = new Dexie('paydesk-v5', { indexedDB: idb, IDBKeyRange })
    old.version(4).stores(V4)
    await old.open()
    const rows = journal()
    // As version 4 wrote them: search keys, revision 1, in the outbox.
    await old.table('operations').bulkAdd(rows.map((o) => ({ ...o, keys: searchKeys(o), rev: 1, outboxAt: o.updatedAt })))
    const before = new Map((await old.table('operations').toArray()).map((o: StoredOperation) => [o.id, o]))
    old.close()

    const db = new PaydeskDb('paydesk-v5', { indexedDB: idb, IDBKeyRange })
    await db.open()
    expect(db.verno).toBeGreaterThanOrEqual(5)
    const after = (await db.operations.toArray()) as StoredOperation[]
    const byId = new Map(rows.map((o) => [o.id, o]))
    const stamped = after.filter((o) => o.targetRow)
    expect(stamped.length).toBe(4) // every reversal but the one whose payment is not here
    for (const o of stamped) expect(o.targetRow).toEqual(targetRowOf(byId.get((o.original ?? o.compensates)!)!))
    // The cancel of a refund shows a refund: what its row says.
    expect(stamped.find((o) => o.details?.reverses === 'refund')?.targetRow?.kind).toBe('refund')
    const own = (o: StoredOperation | undefined) => ({ ...o, targetRow: undefined, refunded: undefined })
    for (const o of after) expect(own(o)).toEqual(own(before.get(o.id)))
    await expectTargetsAsRecounted(db)
    db.close()
  })
})

describe('a reversal journaled from version 5 on', () => {
  const fresh = (name: string) => new PaydeskDb(name, { indexedDB: new IDBFactory(), IDBKeyRange })
  const kept = async (db: PaydeskDb, id: string) => ((await db.operations.get(id)) as StoredOperation).targetRow

  it('keeps its target written alone, in a transaction after its target changed, and in one bulk with its target', async () => {
    const db = fresh('paydesk-v5-hook')
    const [a, b] = [op({ kind: 'pay', amount: 5_000, createdAt: 10 }), op({ kind: 'pay', amount: 6_000, createdAt: 11 })]
    await db.operations.bulkAdd([a, b])
    const refund = op({ kind: 'refund', amount: 1_500, createdAt: 20, original: a.id })
    await db.operations.add(refund)
    // As the engine compensates: the original's new state and the cancel in one transaction.
    const comp = op({ kind: 'cancel', amount: 6_000, createdAt: 21, compensates: b.id, state: 'created' })
    await db.transaction('rw', db.operations, async () => {
      await db.operations.put({ ...b, state: 'compensating', reversedBy: comp.id })
      await db.operations.add(comp)
    })
    // A restore: a payment and its refund in one bulk.
    const c = op({ kind: 'pay', amount: 7_000, createdAt: 30 })
    const late = op({ kind: 'refund', amount: 700, createdAt: 31, original: c.id })
    await db.operations.bulkAdd([c, late])
    expect(await kept(db, refund.id)).toEqual(targetRowOf(a))
    expect(await kept(db, comp.id)).toEqual(targetRowOf(b))
    expect(await kept(db, late.id)).toEqual(targetRowOf(c))
    // Keeping it is not a change the store must hear of: the reversal is still at its first revision.
    expect((await db.operations.get(refund.id))?.rev).toBe(1)
    await expectTargetsAsRecounted(db)
    db.close()
  })

  it('a copy read before the stamp and put back after it keeps the stamp; an aborted write leaves neither', async () => {
    const db = fresh('paydesk-v5-stale')
    const pay = op({ kind: 'pay', amount: 5_000, createdAt: 10 })
    await db.operations.add(pay)
    const cancel = op({ kind: 'cancel', amount: 5_000, createdAt: 20, original: pay.id, state: 'created' })
    await db.operations.add(cancel)
    // The engine's next state from its own copy, which never had the stamp.
    await db.operations.put({ ...cancel, state: 'approved', updatedAt: 21 })
    expect(await kept(db, cancel.id)).toEqual(targetRowOf(pay))
    expect((await db.operations.get(cancel.id))?.state).toBe('approved')
    // A crash mid-transaction: the reversal and its stamp go together.
    const lost = op({ kind: 'refund', amount: 10, createdAt: 30, original: pay.id })
    await expect(
      db.transaction('rw', db.operations, async () => {
        await db.operations.add(lost)
        throw new Error('crash')
      }),
    ).rejects.toThrow('crash')
    expect(await db.operations.get(lost.id)).toBeUndefined()
    db.close()
  })

  it('a page of reversals reads no other row for their targets; one whose target came later reads it', async () => {
    const db = fresh('paydesk-v5-page')
    const pays = Array.from({ length: 5 }, (_, i) => op({ kind: 'pay', amount: 1_000 + i, createdAt: 10 + i }))
    await db.operations.bulkAdd(pays)
    for (const [i, p] of pays.entries()) await db.operations.add(op({ kind: 'refund', amount: 10, createdAt: 100 + i, original: p.id }))
    const spy = vi.spyOn(db.operations, 'bulkGet')
    const page = await queryJournal(db, { kind: 'refund' })
    expect(page.rows.map((r) => r.target?.id)).toEqual(pays.map((p) => p.id).reverse())
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
    // A refund restored before its payment has no stamp: its page reads the payment.
    const later = op({ kind: 'pay', amount: 9_000, createdAt: 200 })
    const early = op({ kind: 'refund', amount: 90, createdAt: 201, original: later.id })
    await db.operations.add(early)
    await db.operations.add(later)
    expect(await kept(db, early.id)).toBeUndefined()
    await expectTargetsAsRecounted(db)
    db.close()
  })
})
