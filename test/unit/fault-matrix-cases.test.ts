// The fault matrix's case list (test/browser/matrix): the Inpas pin-pad rows join the pairwise cover — every pair
// of two factors' values that a possible case has is in some case, Inpas' included, and no case is one the pin-pad
// cannot play (a bank decline of a status query, say).
import { expect, it } from 'vitest'
import { COVER_CASES, DEATHS, DEVICE_NAMED_CASES, FAULTS, KILLS, PAIRWISE_CASES, ROUTES, SCENARIO_CASES, possible } from '../browser/matrix/cases.ts'
import { coverablePairs, pairsCoveredBy } from '../browser/matrix/pairwise.ts'
import { PROVIDER_ROWS, rowById } from '../browser/matrix/rows.ts'

const factors = { provider: [...new Set(PROVIDER_ROWS.map((r) => r.provider))], fault: FAULTS, route: ROUTES, kill: KILLS, death: DEATHS }
const combos = COVER_CASES.map((c) => ({
  provider: rowById(c.row).provider,
  fault: c.fault,
  route: c.route,
  kill: c.kill as (typeof KILLS)[number],
  death: c.death ?? 'kill',
}))

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
  expect(
    PAIRWISE_CASES.some((c) => c.row === 'clickpass' && c.kill !== 'afterJournal' && c.route === 'pay' && (c.fault === 'http5xx' || c.fault === 'offline')),
  ).toBe(false)
})

it('gives the pin-pad only faults it can play on that route, and drives it as a device', () => {
  const inpas = COVER_CASES.filter((c) => rowById(c.row).provider === 'inpas')
  expect(inpas.length).toBeGreaterThanOrEqual(FAULTS.length)
  for (const c of [...inpas, ...DEVICE_NAMED_CASES]) {
    const device = rowById(c.row).device
    expect(device, c.id).toBeDefined()
    expect(device!.rules(c.fault, c.route), c.id).toBeDefined()
  }
  expect(possible({ provider: 'inpas', fault: 'decline', route: 'status', kill: 'checking', death: 'kill' })).toBe(false)
  expect(possible({ provider: 'inpas', fault: 'decline', route: 'refund', kill: 'cancelInFlight', death: 'kill' })).toBe(true)
  // Both pin-pad rows (card, SBP QR) take turns.
  expect(new Set(inpas.map((c) => c.row))).toEqual(new Set(['inpas-card', 'inpas-sbp']))
})

it('crashes a till tab (the other one living on) on every provider and every mode, and at every kill point', () => {
  const crashed = COVER_CASES.filter((c) => c.death === 'crash')
  for (const provider of factors.provider)
    expect(
      crashed.some((c) => rowById(c.row).provider === provider),
      provider,
    ).toBe(true)
  // ClickPass in both modes (its confirm-mode-off payment and full refund are named: the crash test had confirm mode only).
  for (const row of ['clickpass', 'clickpass-confirm']) expect(crashed.some((c) => c.row === row)).toBe(true)
  for (const k of KILLS)
    expect(
      crashed.some((c) => c.kill === k),
      k,
    ).toBe(true)
  for (const f of FAULTS)
    expect(
      crashed.some((c) => c.fault === f),
      f,
    ).toBe(true)
  // Full refunds of ClickPass and PaymeGO, crashed in flight.
  for (const row of ['clickpass', 'payme'])
    expect(
      crashed.some((c) => c.row === row && c.route === 'refund'),
      row,
    ).toBe(true)
})

it('names the scenarios the cover cannot pick: two tills, twice, settings, the self-checkout and a host, O!plati’s later steps, the pin-pad mid-payment', () => {
  const has = (f: (c: (typeof SCENARIO_CASES)[number]) => boolean) => SCENARIO_CASES.some(f)
  expect(has((c) => !!c.twoTills && rowById(c.row).provider === 'sendy')).toBe(true)
  expect(has((c) => !!c.twice)).toBe(true)
  expect(has((c) => !!c.settings)).toBe(true)
  expect(has((c) => c.screen === 'self')).toBe(true)
  expect(has((c) => c.screen === 'host')).toBe(true)
  expect(has((c) => c.then === 'cancelRefund')).toBe(true)
  expect(has((c) => c.then === 'void' && c.screen === 'host')).toBe(true)
  for (const action of ['unplug', 'eotAt', 'waitStorm'])
    expect(
      has((c) => c.mid?.action === action && !!rowById(c.row).device),
      action,
    ).toBe(true)
  // A void needs a receipt (an order from a host); a row names the routes of its later steps.
  for (const c of SCENARIO_CASES) if (c.then) expect(rowById(c.row).thenRoutes?.[c.then], c.id).toBeDefined()
  // No scenario is one its row cannot take.
  for (const c of SCENARIO_CASES) expect(rowById(c.row).cannot?.(c) ?? false, c.id).toBe(false)
  // A self-checkout case pays with a type that shows its QR (no cashier to scan).
  for (const c of SCENARIO_CASES) if (c.screen === 'self') expect(rowById(c.row).scans, c.id).toBe(false)
})
