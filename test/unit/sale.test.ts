// The host's sale items: typed, adding up to the amount, or refused with the reason.
import { describe, expect, it } from 'vitest'
import { parseItems } from '../../src/domain/sale.ts'
import { parseHostUrl } from '../../src/domain/host-protocol.ts'

const bread = { title: 'Non', price: 500_000, count: 2, code: '10202001001000001', packageCode: '1500212', vatPercent: 12 }

describe('sale items', () => {
  it('accepts items that add up to the amount and keeps only known fields', () => {
    const r = parseItems([bread, { title: 'Suv', price: 150_050, count: 1, extra: 'x' }], 1_150_050)
    expect(r).toEqual({ ok: true, items: [bread, { title: 'Suv', price: 150_050, count: 1 }] })
  })

  it.each([
    [[], 'a list'],
    [[{ ...bread, title: ' ' }], 'title'],
    [[{ ...bread, price: 1.5 }], 'price'],
    [[{ ...bread, count: 0 }], 'count'],
    [[{ ...bread, count: 1.5 }], 'count'],
    [[{ ...bread, code: 'ABC' }], 'code'],
    [[{ ...bread, vatPercent: 101 }], 'vatPercent'],
    [[bread, bread], 'add up'],
  ])('refuses %j (%s)', (items, why) => {
    const r = parseItems(items, 1_000_000)
    expect(r.ok).toBe(false)
    expect(r.ok ? '' : r.why).toContain(why)
  })

  it('the host URL carries items as JSON; text that is not JSON becomes null for the engine to refuse', () => {
    const items = encodeURIComponent(JSON.stringify([bread]))
    expect(parseHostUrl(`#/pay?amount=1000000&order=A1&items=${items}`)).toEqual({
      ok: true,
      value: { type: 'paydesk.pay', amount: 1000000, order: 'A1', items: [bread] },
    })
    expect(parseHostUrl('#/pay?amount=1000000&order=A1&items=%5Bnope')).toMatchObject({ ok: true, value: { items: null } })
    expect(parseHostUrl('#/pay?amount=1000000&order=A1')).not.toHaveProperty('value.items')
  })
})
