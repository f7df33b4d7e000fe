// Against IndexedDB (fake-indexeddb): the version-3 upgrade of a version-2 journal with data in it puts
// every existing row into the store outbox at rev 1; the database hooks raise `rev` in whatever transaction changes
// a row; bookkeeping (the store's acknowledgement) never bumps it.
import { describe, expect, it } from 'vitest'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { advance, type Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'
import { V2 } from '../support/journal-rows.ts'

let seq = 0
function op(createdAt: number, extra: Partial<Operation> = {}): Operation {
  return {
    id: `01J${String(++seq).padStart(10, '0')}` as OperationId,
    kind: 'pay',
    provider: 'clickpass',
    paymentTypeId: 'click-1',
    amount: 1_000 as Minor,
    currency: 'UZS',
    state: 'approved',
    createdAt,
    updatedAt: createdAt + 5,
    history: [],
    ...extra,
  }
}

const fresh = () => new PaydeskDb(`outbox-${++seq}`, { indexedDB: new IDBFactory(), IDBKeyRange })

describe('the version-3 upgrade', () => {
  it('gives every existing operation and shift rev 1 and queues them for the store', async () => {
    const idb = new IDBFactory()
    const old = new Dexie('paydesk-v2', { indexedDB: idb, IDBKeyRange })
    old.version(2).stores(V2)
    await old.open()
    const rows = [op(1_000), op(2_000, { state: 'needs-attention' }), op(3_000, { kind: 'cancel' })]
    await old.table('operations').bulkAdd(rows)
    await old.table('shifts').add({ number: 1, openedAt: 1_000, closedAt: 2_500 })
    old.close()

    const db = new PaydeskDb('paydesk-v2', { indexedDB: idb, IDBKeyRange })
    await db.open()
    expect(db.verno).toBeGreaterThanOrEqual(3)
    const ops = await db.operations.orderBy('createdAt').toArray()
    expect(ops.map((o) => [o.id, o.rev, o.outboxAt, o.syncedRev])).toEqual(rows.map((o) => [o.id, 1, o.updatedAt, undefined]))
    // Nothing else about a row changed.
    expect(ops.map((o) => ({ ...o, rev: undefined, outboxAt: undefined, keys: undefined }))).toEqual(
      rows.map((o) => ({ ...o, rev: undefined, outboxAt: undefined, keys: undefined })),
    )
    expect(await db.operations.where('outboxAt').above(0).count()).toBe(3)
    expect(await db.shifts.get(1)).toMatchObject({ rev: 1, outboxAt: 2_500 })
    expect(await db.shifts.where('outboxAt').above(0).count()).toBe(1)
    db.close()
  })
})

describe('rev rides the transaction that changes the row', () => {
  it('a new row is rev 1 and in the outbox; each change bumps it, put or update alike', async () => {
    const db = fresh()
    const o = op(10_000)
    await db.operations.add(o)
    expect(await db.operations.get(o.id)).toMatchObject({ rev: 1, outboxAt: o.updatedAt })
    await db.transaction('rw', db.operations, async () => {
      const cur = (await db.operations.get(o.id))!
      await db.operations.put(advance(cur, { note: 'checked' }, 20_000))
    })
    expect((await db.operations.get(o.id))!.rev).toBe(2)
    await db.operations.update(o.id, { queued: false })
    expect((await db.operations.get(o.id))!.rev).toBe(3)
  })

  it('the acknowledgement writes bookkeeping only: rev stays, the row leaves the outbox (sparse index)', async () => {
    const db = fresh()
    const o = op(10_000)
    await db.operations.add(o)
    await db.operations.update(o.id, { syncedRev: 1, outboxAt: undefined })
    const row = (await db.operations.get(o.id))!
    expect(row.rev).toBe(1)
    expect(row.syncedRev).toBe(1)
    expect('outboxAt' in row).toBe(false)
    expect(await db.operations.where('outboxAt').above(0).count()).toBe(0)
    // A later change puts it back, at the next rev.
    await db.operations.update(o.id, { note: 'x' } as Partial<Operation>)
    expect(await db.operations.get(o.id)).toMatchObject({ rev: 2, syncedRev: 1, outboxAt: o.updatedAt })
  })

  it('a stale object put back never moves rev backwards', async () => {
    const db = fresh()
    const o = op(10_000)
    await db.operations.add(o)
    const stale = (await db.operations.get(o.id))!
    await db.operations.update(o.id, { state: 'declined' })
    await db.operations.put({ ...stale, state: 'approved' })
    expect((await db.operations.get(o.id))!.rev).toBe(3)
  })

  it('a rolled-back transaction leaves rev and the outbox as they were, and tells no listener', async () => {
    const db = fresh()
    const o = op(10_000)
    await db.operations.add(o)
    await db.operations.update(o.id, { syncedRev: 1, outboxAt: undefined })
    let told = 0
    db.outboxListeners.add(() => told++)
    await expect(
      db.transaction('rw', db.operations, async () => {
        await db.operations.update(o.id, { state: 'declined' })
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await db.operations.get(o.id)).toMatchObject({ rev: 1, syncedRev: 1, state: 'approved' })
    expect(told).toBe(0)
    await db.operations.update(o.id, { state: 'declined' })
    expect(told).toBe(1)
  })

  it('shifts carry rev too', async () => {
    const db = fresh()
    await db.shifts.add({ number: 1, openedAt: 1, closedAt: 2 })
    expect(await db.shifts.get(1)).toMatchObject({ rev: 1, outboxAt: 2 })
    await db.shifts.update(1, { cashier: 'Ann' })
    expect(await db.shifts.get(1)).toMatchObject({ rev: 2, outboxAt: 2 })
  })
})

describe('the outbox batch', () => {
  it('oldest first, at most the limit; a closed shift goes only when no operation waits outside the batch', async () => {
    const db = fresh()
    const { outboxStore } = await import('../../workers/engine/sync/outbox.ts')
    const outbox = outboxStore(db)
    const rows = Array.from({ length: 150 }, (_, i) => op(1_000 + i))
    await db.operations.bulkAdd(rows)
    await db.shifts.add({ number: 1, openedAt: 1_000, closedAt: 1_200 })
    const first = await outbox.batch(100)
    expect(first.ops.map((o) => o.id)).toEqual(rows.slice(0, 100).map((o) => o.id))
    expect(first.shifts).toEqual([])
    await outbox.settle({ ops: first.ops.map((o) => [o.id, o.rev]), shifts: [], rejected: [] }, 5_000)
    const second = await outbox.batch(100)
    expect(second.ops).toHaveLength(50)
    expect(second.shifts).toEqual([expect.objectContaining({ number: 1, rev: 1, body: expect.objectContaining({ operations: 150 }) })])
    expect(await outbox.depth()).toEqual({ count: 51, oldestAt: rows[100]!.updatedAt })
  })

  it('the customer code, the search keys and the bookkeeping never go on the wire', async () => {
    const { wireOperation } = await import('../../workers/engine/sync/outbox.ts')
    const o = { ...op(1), code: { hash: 'h', masked: 'm', spent: true, scannedAt: 1 }, keys: ['k'], tab: 't', rev: 3, syncedRev: 2, outboxAt: 9 }
    const w = wireOperation(o)
    expect(w.rev).toBe(3)
    expect(Object.keys(w.body).sort()).toEqual(['amount', 'createdAt', 'currency', 'history', 'id', 'kind', 'paymentTypeId', 'provider', 'state', 'updatedAt'])
  })
})
