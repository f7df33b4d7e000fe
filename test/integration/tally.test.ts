// Against IndexedDB (fake-indexeddb): the tally of counted money per hour (version 6) is kept in the same transaction
// as every write of the journal, so it always equals a recount from the journal — after random sequences of writes
// of every kind (add, put, bulk, update, modify, delete, several in one transaction), after an upgrade from version
// 4 or 5, after a transaction that fails or is aborted mid-way, and with two tabs writing at once — and the X-report
// read from it equals the totals of every row of the shift.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Dexie from 'dexie'
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb'
import { PaydeskDb, targetRowOf, type StoredOperation } from '../../workers/engine/db.ts'
import { keptTotals } from '../../workers/engine/kept-totals.ts'
import { TALLY_SINCE } from '../../workers/engine/tally.ts'
import { createShifts } from '../../workers/engine/shift.ts'
import { HOUR, hourOf, tallyOf, type Tallied, type TallyRow } from '../../src/domain/tally.ts'
import { searchKeys, totals, type Totals } from '../../src/domain/journal.ts'
import type { Operation, OpKind, OpState } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'
import { msg } from '../../src/domain/messages.ts'
import { V4 } from '../support/journal-rows.ts'

const TYPES = [
  { id: 'click-1', name: 'Click', number: 1, currency: 'UZS' },
  { id: 'payme-1', name: 'Payme', number: 2, currency: 'UZS' },
  { id: 'oplati-1', name: 'O!plati', number: 3, currency: 'BYN' },
]

let dbs = 0
const open = (idb = new IDBFactory(), name = `paydesk-tally-${++dbs}`) => new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })

/** The tally as stored, beside a recount of the whole journal (hours the tally covers only). */
async function expectTallyAsRecounted(db: PaydeskDb) {
  const since = ((await db.settings.get(TALLY_SINCE))?.value as number | undefined) ?? -Infinity
  const all = (await db.operations.toArray()) as Tallied[]
  const want = tallyOf(all).filter((t) => t.hour >= since)
  const got = (await db.tally.toArray()).filter((t) => t.hour >= since)
  expect(got).toEqual(want)
}

/**
 * The report's totals as read from every row of (from, to], each cancel's original looked up in the whole journal,
 * the queued operations of the range in its order and then the rest in the queue's.
 */
async function recounted(db: PaydeskDb, from: number, to: number): Promise<Totals> {
  const all = await db.operations.toArray()
  const kinds = new Map<string, OpKind>(all.map((o) => [o.id, o.kind]))
  const queuedIds = new Set((await db.queue.toArray()).map((e) => e.opId))
  const ops = all.filter((o) => o.createdAt > from && o.createdAt <= to).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
  const t = totals(ops, TYPES, { originals: kinds, queuedIds })
  const byId = new Map(all.map((o) => [o.id, o]))
  const extra = [...queuedIds].flatMap((id) => {
    const o = byId.get(id as OperationId)
    return o && !(o.createdAt > from && o.createdAt <= to) ? [o] : []
  })
  t.queued.push(...totals(extra, TYPES, { originals: kinds, queuedIds }).queued)
  return t
}

const kept = (db: PaydeskDb, from: number, to: number) =>
  db.transaction('r', [db.operations, db.tally, db.settings, db.queue], () => keptTotals(db, from, to, async () => TYPES))

// ---- random journals ----------------------------------------------------------------------------------------

type Step =
  | { t: 'add'; row: RowSpec }
  | { t: 'bulk'; rows: RowSpec[]; put: boolean }
  | { t: 'state'; pick: number; state: OpState; via: 'put' | 'update' | 'putOver' | 'putOverMoved' }
  | { t: 'move'; pick: number; createdAt: number; amount: number }
  | { t: 'modify'; from: OpState; to: OpState }
  | { t: 'delete'; pick: number; bulk: boolean }
  | { t: 'queue'; pick: number }
  | { t: 'tx'; steps: Step[]; fail: 'no' | 'throw' | 'abort' }

interface RowSpec {
  kind: 'pay' | 'refund' | 'cancel' | 'cancelRefund' | 'void' | 'auto' | 'reconcile' | 'loyalty'
  /** Which row it reverses: an index into the journal so far (or one not journaled: −1). */
  target: number
  state: OpState
  type: number
  amount: number
  createdAt: number
}

