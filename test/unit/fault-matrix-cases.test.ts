// The fault matrix's case list (test/browser/matrix): the Inpas pin-pad rows join the pairwise cover — every pair
// of two factors' values that a possible case has is in some case, Inpas' included, and no case is one the pin-pad
// cannot play (a bank decline of a status query, say).
import { expect, it } from 'vitest'
import { DEVICE_NAMED_CASES, FAULTS, KILLS, PAIRWISE_CASES, ROUTES, possible } from '../browser/matrix/cases.ts'
import { coverablePairs, pairsCoveredBy } from '../browser/matrix/pairwise.ts'
import { PROVIDER_ROWS, rowById } from '../browser/matrix/rows.ts'

const factors = { provider: [...new Set(PROVIDER_ROWS.map((r) => r.provider))], fault: FAULTS, route: ROUTES, kill: KILLS }
const combos = PAIRWISE_CASES.map((c) => ({ provider: rowById(c.row).provider, fault: c.fault, route: c.route, kill: c.kill as (typeof KILLS)[number] }))

it('covers every possible pair, the pin-pad rows included', () => {
  const covered = pairsCoveredBy(factors, combos)
  const coverable = coverablePairs(factors, possible)
  for (const p of coverable) expect(covered.has(p), p).toBe(true)
  for (const f of FAULTS) expect(coverable.has(`provider=inpas|fault=${f}`), f).toBe(true)
  for (const k of KILLS) expect(coverable.has(`provider=inpas|kill=${k}`), k).toBe(true)
  expect(coverable.has('provider=inpas|route=confirm')).toBe(false)
})

it('gives every case to a row (mode) that takes it: ClickPass without confirm mode never gets a payment Click never took', () => {
  for (const c of PAIRWISE_CASES) expect(rowById(c.row).cannot?.(c) ?? false, c.id).toBe(false)
  expect(PAIRWISE_CASES.some((c) => c.row === 'clickpass' && c.route === 'pay' && (c.fault === 'http5xx' || c.fault === 'offline'))).toBe(false)
})

it('gives the pin-pad only faults it can play on that route, and drives it as a device', () => {
  const inpas = PAIRWISE_CASES.filter((c) => rowById(c.row).provider === 'inpas')
  expect(inpas.length).toBeGreaterThanOrEqual(FAULTS.length)
  for (const c of [...inpas, ...DEVICE_NAMED_CASES]) {
    const device = rowById(c.row).device
    expect(device, c.id).toBeDefined()
    expect(device!.rules(c.fault, c.route), c.id).toBeDefined()
  }
  expect(possible({ provider: 'inpas', fault: 'decline', route: 'status', kill: 'checking' })).toBe(false)
  expect(possible({ provider: 'inpas', fault: 'decline', route: 'refund', kill: 'cancelInFlight' })).toBe(true)
  // Both pin-pad rows (card, SBP QR) take turns.
  expect(new Set(inpas.map((c) => c.row))).toEqual(new Set(['inpas-card', 'inpas-sbp']))
})
