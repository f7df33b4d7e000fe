// The store's X and Z by till × payment type, with completeness per till and the till's own totals beside
// the server's, as a pure function; the store's X is the sum of the tills' X.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { storeReport, storeReportCsv, LIVE_MS, type StoreOp, type StoreShift, type StoreTill } from '../../src/domain/store-report.ts'
import { totals } from '../../src/domain/journal.ts'
import type { OpKind, OpState } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'

let seq = 0
function op(p: { tillId: string; kind?: OpKind; amount: number; state?: OpState; at: number; type?: string; original?: string; id?: string }): StoreOp {
  const id = (p.id ?? `op${++seq}`) as OperationId
  return {
    id,
    tillId: p.tillId,
    kind: p.kind ?? 'pay',
    provider: 'clickpass',
    paymentTypeId: p.type ?? 'click',
    amount: p.amount as Minor,
    currency: 'UZS',
    state: p.state ?? 'approved',
    createdAt: p.at,
    updatedAt: p.at,
    history: [],
    ...(p.original ? { original: p.original as OperationId } : {}),
  }
}
const TYPES = [
  { id: 'click', name: 'Click', number: 1 },
  { id: 'payme', name: 'Payme', number: 2 },
]
const DAY = 86_400_000
const FROM = 10 * DAY
const TO = 11 * DAY - 1
const NOW = 11 * DAY + 3_600_000

const till = (id: string, p: Partial<StoreTill> = {}): StoreTill => ({
  id,
  name: `Касса ${id}`,
  kind: 'till',
  lastPushAt: NOW - 1000,
  status: { outbox: 0, queue: 0, open: 0, attention: 0 },
  ...p,
})