const STATES: OpState[] = ['sent', 'approved', 'approved', 'declined', 'needs-attention', 'unknown']
const rowSpec: fc.Arbitrary<RowSpec> = fc.record({
  kind: fc.constantFrom('pay', 'pay', 'pay', 'refund', 'cancel', 'cancel', 'cancelRefund', 'void', 'auto', 'reconcile', 'loyalty'),
  target: fc.integer({ min: -1, max: 40 }),
  state: fc.constantFrom(...STATES),
  type: fc.integer({ min: 0, max: TYPES.length }),
  amount: fc.integer({ min: 1, max: 5_000_000 }),
  // Ten hours and a bit, so ranges end inside hours, cross hours and hold whole ones.
  createdAt: fc.integer({ min: 0, max: 10 * HOUR + 5 }),
})
const leaf: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: rowSpec.map((row) => ({ t: 'add' as const, row })) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('bulk' as const), rows: fc.array(rowSpec, { minLength: 1, maxLength: 8 }), put: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('state' as const),
      pick: fc.nat(),
      state: fc.constantFrom(...STATES),
      via: fc.constantFrom('put' as const, 'update' as const, 'putOver' as const, 'putOverMoved' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('move' as const),
      pick: fc.nat(),
      createdAt: fc.integer({ min: 0, max: 10 * HOUR }),
      amount: fc.integer({ min: 1, max: 99 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('modify' as const), from: fc.constantFrom(...STATES), to: fc.constantFrom(...STATES) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), pick: fc.nat(), bulk: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('queue' as const), pick: fc.nat() }) },
)
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: leaf },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('tx' as const),
      steps: fc.array(leaf, { minLength: 1, maxLength: 6 }),
      fail: fc.constantFrom('no' as const, 'no' as const, 'throw' as const, 'abort' as const),
    }),
  },
)

class Journal {
  ids: string[] = []
  seq = 0
  /** Added to each row's creation time (a later day). */
  offset = 0
  constructor(
    readonly db: PaydeskDb,
    readonly prefix: string,
  ) {}

  row(s: RowSpec): Operation {
    const id = `${this.prefix}${String(++this.seq).padStart(6, '0')}` as OperationId
    const pt = TYPES[s.type % TYPES.length]!
    // A fourth «type»: one payment type that took a second currency.
    const currency = s.type === TYPES.length ? 'BYN' : pt.currency
    const target = (s.target < 0 ? `${this.prefix}GONE` : (this.ids[s.target % Math.max(1, this.ids.length)] ?? `${this.prefix}GONE`)) as OperationId
    const base: Operation = {
      id,
      kind: 'pay',
      provider: 'clickpass',
      paymentTypeId: pt.id,
      currency,
      state: s.state,
      amount: s.amount as Minor,
      createdAt: this.offset + s.createdAt,
      updatedAt: this.offset + s.createdAt,
      history: [],
    }
    this.ids.push(id)
    switch (s.kind) {
      case 'pay':
      case 'reconcile':
      case 'loyalty':
        return { ...base, kind: s.kind }
      case 'refund':
        return { ...base, kind: 'refund', original: target }
      case 'cancel':
        return { ...base, kind: 'cancel', original: target }
      case 'cancelRefund':
        return { ...base, kind: 'cancel', original: target, details: { reverses: 'refund' } }
      case 'void':
        return { ...base, kind: 'cancel', original: target, details: { void: true } }
      case 'auto':
        return { ...base, kind: 'cancel', compensates: target }
    }
  }

  async pick(n: number): Promise<Operation | undefined> {
    if (!this.ids.length) return undefined
    return this.db.operations.get(this.ids[n % this.ids.length]!)
  }

