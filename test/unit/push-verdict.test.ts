// The store's rule for one pushed row (src/domain/push-verdict.ts): stored {till, rev} × incoming.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { afterVerdict, pushVerdict, type Held, type Incoming } from '../../src/domain/push-verdict.ts'

const A = { storeId: 's1', tillId: 'A' }
const B = { storeId: 's1', tillId: 'B' }
const OTHER_STORE = { storeId: 's2', tillId: 'A' }

describe('push verdict', () => {
  it('a new row is applied and acked at its rev', () => {
    expect(pushVerdict(undefined, { ...A, rev: 1 })).toEqual({ kind: 'apply', ack: 1 })
  })
  it("a newer rev of the same till's row is applied; the same rev is acked without a write", () => {
    expect(pushVerdict({ ...A, rev: 1 }, { ...A, rev: 3 })).toEqual({ kind: 'apply', ack: 3 })
    expect(pushVerdict({ ...A, rev: 3 }, { ...A, rev: 3 })).toEqual({ kind: 'ack', ack: 3 })
  })
  it('a rev behind the stored one is refused as stale, naming the stored rev', () => {
    expect(pushVerdict({ ...A, rev: 5 }, { ...A, rev: 2 })).toEqual({ kind: 'stale', held: 5 })
  })
  it('a row of another till or another store is foreign whatever its rev', () => {
    expect(pushVerdict({ ...A, rev: 1 }, { ...B, rev: 9 })).toEqual({ kind: 'foreign' })
    expect(pushVerdict({ ...A, rev: 1 }, { ...OTHER_STORE, rev: 9 })).toEqual({ kind: 'foreign' })
  })

  it('any duplication, reordering or loss of pushes of a row ends at the newest rev, and a foreign till never wins', () => {
    const push = fc.record({ who: fc.constantFrom<'A' | 'B' | 'X'>('A', 'B', 'X'), rev: fc.integer({ min: 1, max: 12 }) })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(push, { maxLength: 60 }), (newest, pushes) => {
        // Till A made revs 1..newest. The network delivers any of them, any number of times, in any order (a lost
        // push is one not in the list); the till retries its newest until acked, so it arrives last at least once.
        // Till B and another store's till X push the same id with any rev, after A's first push reached the store.
        const own = (rev: number): Incoming => ({ ...A, rev: Math.min(rev, newest) })
        const sequence: Incoming[] = [own(1)]
        for (const p of pushes) sequence.push(p.who === 'A' ? own(p.rev) : { ...(p.who === 'B' ? B : OTHER_STORE), rev: p.rev })
        sequence.push(own(newest))
        let held: Held | undefined
        for (const incoming of sequence) {
          const before = held
          const v = pushVerdict(held, incoming)
          held = afterVerdict(held, incoming, v)
          const mine = incoming.tillId === 'A' && incoming.storeId === 's1'
          if (!mine) {
            expect(v.kind).toBe('foreign')
            expect(held).toEqual(before)
          }
          // An ack never claims more than the store now holds.
          if (v.kind === 'ack' || v.kind === 'apply') expect(held!.rev).toBeGreaterThanOrEqual(v.ack)
          // The stored rev never goes backwards.
          if (before) expect(held!.rev).toBeGreaterThanOrEqual(before.rev)
        }
        expect(held).toEqual({ ...A, rev: newest })
      }),
      { numRuns: 500 },
    )
  })

  it('a till that marks a row synced only at the acked rev ends with every change acknowledged at the newest rev', () => {
    // The till's side of the rule: edits, pushes and lost replies interleave; the row is synced only when the ack
    // names the rev it still holds, so an edit made while a push was out stays queued.
    const step = fc.oneof(fc.constant({ t: 'edit' as const }), fc.record({ t: fc.constant('push' as const), lost: fc.boolean() }))
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let rev = 1
        let synced = 0
        let held: Held | undefined
        const pushOnce = (lost: boolean) => {
          const incoming = { ...A, rev }
          const v = pushVerdict(held, incoming)
          held = afterVerdict(held, incoming, v)
          if (!lost && (v.kind === 'apply' || v.kind === 'ack') && v.ack === rev) synced = rev
        }
        for (const s of steps) {
          if (s.t === 'edit') rev++
          else pushOnce(s.lost)
        }
        while (synced < rev) pushOnce(false)
        expect(held).toEqual({ ...A, rev })
      }),
      { numRuns: 300 },
    )
  })
})
