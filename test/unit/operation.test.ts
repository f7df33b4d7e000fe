import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { advance, canMove, FINAL_STATES, type Operation, type OpState, TransitionError } from '../../src/domain/operation.ts'
import { backoffCeiling, backoffDelay } from '../../src/domain/backoff.ts'
import { ulid, isOperationId, maskCode } from '../../src/domain/ids.ts'

const base = (state: OpState): Operation =>
  ({
    id: 'X',
    kind: 'pay',
    provider: 'clickpass',
    paymentTypeId: 't',
    amount: 100,
    currency: 'UZS',
    state,
    createdAt: 0,
    updatedAt: 0,
    history: [],
  }) as unknown as Operation

const ALL: OpState[] = ['created', 'sent', 'approved', 'declined', 'unknown', 'resolving', 'compensating', 'compensated', 'needs-attention']

describe('operation state machine', () => {
  it('a final state never changes again', () => {
    for (const f of FINAL_STATES) for (const to of ALL) expect(canMove(f, to)).toBe(false)
  })

  it('money that may have moved is never simply dropped: unknown/resolving only end in a result, a compensation or attention', () => {
    for (const from of ['unknown', 'resolving'] as const)
      for (const to of ALL) if (canMove(from, to)) expect([from, 'resolving', 'approved', 'declined', 'compensating', 'needs-attention']).toContain(to)
  })

  it('a compensating payment ends compensated or needing attention, nothing else', () => {
    expect(ALL.filter((to) => to !== 'compensating' && canMove('compensating', to))).toEqual(['compensated', 'needs-attention'])
  })

  it('advance records history and refuses illegal moves', () => {
    const op = advance(base('created'), { state: 'sent', note: 'go' }, 5)
    expect(op.history).toEqual([{ at: 5, state: 'sent', note: 'go' }])
    expect(() => advance(base('approved'), { state: 'declined' }, 6)).toThrow(TransitionError)
  })

  it('any random walk through allowed moves ends where it was allowed to', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL), { maxLength: 12 }), (steps) => {
        let op = base('created')
        for (const s of steps) if (canMove(op.state, s)) op = advance(op, { state: s }, 1)
        expect(ALL).toContain(op.state)
      }),
    )
  })
})

describe('queue backoff (docs/rules.md R5, scenario 4)', () => {
  it('the ceiling doubles from 5 s up to 300 s and stays there', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(backoffCeiling)).toEqual([5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000])
  })
  it('full jitter stays within [floor, ceiling]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (a, r) => {
        const d = backoffDelay(a, r, 1000)
        expect(d).toBeGreaterThanOrEqual(1000)
        expect(d).toBeLessThanOrEqual(backoffCeiling(a))
      }),
    )
  })
})

describe('ids and masks', () => {
  it('operation ids are 26-char Crockford ULIDs ordered by time', () => {
    const a = ulid(1_700_000_000_000, new Uint8Array(16).fill(7))
    const b = ulid(1_700_000_000_001, new Uint8Array(16))
    expect(isOperationId(a)).toBe(true)
    expect(a < b).toBe(true)
  })
  it('a customer code is masked to its first 4 and last 2 characters', () => {
    expect(maskCode('880101698207133392')).toBe('8801…92')
  })
})