  async run(s: Step): Promise<void> {
    const { db } = this
    switch (s.t) {
      case 'add':
        await db.operations.add(this.row(s.row))
        return
      case 'bulk': {
        const rows = s.rows.map((r) => this.row(r))
        // A bulk may hold a reversal before the row it reverses.
        rows.reverse()
        await (s.put ? db.operations.bulkPut(rows) : db.operations.bulkAdd(rows))
        return
      }
      case 'state': {
        const o = await this.pick(s.pick)
        if (!o) return
        if (s.via === 'put') await db.operations.put({ ...o, state: s.state, updatedAt: o.updatedAt + 1 })
        else if (s.via === 'update') await db.operations.update(o.id, { state: s.state })
        else
          await db.transaction('rw', db.operations, async () => {
            // Another tab moved the row meanwhile (its state too): the writer puts over what it last committed.
            if (s.via === 'putOverMoved') await db.operations.update(o.id, { state: s.state === 'approved' ? 'declined' : 'approved' })
            // Any state to any other: the tally follows whatever is written, whether the engine would move so or not.
            const moved = await db.putOver(o, { ...o, state: s.state, updatedAt: o.updatedAt + 1 })
            if (moved) await db.operations.put({ ...moved, state: s.state, updatedAt: moved.updatedAt + 1 })
          })
        return
      }
      case 'move': {
        const o = await this.pick(s.pick)
        if (o) await db.operations.put({ ...o, createdAt: s.createdAt, amount: (o.amount + s.amount) as Minor })
        return
      }
      case 'modify':
        await db.operations
          .where('state')
          .equals(s.from)
          .modify((o) => {
            o.state = s.to
          })
        return
      case 'delete': {
        // Only rows no other row reverses: a reversal keeps what it showed of its target (`targetRow`).
        const all = await db.operations.toArray()
        const named = new Set(all.flatMap((o) => [o.original, o.compensates].filter(Boolean)))
        const free = all.filter((o) => !named.has(o.id)).map((o) => o.id)
        if (!free.length) return
        if (s.bulk) await db.operations.bulkDelete(free.filter((_, i) => (i + s.pick) % 3 === 0))
        else await db.operations.delete(free[s.pick % free.length]!)
        return
      }
      case 'queue': {
        const o = await this.pick(s.pick)
        if (o) await db.queue.add({ provider: 'clickpass', paymentTypeId: o.paymentTypeId, opId: o.id, attempt: 1, nextAttemptAt: 0, createdAt: 0 })
        return
      }
      case 'tx': {
        const before = this.ids.length
        try {
          await db.transaction('rw', [db.operations, db.queue], async () => {
            for (const x of s.steps) await this.run(x)
            if (s.fail === 'throw') throw new Error('the tab failed')
            // The tab dies with the transaction's requests in flight: the tally's read of its row among them.
            if (s.fail === 'abort') {
              void db.operations.put(this.row({ kind: 'pay', target: 0, state: 'approved', type: 0, amount: 1, createdAt: 7 })).catch(() => undefined)
              Dexie.currentTransaction!.abort()
            }
          })
        } catch (e) {
          if (s.fail === 'no') throw e
          this.ids.length = before
        }
        return
      }
    }
  }
}

/** The X-report's windows: the whole journal, from a close inside an hour to now inside another, one hour's part. */
const windows = (a: number, b: number): [number, number][] => [
  [-Infinity, 11 * HOUR],
  [Math.min(a, b), Math.max(a, b)],
  [HOUR * 2 - 1, HOUR * 2],
  [HOUR * 3, HOUR * 7],
  [-Infinity, 3 * HOUR + 17],
]

