// The fault matrix's pairwise generator: every coverable pair is covered, nothing forbidden is
// chosen, the cover is much smaller than the product, and the result is deterministic.
import { describe, expect, it } from 'vitest'
import { coverablePairs, pairsCoveredBy, pairwise } from '../browser/matrix/pairwise.ts'

const factors = { a: ['a1', 'a2', 'a3'], b: ['b1', 'b2', 'b3'], c: ['c1', 'c2'], d: ['d1', 'd2', 'd3', 'd4'] } as const

describe('pairwise', () => {
  it('covers every pair of values of two factors', () => {
    const cases = pairwise(factors)
    const covered = pairsCoveredBy(factors, cases)
    for (const p of coverablePairs(factors)) expect(covered.has(p), p).toBe(true)
    // 3·3·2·4 = 72 combinations; at least 3·4 = 12 cases are needed, greedy stays near that.
    expect(cases.length).toBeGreaterThanOrEqual(12)
    expect(cases.length).toBeLessThanOrEqual(20)
  })

  it('never picks a forbidden combination, and still covers every pair some allowed combination has', () => {
    const allowed = (c: { a: string; c: string; d: string }) => !(c.a === 'a1' && c.c === 'c2') && (c.d !== 'd4' || c.a === 'a3')
    const cases = pairwise(factors, allowed)
    expect(cases.every(allowed)).toBe(true)
    const covered = pairsCoveredBy(factors, cases)
    const coverable = coverablePairs(factors, allowed)
    for (const p of coverable) expect(covered.has(p), p).toBe(true)
    expect(coverable.has('a=a1|c=c2')).toBe(false)
    expect(coverable.has('a=a1|d=d4')).toBe(false)
  })

  it('counts seed cases towards the cover and is deterministic', () => {
    const seed = [{ a: 'a1', b: 'b1', c: 'c1', d: 'd1' }] as const
    const one = pairwise(factors, undefined, seed)
    expect(pairwise(factors, undefined, seed)).toEqual(one)
    expect(one).not.toContainEqual(seed[0])
    const covered = pairsCoveredBy(factors, [...seed, ...one])
    for (const p of coverablePairs(factors)) expect(covered.has(p)).toBe(true)
  })

  it('breaks ties by the given cost, without losing the cover', () => {
    // Spread the cases over `a` as evenly as the cover allows.
    const spread = (c: { a: string }, chosen: readonly { a: string }[]) => chosen.filter((x) => x.a === c.a).length
    const cases = pairwise(factors, undefined, [], spread)
    const covered = pairsCoveredBy(factors, cases)
    for (const p of coverablePairs(factors)) expect(covered.has(p)).toBe(true)
    const perA = ['a1', 'a2', 'a3'].map((a) => cases.filter((c) => c.a === a).length)
    expect(Math.max(...perA) - Math.min(...perA)).toBeLessThanOrEqual(1)
  })
})
