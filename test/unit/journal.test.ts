// The journal's words for each kind, its search keys, and the shift's totals (X and Z
// reports) as pure functions over operations.
import { describe, expect, it } from 'vitest'
import { matches, operationsCsv, remainingOf, rowKind, searchKeys, totals, totalsCsv } from '../../src/domain/journal.ts'
import type { Operation, OpKind, OpState } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'

let seq = 0
function op(p: Omit<Partial<Operation>, 'amount'> & { kind: OpKind; amount: number; state?: OpState }): Operation {
  const id = (p.id ?? `op${++seq}`) as OperationId
  return {
    provider: 'clickpass',
    paymentTypeId: 'click',
    currency: 'UZS',
    state: 'approved',
    createdAt: 1000 + seq,
    updatedAt: 1000 + seq,
    history: [],
    ...p,
    id,
    amount: p.amount as Minor,
  }
}
const TYPES = [
  { id: 'click', name: 'Click', number: 1 },
  { id: 'opl', name: 'O!плати', number: 3 },
]

describe('rowKind', () => {
  it('names each kind in the cashier’s words', () => {
    expect(rowKind(op({ kind: 'pay', amount: 1 }))).toBe('pay')
    expect(rowKind(op({ kind: 'cancel', amount: 1, original: 'a' as OperationId }))).toBe('cancel')
    expect(rowKind(op({ kind: 'cancel', amount: 1, compensates: 'a' as OperationId }))).toBe('autoCancel')
    expect(rowKind(op({ kind: 'cancel', amount: 1, details: { void: true } }))).toBe('void')
    expect(rowKind(op({ kind: 'cancel', amount: 1, details: { reverses: 'refund' } }))).toBe('cancelRefund')
    expect(rowKind(op({ kind: 'cancel', amount: 1, original: 'r' as OperationId }), 'refund')).toBe('cancelRefund')
    expect(rowKind(op({ kind: 'refund', amount: 1 }))).toBe('refund')
    expect(rowKind(op({ kind: 'reconcile', amount: 1 }))).toBe('reconcile')
  })
})

describe('searchKeys and matches', () => {
  it('keys the reference, the order, the card’s and the phone’s last 4 digits — in lower case', () => {
    const o = op({
      kind: 'pay',
      amount: 100,
      ref: 'ABC-77',
      order: 'Z-15',
      details: { cardNumber: '860006******1234', phone: '998*****4567' },
      code: { hash: 'h', masked: '8801****3392', spent: true, scannedAt: 1 },
    })
    const k = searchKeys(o)
    expect(k).toEqual(expect.arrayContaining(['abc-77', 'z-15', '1234', '4567', '3392', '860006******1234']))
    expect(matches(o, { q: '1234' })).toBe(true)
    expect(matches(o, { q: 'abc' })).toBe(true)
    expect(matches(o, { q: '9999' })).toBe(false)
    expect(matches(o, { amountMin: 100, amountMax: 100, kind: 'pay', state: 'approved', paymentTypeId: 'click' })).toBe(true)
    expect(matches(o, { kind: 'refund' })).toBe(false)
    expect(matches(o, { from: o.createdAt + 1 })).toBe(false)
  })
})

