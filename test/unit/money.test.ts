import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatAmountInput, fromMajorNumber, fromMajorText, parseAmountInput, toMajorText, formatMoney, type Minor } from '../../src/domain/money.ts'

describe('money in minor units', () => {
  it('what a cashier types becomes exact minor units', () => {
    expect(parseAmountInput('1500')).toEqual({ ok: true, value: 150000 })
    expect(parseAmountInput('1 500,5')).toEqual({ ok: true, value: 150050 })
    expect(parseAmountInput('1500.05')).toEqual({ ok: true, value: 150005 })
    expect(parseAmountInput('0.01')).toEqual({ ok: true, value: 1 })
  })

  it('bad amounts are refused with a reason, never rounded', () => {
    expect(parseAmountInput('')).toEqual({ ok: false, error: 'empty' })
    expect(parseAmountInput('abc')).toEqual({ ok: false, error: 'not-a-number' })
    expect(parseAmountInput('1.005')).toEqual({ ok: false, error: 'too-many-decimals' })
    expect(parseAmountInput('0')).toEqual({ ok: false, error: 'not-positive' })
    expect(parseAmountInput('-5')).toEqual({ ok: false, error: 'not-a-number' })
    expect(parseAmountInput('1e5')).toEqual({ ok: false, error: 'not-a-number' })
    expect(parseAmountInput('999999999999999')).toEqual({ ok: false, error: 'too-large' })
  })

  it('the wire writes the integer part and only a non-zero minor part', () => {
    expect(toMajorText(100 as Minor)).toBe('1')
    expect(toMajorText(150050 as Minor)).toBe('1500.5')
    expect(toMajorText(150005 as Minor)).toBe('1500.05')
    expect(toMajorText(1 as Minor)).toBe('0.01')
  })

  it('every amount from 1 to 10^13 survives encode → decode (docs/rules.md scenario 7)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000_000 }), (m) => {
        const text = toMajorText(m as Minor)
        expect(fromMajorText(text)).toEqual({ ok: true, value: m })
        expect(fromMajorNumber(JSON.parse(text))).toEqual({ ok: true, value: m })
      }),
      { numRuns: 2000 },
    )
  })

  it('wire values with 3 decimals, negatives, NaN or infinities are refused', () => {
    expect(fromMajorText('1.005').ok).toBe(false)
    expect(fromMajorNumber(-1).ok).toBe(false)
    expect(fromMajorNumber(Number.NaN).ok).toBe(false)
    expect(fromMajorNumber(Number.POSITIVE_INFINITY).ok).toBe(false)
    expect(fromMajorNumber('10').ok).toBe(false)
    expect(fromMajorNumber(1e21).ok).toBe(false)
  })

  it('people see the amount in their locale with the currency', () => {
    expect(formatMoney(150050, 'UZS', 'ru').replace(/\s/g, ' ')).toBe('1 500,50 сум')
    expect(formatMoney(150000, 'UZS', 'en')).toBe('1,500 UZS')
  })
})

describe('the amount field', () => {
  it('shows an amount grouped, with decimals only when there are any, and reads it back the same', () => {
    expect(formatAmountInput(150000)).toBe('1 500')
    expect(formatAmountInput(150050)).toBe('1 500,50')
    expect(formatAmountInput(5)).toBe('0,05')
    expect(formatAmountInput(9_999_999_999_900)).toBe('99 999 999 999')
    for (const n of [1, 99, 100, 150050, 10_000_000_000_000]) expect(parseAmountInput(formatAmountInput(n))).toEqual({ ok: true, value: n })
  })
})

describe('money for Uzbek cashiers', () => {
  it('writes the amount the Russian way and names the currency in Uzbek when Intl lacks Uzbek data', () => {
    expect(formatMoney(200091, 'UZS', 'ru', 'uz').replace(/\s/g, ' ')).toBe("2 000,91 so'm")
  })
})

describe('formatMoney’s number formats', () => {
  it('makes one per locale, however many amounts it writes (a journal page writes 50)', () => {
    const Real = Intl.NumberFormat
    let made = 0
    Intl.NumberFormat = class extends Real {
      constructor(...args: ConstructorParameters<typeof Real>) {
        super(...args)
        made++
      }
    } as typeof Intl.NumberFormat
    try {
      for (let i = 0; i < 50; i++) formatMoney(150000 + i, 'UZS', 'fr')
      // One for the amounts and one for the locale's decimal mark, both kept.
      expect(made).toBe(2)
      expect(formatMoney(150050, 'UZS', 'fr').replace(/\s/g, ' ')).toBe('1 500,50 UZS')
      expect(made).toBe(2)
    } finally {
      Intl.NumberFormat = Real
    }
  })
})
