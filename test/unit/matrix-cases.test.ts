// The fault matrix's choice of cases (test/browser/matrix): Sendy and the refund from the
// journal are in the pairwise cover, every provider meets every fault and every route it has,
// no case is one a row cannot take, and the cover stays small.
import { describe, expect, it } from 'vitest'
import { COVER_CASES, FAULTS, MATRIX_CASES, PAIRWISE_CASES } from '../browser/matrix/cases.ts'
import { PROVIDER_ROWS, rowById } from '../browser/matrix/rows.ts'

describe('fault matrix cases', () => {
  it('every provider meets every fault, and every provider with a refund has a refund from the journal', () => {
    for (const provider of new Set(PROVIDER_ROWS.map((r) => r.provider))) {
      const mine = COVER_CASES.filter((c) => rowById(c.row).provider === provider)
      expect(new Set(mine.map((c) => c.fault)), provider).toEqual(new Set(FAULTS))
      expect(
        mine.some((c) => c.route === 'refund'),
        provider,
      ).toBe(true)
    }
    expect(new Set(COVER_CASES.filter((c) => c.route === 'refund').map((c) => c.fault))).toEqual(new Set(FAULTS.filter((f) => f !== 'pending')))
  })

  it('both Sendy modes take cases, and none a row cannot take (no `pending` on an online QR)', () => {
    expect(PAIRWISE_CASES.some((c) => c.row === 'sendy-offline')).toBe(true)
    expect(PAIRWISE_CASES.some((c) => c.row === 'sendy-online')).toBe(true)
    for (const c of PAIRWISE_CASES) expect(rowById(c.row).cannot?.(c) ?? false, c.id).toBe(false)
    for (const c of PAIRWISE_CASES) if (c.route === 'refund' || c.route === 'cancel') expect(c.kill, c.id).not.toBe('inFlight')
  })

  it('stays within the CI budget: case ids are unique, and the cover is far below the full product', () => {
    expect(new Set(MATRIX_CASES.map((c) => c.id)).size).toBe(MATRIX_CASES.length)
    expect(PAIRWISE_CASES.length).toBeLessThanOrEqual(60)
  })
})
