// What the journal offers on a row (cancel, refund, cancel of a refund, void), what is left to refund,
// and the month boundary in the currency's zone — pure rules, tested directly.
import { describe, expect, it } from 'vitest'
import { canCancel, canCancelRefund, canRefund, canReverse, canVoid, earlierMonth, monthIn, type ReversibleRow } from '../../src/domain/reversal.ts'
import { refundedSoFar, remainingOf } from '../../src/domain/journal.ts'
import type { Minor } from '../../src/domain/money.ts'
import type { OperationId } from '../../src/domain/ids.ts'

const pay = (p: Partial<ReversibleRow['op']> = {}, rest: Partial<ReversibleRow> = {}): ReversibleRow => ({
  op: { kind: 'pay', state: 'approved', amount: 1_000 as Minor, ...p },
  remaining: 1_000,
  ...rest,
})
const ALL = { cancel: true, refund: 'partial' as const, cancelRefund: true, void: true }

describe('what a row offers', () => {
  it('an approved payment with all its money can be cancelled, refunded and voided (with an order)', () => {
    const r = pay({ order: 'U-1' })
    expect(canReverse(r)).toBe(true)
    expect(canCancel(r, ALL)).toBe(true)
    expect(canRefund(r, ALL)).toBe(true)
    expect(canVoid(r, ALL)).toBe(true)
  })

  it('a payment not approved, or not a payment, offers nothing', () => {
    for (const state of ['declined', 'sent', 'unknown', 'needs-attention', 'compensated'] as const) expect(canReverse(pay({ state }))).toBe(false)
    expect(canReverse(pay({ kind: 'refund' }))).toBe(false)
    expect(canReverse(pay({ kind: 'cancel' }))).toBe(false)
  })

  it('a partly refunded payment offers a refund of the rest, never a cancel or a void', () => {
    const r = pay({ order: 'U-1' }, { remaining: 400, reversal: { kind: 'refund', state: 'approved' } })
    expect(canRefund(r, ALL)).toBe(true)
    expect(canCancel(r, ALL)).toBe(false)
    expect(canVoid(r, ALL)).toBe(false)
  })

  it('a payment cancelled, or refunded in full, offers nothing more', () => {
    expect(canReverse(pay({}, { reversal: { kind: 'cancel', state: 'approved' } }))).toBe(false)
    expect(canReverse(pay({}, { reversal: { kind: 'cancel', state: 'sent' } }))).toBe(false)
    expect(canReverse(pay({}, { remaining: 0, reversal: { kind: 'refund', state: 'approved' } }))).toBe(false)
  })

  it('the type decides: no cancel, no refund, no void without the capability', () => {
    const r = pay({ order: 'U-1' })
    expect(canCancel(r, { ...ALL, cancel: false })).toBe(false)
    expect(canRefund(r, { ...ALL, refund: 'none' })).toBe(false)
    expect(canVoid(r, { ...ALL, void: false })).toBe(false)
    expect(canVoid(pay(), ALL)).toBe(false)
    // An unknown type (deleted long ago) offers no cancel.
    expect(canCancel(r, undefined)).toBe(false)
  })

  it('a refund that stands can be cancelled once, on a type that can', () => {
    const refund: ReversibleRow = { op: { kind: 'refund', state: 'approved', amount: 500 as Minor } }
    expect(canCancelRefund(refund, ALL)).toBe(true)
    expect(canCancelRefund(refund, { ...ALL, cancelRefund: false })).toBe(false)
    expect(canCancelRefund({ ...refund, reversal: { kind: 'cancelRefund', state: 'approved' } }, ALL)).toBe(false)
    expect(canCancelRefund({ op: { ...refund.op, state: 'declined' } }, ALL)).toBe(false)
  })
})

describe('what is left to refund (one rule for the journal and the engine)', () => {
  const refunds = [
    { state: 'approved' as const, amount: 300 as Minor },
    { state: 'declined' as const, amount: 500 as Minor },
    { state: 'approved' as const, amount: 200 as Minor, reversedBy: 'u' as OperationId },
    { state: 'approved' as const, amount: 50 as Minor, reversedBy: 'pending' as OperationId },
    { state: 'sent' as const, amount: 100 as Minor },
  ]
  const undone = (id: string) => id === 'u'
  it('a refund counts until it is declined or its cancel is approved; one in flight counts', () => {
    expect(refundedSoFar(refunds, undone)).toBe(450)
    expect(remainingOf({ amount: 1_000 as Minor }, refunds, undone)).toBe(550)
    expect(refundedSoFar([], undone)).toBe(0)
  })
})

describe('the month boundary in the currency’s zone (docs/rules.md R11)', () => {
  // 2026-11-30 20:30 UTC: already 1 December in Tashkent (UTC+5), still 30 November in Minsk and Moscow (UTC+3).
  const at = Date.UTC(2026, 10, 30, 20, 30)
  const december = Date.UTC(2026, 11, 5, 12, 0)
  it('names the month where the money was taken', () => {
    expect(monthIn('UZS', at)).toBe('2026-12')
    expect(monthIn('BYN', at)).toBe('2026-11')
    expect(monthIn('RUB', at)).toBe('2026-11')
  })
  it('a sum paid late on 30 November UTC is this month in Tashkent and last month in Minsk', () => {
    expect(earlierMonth({ createdAt: at, currency: 'UZS' }, december)).toBe(false)
    expect(earlierMonth({ createdAt: at, currency: 'BYN' }, december)).toBe(true)
    expect(earlierMonth({ createdAt: at, currency: 'RUB' }, december)).toBe(true)
  })
  it('the year turns too, and the same month is never earlier', () => {
    expect(earlierMonth({ createdAt: Date.UTC(2026, 11, 31, 12), currency: 'UZS' }, Date.UTC(2027, 0, 1, 12))).toBe(true)
    expect(earlierMonth({ createdAt: december, currency: 'UZS' }, december + 3_600_000)).toBe(false)
  })
  it('a currency with no zone of its own keeps Tashkent', () => {
    expect(monthIn('XXX', at)).toBe('2026-12')
  })
})
