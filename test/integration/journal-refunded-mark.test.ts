// Against IndexedDB (fake-indexeddb): a payment's remaining amount in the journal after a partial refund,
// whichever way the rows reached the database — a stale copy of the payment put back after its refund, the
// payment and its refund written in one bulk, the refund before its payment — so the journal never offers a
// refund of what was already refunded (it looks refunds up only for a payment marked `refunded`).
import { describe, expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { queryJournal } from '../../workers/engine/journal-query.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import { rowBuilder, type RowInput } from '../support/journal-rows.ts'

/** A journal row with this file's defaults (the shared builder, test/support/journal-rows.ts). */
const build = rowBuilder('01W')
const op = (p: Omit<RowInput, 'id'> & { id: string }): Operation =>
  build({ provider: 'inpas-sbp', paymentTypeId: 'inpas-sbp-1', currency: 'RUB', ...p, id: p.id as OperationId })

// Fresh objects each time: Dexie's hooks write their fields into the object stored.
const pay = () => op({ id: 'P1', kind: 'pay', amount: 1_000_00, createdAt: 10 })
const refund = () => op({ id: 'P2', kind: 'refund', amount: 600_00, createdAt: 20, original: 'P1' as OperationId })
let n = 0
const fresh = () => new PaydeskDb(`paydesk-mark-${++n}`, { indexedDB: new IDBFactory(), IDBKeyRange })
const remaining = async (db: PaydeskDb) => (await queryJournal(db, { kind: 'pay' })).rows.map((r) => [r.op.id, r.remaining])

describe('the remaining amount of a partly refunded payment', () => {
  it('survives a stale copy of the payment put back after its refund', async () => {
    const db = fresh()
    const stale = pay()
    await db.operations.add(pay())
    await db.operations.add(refund())
    await db.operations.put({ ...stale, updatedAt: 30 })
    expect(await remaining(db)).toEqual([['P1', 400_00]])
    db.close()
  })

  it('holds when the payment and its refund are written in one bulk, in either order', async () => {
    for (const rows of [
      [pay(), refund()],
      [refund(), pay()],
    ]) {
      const db = fresh()
      await db.operations.bulkPut(rows)
      expect(await remaining(db)).toEqual([['P1', 400_00]])
      db.close()
    }
  })

  it('holds when the refund was journaled before its payment (a restore in that order)', async () => {
    const db = fresh()
    await db.operations.add(refund())
    await db.transaction('rw', db.operations, () => db.operations.add(pay()))
    expect(await remaining(db)).toEqual([['P1', 400_00]])
    // A second add of the same id is refused and overwrites nothing.
    await expect(db.operations.add(op({ id: 'P1', kind: 'pay', amount: 5, createdAt: 10 }))).rejects.toThrow()
    expect((await db.operations.get('P1'))?.amount).toBe(1_000_00)
    db.close()
  })
})
