// Against IndexedDB (fake-indexeddb): the version-2 upgrade of a version-1 journal with
// data in it, the journal's filters and paging over the whole journal, and the shift's X/Z reports.
import { describe, expect, it } from 'vitest'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { queryJournal } from '../../workers/engine/journal-query.ts'
import { createShifts } from '../../workers/engine/shift.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import { V1, rowBuilder } from '../support/journal-rows.ts'
import type { Clock } from '../../workers/engine/clock.ts'
import { msg } from '../../src/domain/messages.ts'

let seq = 0
const op = rowBuilder('01J')

describe('the version-2 upgrade', () => {
  it('keeps every operation of a version-1 journal and indexes them for search', async () => {
    const idb = new IDBFactory()
    const old = new Dexie('paydesk-upgrade', { indexedDB: idb, IDBKeyRange })
    old.version(1).stores(V1)
    await old.open()
    const rows = [
      op({ kind: 'pay', amount: 150_000, createdAt: 1_000, ref: 'P-1001', details: { cardNumber: '860006******4321' } }),
      op({ kind: 'pay', amount: 20_000, createdAt: 2_000, ref: 'P-1002', order: 'HOST-9', state: 'needs-attention' }),
      op({ kind: 'cancel', amount: 150_000, createdAt: 3_000, original: `01J${'1'.padStart(10, '0')}` as OperationId }),
      op({ kind: 'refund', amount: 5_000, createdAt: 4_000, original: `01J${'2'.padStart(10, '0')}` as OperationId }),
    ]
    // A cancel of that refund, as version 1 wrote it (no mark of what it reverses).
    rows.push(op({ kind: 'cancel', amount: 5_000, createdAt: 5_000, original: rows[3]!.id }))
    await old.table('operations').bulkAdd(rows)
    await old.table('queue').add({ provider: 'clickpass', paymentTypeId: 'click-1', opId: rows[2]!.id, attempt: 0, nextAttemptAt: 0, createdAt: 0 })
    await old.table('settings').put({ key: 'paymentTypes', value: [{ id: 'click-1', number: 1, name: 'Click', provider: 'clickpass', values: {} }] })
    old.close()

    const db = new PaydeskDb('paydesk-upgrade', { indexedDB: idb, IDBKeyRange })
    await db.open()
    expect(db.verno).toBeGreaterThanOrEqual(2)
    expect(await db.operations.count()).toBe(5)
    // The upgrade marks the cancel of a refund: it is «Отмена возврата», the other cancel stays a cancel.
    expect((await queryJournal(db, { kind: 'cancelRefund' })).rows.map((r) => r.op.id)).toEqual([rows[4]!.id])
    expect((await queryJournal(db, { kind: 'cancel' })).rows.map((r) => r.op.id)).toEqual([rows[2]!.id])
    const back = await db.operations.get(rows[0]!.id)
    // Later versions add their own bookkeeping (version 3: the store outbox's rev and outboxAt).
    expect({ ...back, keys: undefined, rev: undefined, outboxAt: undefined }).toEqual({ ...rows[0], keys: undefined })
    expect(await db.queue.count()).toBe(1)
    expect((await db.settings.get('paymentTypes'))?.value).toHaveLength(1)
    // The new indexes answer for the old rows.
    expect((await db.operations.where('keys').equals('4321').toArray()).map((o) => o.id)).toEqual([rows[0]!.id])
    expect((await db.operations.where('order').equals('HOST-9').toArray()).map((o) => o.id)).toEqual([rows[1]!.id])
    expect(await db.operations.where('[kind+createdAt]').between(['pay', 0], ['pay', Infinity]).count()).toBe(2)
    const page = await queryJournal(db, { q: 'p-100' })
    expect(page.rows.map((r) => r.op.ref)).toEqual(['P-1002', 'P-1001'])
    db.close()
  })
})