describe('the tally, against random journals', () => {
  it('always equals a recount from the journal, and the X-report read from it the totals of every row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.nat(11 * HOUR), fc.nat(11 * HOUR), async (steps, a, b) => {
        const db = open()
        const j = new Journal(db, '01J')
        for (const s of steps) {
          await j.run(s)
          await expectTallyAsRecounted(db)
        }
        for (const [from, to] of windows(a, b)) expect(await kept(db, from, to)).toEqual(await recounted(db, from, to))
        db.close()
      }),
      {
        numRuns: 60,
        examples: [
          // A refund added and deleted in one transaction, then a cancel of it in the same transaction: the cancel
          // must not show (nor count as) the refund that is no longer there.
          [
            [
              {
                t: 'tx',
                steps: [
                  { t: 'add', row: { kind: 'refund', target: 0, state: 'sent', type: 0, amount: 1, createdAt: 0 } },
                  { t: 'delete', pick: 0, bulk: false },
                  { t: 'add', row: { kind: 'cancel', target: 0, state: 'approved', type: 0, amount: 1, createdAt: 0 } },
                  { t: 'state', pick: 0, state: 'sent', via: 'put' },
                ],
                fail: 'no',
              },
              { t: 'add', row: { kind: 'pay', target: 0, state: 'sent', type: 0, amount: 1, createdAt: 0 } },
            ],
            0,
            0,
          ],
        ],
      },
    )
  })

  it('a cancel journaled before the payment or refund it reverses is recounted with its hour, and counts as the target says', async () => {
    const db = open()
    const refund: Operation = {
      id: '01JR' as OperationId,
      kind: 'refund',
      provider: 'clickpass',
      paymentTypeId: 'click-1',
      currency: 'UZS',
      state: 'approved',
      amount: 500 as Minor,
      createdAt: 3 * HOUR + 10,
      updatedAt: 3 * HOUR + 10,
      history: [],
    }
    const cancel: Operation = { ...refund, id: '01JC' as OperationId, kind: 'cancel', original: refund.id, createdAt: 4 * HOUR + 10 }
    await db.operations.bulkAdd([cancel, refund])
    expect(((await db.operations.get(cancel.id)) as StoredOperation).targetRow).toBeUndefined()
    await expectTallyAsRecounted(db)
    expect((await db.tally.toArray()).find((t) => t.hour === 4)?.unresolved).toEqual({ count: 1, sum: 500 })
    const x = await kept(db, -Infinity, 10 * HOUR)
    expect(x).toEqual(await recounted(db, -Infinity, 10 * HOUR))
    expect(x.types[0]).toMatchObject({ refunds: { count: 1, sum: 500 }, cancelRefunds: { count: 1, sum: 500 }, net: 0 })
    db.close()
  })
})

describe('a bulk', () => {
  it('reads and writes each tally row it changes once, in its own transaction', async () => {
    const db = open()
    const j = new Journal(db, '01L')
    const rows = Array.from({ length: 100 }, (_, i) =>
      j.row({ kind: 'pay', target: 0, state: 'approved', type: 0, amount: 10 + i, createdAt: (i % 2) * HOUR + i }),
    )
    const counts = { get: 0, put: 0 }
    const get = IDBObjectStore.prototype.get
    const put = IDBObjectStore.prototype.put
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      if (this.name === 'tally') counts.get++
      return get.call(this, key)
    }
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (this.name === 'tally') counts.put++
      return put.call(this, value, key)
    }
    try {
      await db.operations.bulkAdd(rows)
    } finally {
      IDBObjectStore.prototype.get = get
      IDBObjectStore.prototype.put = put
    }
    expect(counts).toEqual({ get: 2, put: 2 })
    await expectTallyAsRecounted(db)
    expect((await db.tally.toArray()).map((t) => t.payments.count)).toEqual([50, 50])
    db.close()
  })
})

// ---- the X-report and the day close ---------------------------------------------------------------------------

function shifts(db: PaydeskDb, now: () => number) {
  let seq = 0
  return createShifts({
    db,
    clock: { now, sleep: async () => undefined },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, flush: async () => undefined } as never,
    paymentTypes: async () => TYPES.map((t) => ({ ...t, provider: 'clickpass', values: {} })) as never,
    loadConfig: async () => ({ ok: false, message: msg('common.noPaymentType') }),
    probeContext: () => ({}) as never,
    newId: () => `01Z${++seq}` as OperationId,
  })
}

describe('the X-report and the day close', () => {
  it('read the tally: the same report as from every row, with each operation or without, shift after shift', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(leaf, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), async (days) => {
        const db = open()
        const j = new Journal(db, '01S')
        let now = 0
        const s = shifts(db, () => now)
        for (const [i, day] of days.entries()) {
          for (const x of day) await j.run(x)
          now = j.offset + 11 * HOUR + 1234 * i
          const from = (await s.shiftStatus()).lastClosedAt ?? -Infinity
          const x = await s.xReport()
          const withOps = await s.xReport({ withOps: true })
          expect(x.report.totals).toEqual(await recounted(db, from, now))
          expect(withOps.report.totals).toEqual(x.report.totals)
          const z = await s.closeDay({ force: true })
          if (z.ok) expect(z.report.totals).toEqual(x.report.totals)
          // The next day's rows come after this close.
          j.offset = now
        }
        await expectTallyAsRecounted(db)
        db.close()
      }),
      { numRuns: 25 },
    )
  })
})

// ---- an upgrade --------------------------------------------------------------------------------------------