describe('storeReport', () => {
  it('counts by till × payment type, and the store line is the sum of the tills', () => {
    const ops = [
      op({ tillId: '1', amount: 1000, at: FROM + 1 }),
      op({ tillId: '1', amount: 500, at: FROM + 2, type: 'payme' }),
      op({ tillId: '2', amount: 700, at: FROM + 3 }),
      op({ tillId: '2', amount: 900, at: FROM + 4, state: 'declined' }),
      op({ tillId: '2', amount: 50, at: FROM - 5 }), // the day before: not in the range
    ]
    const r = storeReport({ kind: 'x', from: FROM, to: TO, now: NOW, ops, tills: [till('1'), till('2')], shifts: [], types: TYPES })
    expect(r.tills.map((l) => [l.tillId, l.totals.total[0]?.net])).toEqual([
      ['1', 1500],
      ['2', 700],
    ])
    expect(r.store.total[0]!.net).toBe(2200)
    expect(r.store.types.map((t) => [t.paymentTypeId, t.payments.count])).toEqual([
      ['click', 2],
      ['payme', 1],
    ])
    expect(r.complete).toBe(true)
  })

  it('a cancel of a refund counts as one even when the refund is outside the range', () => {
    const refund = op({ tillId: '1', kind: 'refund', amount: 300, at: FROM - 100, id: 'r1' })
    const cancel = op({ tillId: '1', kind: 'cancel', amount: 300, at: FROM + 1, original: 'r1' })
    const r = storeReport({ kind: 'x', from: FROM, to: TO, now: NOW, ops: [refund, cancel], tills: [till('1')], shifts: [], types: TYPES })
    expect(r.store.types[0]!.cancelRefunds).toEqual({ count: 1, sum: 300 })
  })

  it('a till that has not pushed since the range ended, or has rows waiting, is incomplete with its last sync', () => {
    const ops = [op({ tillId: '3', amount: 100, at: FROM + 1 })]
    const r = storeReport({
      kind: 'x',
      from: FROM,
      to: TO,
      now: NOW,
      ops,
      tills: [
        till('3', { lastPushAt: FROM + 50_000, status: { outbox: 4, queue: 0, open: 0, attention: 0 } }),
        till('4', { status: { outbox: 2, queue: 0, open: 0, attention: 0 } }),
      ],
      shifts: [],
      types: TYPES,
    })
    expect(r.tills.find((l) => l.tillId === '3')).toMatchObject({ complete: false, lastSyncAt: FROM + 50_000, waiting: 4 })
    expect(r.tills.find((l) => l.tillId === '4')).toMatchObject({ complete: false, waiting: 2 })
    expect(r.complete).toBe(false)
  })

  it('a range that reaches now: a till synced within the live window with nothing waiting is complete', () => {
    const r = storeReport({
      kind: 'x',
      from: FROM,
      to: NOW,
      now: NOW,
      ops: [],
      tills: [till('1', { lastPushAt: NOW - LIVE_MS + 1 })],
      shifts: [],
      types: TYPES,
    })
    expect(r.tills[0]!.complete).toBe(true)
    const stale = storeReport({
      kind: 'x',
      from: FROM,
      to: NOW,
      now: NOW,
      ops: [],
      tills: [till('1', { lastPushAt: NOW - LIVE_MS - 1 })],
      shifts: [],
      types: TYPES,
    })
    expect(stale.tills[0]!.complete).toBe(false)
  })

  it('Z: a till offline at the close is incomplete, then complete once its shift syncs; own totals beside the server', () => {
    const ops = [op({ tillId: '1', amount: 1000, at: FROM + 10 }), op({ tillId: '1', amount: 400, at: FROM + 20 })]
    const offline = storeReport({
      kind: 'z',
      from: FROM,
      to: TO,
      now: NOW,
      ops,
      tills: [till('1', { lastPushAt: FROM + 30, status: { outbox: 1, queue: 0, open: 0, attention: 0 } })],
      shifts: [],
      types: TYPES,
    })
    expect(offline.tills[0]).toMatchObject({ complete: false, shiftOpen: true, waiting: 1, lastSyncAt: FROM + 30 })
    const shift: StoreShift = {
      tillId: '1',
      number: 7,
      openedAt: FROM + 10,
      closedAt: FROM + 1000,
      totals: { types: [{ paymentTypeId: 'click', currency: 'UZS', payments: { count: 2, sum: 1400 }, net: 1400 }] },
    }
    const synced = storeReport({ kind: 'z', from: FROM, to: TO, now: NOW, ops, tills: [till('1')], shifts: [shift], types: TYPES })
    expect(synced.tills[0]).toMatchObject({ complete: true, mismatches: [] })
    expect(synced.tills[0]!.own).toEqual(shift.totals!.types)
    expect(synced.complete).toBe(true)
  })

  it('Z: a till whose own count differs from the server shows the payment type as a mismatch', () => {
    const ops = [op({ tillId: '1', amount: 1000, at: FROM + 10 })]
    const shift: StoreShift = {
      tillId: '1',
      number: 1,
      openedAt: FROM,
      closedAt: FROM + 100,
      totals: {
        types: [
          { paymentTypeId: 'click', currency: 'UZS', payments: { count: 2, sum: 2000 }, net: 2000 },
          { paymentTypeId: 'payme', currency: 'UZS', payments: { count: 1, sum: 10 }, net: 10 },
        ],
      },
    }
    const r = storeReport({ kind: 'z', from: FROM, to: TO, now: NOW, ops, tills: [till('1')], shifts: [shift], types: TYPES })
    expect(r.tills[0]!.mismatches.sort()).toEqual(['click', 'payme'])
    const csv = storeReportCsv(r, { title: 'Z', period: 'day' }, (k) => k)
    expect(csv).toContain('console.report.mismatch')
    expect(csv.split('\r\n')[0]).toBe('Z,day')
  })

  it('a till gone from the list still shows with its rows; a revoked till with nothing is left out', () => {
    const r = storeReport({
      kind: 'x',
      from: FROM,
      to: TO,
      now: NOW,
      ops: [op({ tillId: 'ghost', amount: 5, at: FROM })],
      tills: [till('r', { revokedAt: FROM })],
      shifts: [],
      types: TYPES,
    })
    expect(r.tills.map((l) => l.tillId)).toEqual(['ghost'])
  })

  it('CSV: one row per till × type, the store totals, formula-safe', () => {
    const ops = [op({ tillId: '1', amount: 12345, at: FROM + 1 })]
    const r = storeReport({ kind: 'x', from: FROM, to: TO, now: NOW, ops, tills: [till('1', { name: '=HYPERLINK()' })], shifts: [], types: TYPES })
    const lines = storeReportCsv(r, { title: 'X', period: 'p' }, (k) => k)
      .trim()
      .split('\r\n')
    expect(lines).toHaveLength(4)
    expect(lines[2]).toMatch(/^'=HYPERLINK\(\),Click,1,123\.45/)
    expect(lines[3]).toMatch(/^console\.report\.store,,1,123\.45/)
  })

  it('property: the store totals equal the sum of the till lines, per currency', () => {
    const arbOp = fc.record({
      tillId: fc.constantFrom('1', '2', '3'),
      kind: fc.constantFrom<OpKind>('pay', 'refund', 'cancel'),
      amount: fc.integer({ min: 1, max: 1_000_000 }),
      state: fc.constantFrom<OpState>('approved', 'declined', 'needs-attention'),
      at: fc.integer({ min: FROM - DAY, max: TO + DAY }),
      type: fc.constantFrom('click', 'payme'),
    })
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 60 }), (specs) => {
        const ops = specs.map((s) => op(s))
        const r = storeReport({ kind: 'x', from: FROM, to: TO, now: NOW, ops, tills: [till('1'), till('2')], shifts: [], types: TYPES })
        const sum = r.tills.reduce((a, l) => a + (l.totals.total[0]?.net ?? 0), 0)
        expect(r.store.total[0]?.net ?? 0).toBe(sum)
        // Each till's line is exactly what that till's own X over the same rows says.
        for (const l of r.tills) {
          const own = totals(
            ops.filter((o) => o.tillId === l.tillId && o.createdAt >= FROM && o.createdAt <= TO),
            TYPES,
          )
          expect(l.totals.total).toEqual(own.total)
        }
      }),
    )
  })
})