function fresh() {
  const db = new PaydeskDb(`paydesk-journal-${++seq}`, { indexedDB: new IDBFactory(), IDBKeyRange })
  return db
}

describe('the journal query', () => {
  it('pages through the whole journal, newest first, with no row lost or repeated at a page boundary', async () => {
    const db = fresh()
    const ops: Operation[] = []
    // 130 operations, several in the same millisecond.
    for (let i = 0; i < 130; i++) ops.push(op({ kind: 'pay', amount: 1000 + i, createdAt: 10_000 + Math.floor(i / 3) }))
    await db.operations.bulkAdd(ops)
    const seen: string[] = []
    let page = await queryJournal(db, {})
    for (;;) {
      seen.push(...page.rows.map((r) => r.op.id))
      if (!page.next) break
      page = await queryJournal(db, {}, page.next)
    }
    expect(seen.length).toBe(130)
    expect(new Set(seen).size).toBe(130)
  })

  it('each filter finds its rows; the row says what it is, links its reversal, and the remaining amount comes from the database', async () => {
    const db = fresh()
    const pay = op({ kind: 'pay', amount: 10_000, createdAt: 1_000, ref: 'R-1', paymentTypeId: 'opl-1', provider: 'oplati', currency: 'BYN' })
    const refund = op({ kind: 'refund', amount: 3_000, createdAt: 2_000, original: pay.id, paymentTypeId: 'opl-1', provider: 'oplati', currency: 'BYN' })
    const cancelRefund = op({
      kind: 'cancel',
      amount: 3_000,
      createdAt: 3_000,
      original: refund.id,
      paymentTypeId: 'opl-1',
      provider: 'oplati',
      currency: 'BYN',
      details: { reverses: 'refund' },
    })
    const refund2 = op({ kind: 'refund', amount: 2_000, createdAt: 3_500, original: pay.id, paymentTypeId: 'opl-1', provider: 'oplati', currency: 'BYN' })
    const pay2 = op({ kind: 'pay', amount: 5_000, createdAt: 4_000, state: 'compensated', order: 'ORD-5', details: { phone: '998*****7788' } })
    const auto = op({ kind: 'cancel', amount: 5_000, createdAt: 4_100, compensates: pay2.id, state: 'sent', queued: true })
    const voided = op({ kind: 'cancel', amount: 1_000, createdAt: 5_000, details: { void: true } })
    const attention = op({ kind: 'pay', amount: 777, createdAt: 6_000, state: 'needs-attention' })
    // The payment first, as the engine journals it: a refund's hook marks it (version 4).
    await db.operations.add(pay)
    await db.operations.bulkAdd([{ ...refund, reversedBy: cancelRefund.id }, cancelRefund, refund2, { ...pay2, reversedBy: auto.id }, auto, voided, attention])
    await db.queue.add({ provider: 'clickpass', paymentTypeId: 'click-1', opId: auto.id, attempt: 0, nextAttemptAt: 0, createdAt: 0 })
    const ids = async (f: Parameters<typeof queryJournal>[1]) => (await queryJournal(db, f)).rows.map((r) => r.op.id)
    expect(await ids({ state: 'needs-attention' })).toEqual([attention.id])
    expect(await ids({ queued: true })).toEqual([auto.id])
    expect(await ids({ kind: 'autoCancel' })).toEqual([auto.id])
    expect(await ids({ kind: 'void' })).toEqual([voided.id])
    expect(await ids({ kind: 'cancelRefund' })).toEqual([cancelRefund.id])
    expect(await ids({ kind: 'cancel' })).toEqual([])
    expect(await ids({ kind: 'refund' })).toEqual([refund2.id, refund.id])
    expect(await ids({ paymentTypeId: 'opl-1' })).toEqual([refund2.id, cancelRefund.id, refund.id, pay.id])
    expect(await ids({ amountMin: 5_000, amountMax: 5_000 })).toEqual([auto.id, pay2.id])
    expect(await ids({ from: 3_000, to: 4_000 })).toEqual([pay2.id, refund2.id, cancelRefund.id])
    expect(await ids({ q: '7788' })).toEqual([pay2.id])
    expect(await ids({ q: 'ord-5' })).toEqual([pay2.id])
    expect(await ids({ q: 'r-1' })).toEqual([pay.id])
    const rows = (await queryJournal(db, {})).rows
    const row = (id: string) => rows.find((r) => r.op.id === id)!
    // 10 000 − 2 000 standing; the 3 000 refund was cancelled.
    expect(row(pay.id).remaining).toBe(8_000)
    expect(row(pay.id).reversal).toMatchObject({ id: refund2.id, kind: 'refund' })
    expect(row(pay2.id).reversal).toMatchObject({ id: auto.id, kind: 'autoCancel' })
    expect(row(cancelRefund.id)).toMatchObject({ kind: 'cancelRefund', target: { id: refund.id, kind: 'refund' } })
    expect(row(auto.id)).toMatchObject({ kind: 'autoCancel', inQueue: true, target: { id: pay2.id } })
  })
})

