// The tally's pure rule (src/domain/tally.ts): what one journal row adds to its hour, and that the totals from a
// tally of any split of the rows into hours are the totals of the rows themselves.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { contribution, countedOf, HOUR, hourOf, tallyOf, unresolvedCancel, type Tallied } from '../../src/domain/tally.ts'
import { totals, totalsOf } from '../../src/domain/journal.ts'
import type { Operation } from '../../src/domain/operation.ts'
import { rowBuilder } from '../support/journal-rows.ts'

const op = rowBuilder('01U')
const at = 5 * HOUR + 17

describe('a row’s contribution', () => {
  it('counts approved money on its line, in its hour, type and currency', () => {
    expect(contribution(op({ kind: 'pay', amount: 700, createdAt: at }))).toEqual({
      hour: 5,
      paymentTypeId: 'click-1',
      currency: 'UZS',
      line: 'payments',
      amount: 700,
    })
    expect(contribution(op({ kind: 'refund', amount: 70, createdAt: at, original: 'X' as Operation['original'] }))?.line).toBe('refunds')
    expect(contribution(op({ kind: 'cancel', amount: 7, createdAt: at, details: { reverses: 'refund' } }))?.line).toBe('cancelRefunds')
    expect(contribution(op({ kind: 'cancel', amount: 7, createdAt: at, details: { void: true } }))?.line).toBe('cancels')
    expect(contribution(op({ kind: 'cancel', amount: 7, createdAt: at }))?.line).toBe('cancels')
    const stamped = (kind: 'pay' | 'refund') => ({
      ...op({ kind: 'cancel', amount: 7, createdAt: at, original: 'X' as Operation['original'] }),
      targetRow: { kind },
    })
    expect(contribution(stamped('pay'))?.line).toBe('cancels')
    expect(contribution(stamped('refund'))?.line).toBe('cancelRefunds')
  })

  it('counts nothing for a row not approved, a reconcile, a loyalty operation or an automatic cancel', () => {
    for (const state of ['created', 'sent', 'unknown', 'resolving', 'compensating', 'compensated', 'declined', 'needs-attention'] as const)
      expect(contribution(op({ kind: 'pay', amount: 1, createdAt: at, state }))).toBeUndefined()
    expect(contribution(op({ kind: 'reconcile', amount: 1, createdAt: at }))).toBeUndefined()
    expect(contribution(op({ kind: 'loyalty', amount: 1, createdAt: at }))).toBeUndefined()
    expect(contribution(op({ kind: 'cancel', amount: 1, createdAt: at, compensates: 'X' as Operation['compensates'] }))).toBeUndefined()
  })

  it('leaves a cancel of a target it does not carry unresolved (its hour is recounted), and only such a cancel', () => {
    const c = op({ kind: 'cancel', amount: 9, createdAt: at, original: 'X' as Operation['original'] })
    expect(unresolvedCancel(c)).toBe(true)
    expect(contribution(c)?.line).toBe('unresolved')
    expect(unresolvedCancel({ ...c, targetRow: { kind: 'pay' } })).toBe(false)
    expect(unresolvedCancel({ ...c, details: { reverses: 'refund' } })).toBe(false)
    expect(unresolvedCancel({ ...c, details: { void: true } })).toBe(false)
  })

  it('puts an instant in the hour that holds it (before 1970 too)', () => {
    expect(hourOf(0)).toBe(0)
    expect(hourOf(HOUR - 1)).toBe(0)
    expect(hourOf(HOUR)).toBe(1)
    expect(hourOf(-1)).toBe(-1)
  })
})

const rowArb = fc.record({
  kind: fc.constantFrom('pay', 'pay', 'refund', 'cancel', 'reconcile', 'loyalty') as fc.Arbitrary<Operation['kind']>,
  state: fc.constantFrom('approved', 'approved', 'declined', 'needs-attention', 'sent') as fc.Arbitrary<Operation['state']>,
  amount: fc.integer({ min: 1, max: 1_000_000 }),
  createdAt: fc.integer({ min: 0, max: 30 * HOUR }),
  type: fc.constantFrom(['click-1', 'UZS'], ['payme-1', 'UZS'], ['oplati-1', 'BYN'], ['click-1', 'BYN']),
  reverses: fc.constantFrom(undefined, 'refund', 'void', 'target-pay', 'target-refund', 'auto'),
})

describe('totals from a tally', () => {
  it('equal the totals of the rows, however the rows fall into hours', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), (xs) => {
        const rows: Tallied[] = xs.map((x) => ({
          ...op({ kind: x.kind, state: x.state, amount: x.amount, createdAt: x.createdAt, paymentTypeId: x.type[0], currency: x.type[1] }),
          ...(x.kind === 'cancel' && x.reverses === 'refund' ? { details: { reverses: 'refund' } } : {}),
          ...(x.kind === 'cancel' && x.reverses === 'void' ? { details: { void: true } } : {}),
          ...(x.kind === 'cancel' && x.reverses === 'auto' ? { compensates: 'X' as Operation['compensates'] } : {}),
          ...(x.kind === 'cancel' && x.reverses?.startsWith('target-')
            ? x.reverses === 'target-refund'
              ? { original: 'XR' as Operation['original'], targetRow: { kind: 'refund' as const } }
              : { original: 'XP' as Operation['original'], targetRow: { kind: 'pay' as const } }
            : {}),
        }))
        const types = [
          { id: 'payme-1', name: 'Payme', number: 2 },
          { id: 'click-1', name: 'Click', number: 1 },
        ]
        const want = totals(rows as Operation[], types, {
          originals: new Map([
            ['XR', 'refund'],
            ['XP', 'pay'],
          ]),
        })
        const got = totalsOf(tallyOf(rows).map(countedOf), types, { operations: rows.length, attention: want.attention, queued: [] })
        expect(got).toEqual(want)
      }),
      { numRuns: 200 },
    )
  })
})