function journalRows(n: number, start: number): Operation[] {
  const rows: Operation[] = []
  for (let i = 0; i < n; i++) {
    const pt = TYPES[i % TYPES.length]!
    const createdAt = start + i * 997_001
    const base: Operation = {
      id: `01V${String(i).padStart(6, '0')}` as OperationId,
      kind: 'pay',
      provider: 'clickpass',
      paymentTypeId: pt.id,
      currency: pt.currency,
      state: i % 7 === 3 ? 'declined' : i % 11 === 5 ? 'needs-attention' : 'approved',
      amount: (1_000 + i * 13) as Minor,
      createdAt,
      updatedAt: createdAt,
      history: [],
    }
    const t = rows[Math.floor(i / 2)]
    if (i % 5 === 4 && t)
      rows.push({
        ...base,
        kind: t.kind === 'refund' ? 'cancel' : i % 2 ? 'refund' : 'cancel',
        paymentTypeId: t.paymentTypeId,
        currency: t.currency,
        original: t.id,
      })
    else if (i % 13 === 12 && t) rows.push({ ...base, kind: 'cancel', compensates: t.id, paymentTypeId: t.paymentTypeId, currency: t.currency })
    else rows.push(base)
  }
  return rows
}

describe('the version-6 upgrade', () => {
  for (const from of [4, 5] as const)
    for (const closed of [false, true])
      it(`tallies a version-${from} journal ${closed ? 'from the hour after its last closed shift' : 'whole (no shift closed yet)'}; writes after it keep the tally`, async () => {
        const idb = new IDBFactory()
        const old = new Dexie('paydesk-v6', { indexedDB: idb, IDBKeyRange })
        old.version(from).stores(V4)
        await old.open()
        const rows = journalRows(400, 1_000_000)
        const byId = new Map(rows.map((o) => [o.id, o]))
        // As that version wrote them: search keys, revision 1, in the outbox (and from version 5 the target).
        await old.table('operations').bulkAdd(
          rows.map((o) => {
            const t = byId.get((o.original ?? o.compensates)!)
            return { ...o, keys: searchKeys(o), rev: 1, outboxAt: o.updatedAt, ...(from === 5 && t ? { targetRow: targetRowOf(t) } : {}) }
          }),
        )
        const closedAt = rows[250]!.createdAt + 5
        if (closed) await old.table('shifts').add({ number: 1, openedAt: 0, closedAt, rev: 1, outboxAt: closedAt })
        old.close()

        const db = open(idb, 'paydesk-v6')
        await db.open()
        expect(db.verno).toBe(6)
        const since = (await db.settings.get(TALLY_SINCE))?.value
        expect(since).toBe(closed ? hourOf(closedAt) + 1 : undefined)
        if (closed) expect(Math.min(...(await db.tally.toArray()).map((t) => t.hour))).toBeGreaterThanOrEqual(hourOf(closedAt) + 1)
        await expectTallyAsRecounted(db)
        const now = rows.at(-1)!.createdAt + 1
        const s = shifts(db, () => now)
        const x = await s.xReport()
        expect(x.report.totals).toEqual(await recounted(db, closed ? closedAt : -Infinity, now))
        expect(x.report.totals.operations).toBe(closed ? 400 - 251 : 400)
        // A window that begins before the tally does (a shift closed and then removed): its early hours are read.
        expect(await kept(db, -Infinity, now)).toEqual(await recounted(db, -Infinity, now))
        // And from now on every write keeps it.
        const j = new Journal(db, '01W')
        j.ids = rows.map((o) => o.id)
        for (const st of [
          { t: 'state', pick: 7, state: 'approved', via: 'putOver' },
          { t: 'state', pick: 3, state: 'declined', via: 'update' },
          { t: 'add', row: { kind: 'cancel', target: 399, state: 'approved', type: 0, amount: 5, createdAt: now - 10 } },
        ] satisfies Step[]) {
          await j.run(st)
          await expectTallyAsRecounted(db)
        }
        db.close()
      })
})

// ---- a crash, and two tabs ----------------------------------------------------------------------------------