describe('the shift', () => {
  it('opens with the first operation after a close, X shows totals without closing, Z warns about the unresolved and then closes', async () => {
    const db = fresh()
    let now = 100_000
    const clock: Clock = { now: () => now, sleep: async () => undefined }
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, flush: async () => undefined } as never
    const types = [{ id: 'click-1', number: 1, name: 'Click', provider: 'clickpass' as const, values: {} }]
    const s = createShifts({
      db,
      clock,
      log,
      paymentTypes: async () => types,
      loadConfig: async () => ({ ok: false, message: msg('x') }),
      probeContext: () => ({}) as never,
      newId: () => `01Z${++seq}` as OperationId,
    })
    expect(await s.shiftStatus()).toEqual({ number: 1 })
    expect(await s.closeDay()).toMatchObject({ ok: false, message: { key: 'shift.nothingToClose' } })
    await db.operations.bulkAdd([
      op({ kind: 'pay', amount: 1_500, createdAt: 100_500 }),
      op({ kind: 'pay', amount: 900, createdAt: 100_600, state: 'needs-attention' }),
    ])
    expect(await s.shiftStatus()).toEqual({ number: 1, openedAt: 100_500 })
    now = 200_000
    const x = await s.xReport()
    expect(x.report.totals.types[0]).toMatchObject({ name: 'Click', payments: { count: 1, sum: 1_500 }, net: 1_500 })
    const warned = await s.closeDay()
    expect(warned).toMatchObject({ ok: false, message: { key: 'shift.unresolved', params: { attention: 1, queued: 0 } } })
    expect(await db.shifts.count()).toBe(0)
    const z = await s.closeDay({ force: true })
    expect(z.ok && z.report.shift).toBe(1)
    expect(await s.shiftStatus()).toEqual({ number: 2, lastClosedAt: 200_000 })
    await db.operations.add(op({ kind: 'pay', amount: 400, createdAt: 200_100 }))
    expect((await s.shiftStatus()).openedAt).toBe(200_100)
    const old = await s.shiftReport({ shift: 1, withOps: true })
    expect(old.ok && old.report.totals.total[0]?.net).toBe(1_500)
    expect(old.ok && old.report.operations?.length).toBe(2)
    const range = await s.shiftReport({ from: 100_000, to: 300_000 })
    expect(range.ok && range.report.totals.total[0]?.payments).toEqual({ count: 2, sum: 1_900 })
    expect(await s.shiftReport({ shift: 7 })).toMatchObject({ ok: false, message: { key: 'shift.noShift' } })
    expect(await s.setCashier('x'.repeat(61))).toMatchObject({ ok: false })
    await s.setCashier('Анна')
    expect((await s.shiftStatus()).cashier).toBe('Анна')
  })
})