describe('totals', () => {
  it('counts payments, cancels, refunds and cancelled refunds per payment type and in total per currency', () => {
    const p1 = op({ kind: 'pay', amount: 10_000 })
    const p2 = op({ kind: 'pay', amount: 5_000 })
    const c2 = op({ kind: 'cancel', amount: 5_000, original: p2.id })
    const p3 = op({ kind: 'pay', amount: 7_000, paymentTypeId: 'opl', currency: 'BYN' })
    const r3 = op({ kind: 'refund', amount: 2_000, paymentTypeId: 'opl', currency: 'BYN', original: p3.id })
    const cr3 = op({ kind: 'cancel', amount: 2_000, paymentTypeId: 'opl', currency: 'BYN', original: r3.id })
    const declined = op({ kind: 'pay', amount: 999, state: 'declined' })
    const lost = op({ kind: 'pay', amount: 3_000, state: 'compensated' })
    const auto = op({ kind: 'cancel', amount: 3_000, compensates: lost.id })
    const attention = op({ kind: 'pay', amount: 4_000, state: 'needs-attention' })
    const queued = op({ kind: 'cancel', amount: 10_000, original: p1.id, state: 'sent', queued: true })
    const reconcile = op({ kind: 'reconcile', amount: 5_000, paymentTypeId: 'opl', currency: 'BYN' })
    const ops = [p1, p2, c2, p3, r3, cr3, declined, lost, auto, attention, queued, reconcile]
    const originals = new Map<string, OpKind>(ops.map((o) => [o.id, o.kind]))
    const t = totals(ops, TYPES, { originals, queuedIds: new Set([queued.id]) })
    expect(t.types.map((x) => x.name)).toEqual(['Click', 'O!плати'])
    const click = t.types[0]!
    expect(click.payments).toEqual({ count: 2, sum: 15_000 })
    expect(click.cancels).toEqual({ count: 1, sum: 5_000 })
    expect(click.refunds).toEqual({ count: 0, sum: 0 })
    expect(click.net).toBe(10_000)
    const opl = t.types[1]!
    expect(opl.payments).toEqual({ count: 1, sum: 7_000 })
    expect(opl.refunds).toEqual({ count: 1, sum: 2_000 })
    expect(opl.cancelRefunds).toEqual({ count: 1, sum: 2_000 })
    expect(opl.net).toBe(7_000)
    expect(t.total).toEqual([
      {
        currency: 'UZS',
        payments: { count: 2, sum: 15_000 },
        cancels: { count: 1, sum: 5_000 },
        refunds: { count: 0, sum: 0 },
        cancelRefunds: { count: 0, sum: 0 },
        net: 10_000,
      },
      {
        currency: 'BYN',
        payments: { count: 1, sum: 7_000 },
        cancels: { count: 0, sum: 0 },
        refunds: { count: 1, sum: 2_000 },
        cancelRefunds: { count: 1, sum: 2_000 },
        net: 7_000,
      },
    ])
    expect(t.attention.map((i) => i.id)).toEqual([attention.id])
    expect(t.queued.map((i) => [i.id, i.kind, i.name])).toEqual([[queued.id, 'cancel', 'Click']])
    expect(t.operations).toBe(ops.length)
  })

  it('an empty shift has no types, no totals and nothing listed', () => {
    expect(totals([], TYPES)).toEqual({ types: [], total: [], operations: 0, attention: [], queued: [] })
  })

  it('what is left to refund: standing refunds count, declined and undone ones do not', () => {
    const refunds = [
      { state: 'approved' as const, amount: 300 as Minor },
      { state: 'declined' as const, amount: 500 as Minor },
      { state: 'approved' as const, amount: 200 as Minor, reversedBy: 'u' as OperationId },
      { state: 'sent' as const, amount: 100 as Minor },
    ]
    expect(remainingOf({ amount: 1_000 as Minor }, refunds, (id) => id === 'u')).toBe(600)
  })
})

describe('CSV', () => {
  it('writes a row per payment type and the totals; a formula-like cell is quoted as text', () => {
    const t = totals(
      [op({ kind: 'pay', amount: 150_050 }), op({ kind: 'pay', amount: 100, state: 'needs-attention' })],
      [{ id: 'click', name: '=HYPERLINK("x")', number: 1 }],
    )
    const csv = totalsCsv(t, { title: 'X', period: 'p' }, (k) => k)
    const lines = csv.trim().split('\r\n')
    expect(lines[2]).toBe(`"'=HYPERLINK(""x"")",1,1,1500.50,0,0.00,0,0.00,0,0.00,1500.50,UZS`)
    expect(lines[3]).toBe('shift.total,,1,1500.50,0,0.00,0,0.00,0,0.00,1500.50,UZS')
    expect(lines[4]).toContain('shift.attention')
    const ops = operationsCsv(
      [{ o: op({ kind: 'refund', amount: 250, ref: '42' }), kind: 'refund', typeName: 'Click' }],
      (k) => k,
      () => 'T',
    )
    expect(ops.trim().split('\r\n')[1]).toMatch(/^T,rowKind\.refund,Click,2\.50,UZS,state\.approved,42,op\d+$/)
  })
})