describe('a write that does not commit', () => {
  it('leaves the tally as it was, whether the transaction throws, is aborted mid-way, or its add is refused', async () => {
    const db = open()
    const j = new Journal(db, '01K')
    for (let i = 0; i < 6; i++) await j.run({ t: 'add', row: { kind: 'pay', target: 0, state: 'sent', type: i, amount: 100 + i, createdAt: i * HOUR + 5 } })
    await j.run({ t: 'state', pick: 0, state: 'approved', via: 'putOver' })
    const before = await db.tally.toArray()
    expect(before).toHaveLength(1)
    for (const fail of ['throw', 'abort'] as const) {
      await j.run({
        t: 'tx',
        fail,
        steps: [
          { t: 'state', pick: 1, state: 'approved', via: 'putOver' },
          { t: 'add', row: { kind: 'refund', target: 0, state: 'approved', type: 0, amount: 50, createdAt: 20 } },
          { t: 'bulk', put: true, rows: [{ kind: 'pay', target: 0, state: 'approved', type: 1, amount: 7, createdAt: 30 }] },
        ],
      })
      expect(await db.tally.toArray()).toEqual(before)
      await expectTallyAsRecounted(db)
    }
    // The same id again: the add is refused, the transaction goes on and commits — and counts nothing for it.
    const again = { ...(await db.operations.get(j.ids[0]!))!, amount: 999 as Minor }
    await db.transaction('rw', db.operations, async () => {
      await db.operations.add(again).catch(() => undefined)
      await db.operations.update(j.ids[2]!, { state: 'approved' })
    })
    await expectTallyAsRecounted(db)
    expect((await db.tally.toArray()).map((t) => t.payments.sum)).toEqual([100, 102])
    db.close()
  })

  it('a tab that dies with the tally’s read in flight leaves, for the next tab, a tally equal to a recount', async () => {
    const idb = new IDBFactory()
    const db = open(idb, 'paydesk-died')
    const j = new Journal(db, '01D')
    for (let i = 0; i < 5; i++) await j.run({ t: 'add', row: { kind: 'pay', target: 0, state: 'approved', type: i, amount: 10 + i, createdAt: i * 60_000 } })
    const before = await db.tally.toArray()
    // The moment the tally's row is asked for, the transaction dies (what a closed tab does to it).
    const get = IDBObjectStore.prototype.get
    let dying = true
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      const req = get.call(this, key)
      if (this.name === 'tally' && dying) {
        dying = false
        this.transaction.abort()
      }
      return req
    }
    try {
      const died = db.transaction('rw', db.operations, async () => {
        await db.operations.add(j.row({ kind: 'pay', target: 0, state: 'approved', type: 0, amount: 1, createdAt: 1 }))
        await db.operations.update(j.ids[0]!, { state: 'declined' })
      })
      await expect(died).rejects.toThrow()
    } finally {
      IDBObjectStore.prototype.get = get
    }
    expect(dying).toBe(false)
    db.close()
    const next = open(idb, 'paydesk-died')
    await next.open()
    expect(await next.tally.toArray()).toEqual(before)
    expect(await next.operations.count()).toBe(5)
    await expectTallyAsRecounted(next)
    next.close()
  })
})

describe('two tabs', () => {
  it('writing at once, each in its own transactions, leave the tally equal to a recount', async () => {
    const idb = new IDBFactory()
    const a = open(idb, 'paydesk-tabs')
    const b = open(idb, 'paydesk-tabs')
    const ja = new Journal(a, '01A')
    const jb = new Journal(b, '01B')
    const tab = async (j: Journal, seed: number) => {
      for (let i = 0; i < 30; i++) {
        const at = ((i * 7 + seed) % 5) * HOUR + i
        await j.run({
          t: 'add',
          row: { kind: i % 4 === 3 ? 'refund' : 'pay', target: i - 1, state: 'sent', type: (i + seed) % 3, amount: 100 + i, createdAt: at },
        })
        await j.run({ t: 'state', pick: i, state: i % 5 === 0 ? 'declined' : 'approved', via: 'putOver' })
      }
    }
    await Promise.all([tab(ja, 0), tab(jb, 1)])
    // The other tab's rows, changed from this one: the same hours, tallied in one store.
    jb.ids.push(...ja.ids)
    for (let i = 0; i < 10; i++)
      await Promise.all([
        jb.run({ t: 'state', pick: 30 + i, state: 'needs-attention', via: 'update' }),
        ja.run({ t: 'state', pick: i, state: 'approved', via: 'put' }),
      ])
    await expectTallyAsRecounted(a)
    expect((await a.tally.toArray()).reduce((n, t: TallyRow) => n + t.payments.count, 0)).toBeGreaterThan(0)
    a.close()
    b.close()
  })
})
