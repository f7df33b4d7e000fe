// O!plati wire codec: kopecks ↔ BYN, the Minsk shift string, ids above 2^53 kept as digits,
// the error envelope in both shapes, and the single default receipt line.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { bynOf, decodeEnvelope, decodePaymentInfo, decodeReports, linesOf, minorOf, paymentBody, shiftOf } from '../../workers/providers/oplati/codec.ts'
import type { Minor } from '../../src/domain/money.ts'

describe('O!plati codec', () => {
  it('kopecks go out as BYN with at most 2 decimals and come back exactly', () => {
    expect(bynOf(1700)).toBe(17)
    expect(bynOf(1705)).toBe(17.05)
    expect(JSON.stringify({ sum: bynOf(1) })).toBe('{"sum":0.01}')
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (k) => minorOf(JSON.parse(JSON.stringify(bynOf(k)))) === k))
    expect(minorOf(17.005)).toBeUndefined()
    expect(minorOf('17.05')).toBe(1705)
    expect(minorOf(-1)).toBeUndefined()
  })

  it('the shift is the Minsk calendar day as DDMMYYYY (UTC+3)', () => {
    expect(shiftOf(Date.UTC(2026, 10, 24, 20, 59))).toBe('24112026')
    expect(shiftOf(Date.UTC(2026, 10, 24, 21, 0))).toBe('25112026')
  })

  it('keeps every digit of a paymentId above 2^53, in PaymentInfo and in E8 lists', () => {
    const big = '9007199254740993'
    const one = decodePaymentInfo(`{"paymentId":${big},"paymentType":1,"sum":17.05,"status":1,"orderNumber":"A"}`)
    expect(one).toEqual({ ok: true, value: { paymentId: big, paymentType: 1, sum: 1705, status: 1, orderNumber: 'A' } })
    const list = decodeReports(
      `[{"paymentId":${big},"sum":1,"status":0,"orderNumber":"A"},{"paymentId":7,"paymentType":3,"sum":0.5,"status":1,"orderNumber":"B"}]`,
    )
    expect(list.ok && list.value.map((p) => p.paymentId)).toEqual([big, '7'])
  })

  it('refuses a PaymentInfo without id, status or a readable sum', () => {
    expect(decodePaymentInfo('{"status":1,"sum":1}').ok).toBe(false)
    expect(decodePaymentInfo('{"paymentId":1,"sum":1}').ok).toBe(false)
    expect(decodePaymentInfo('{"paymentId":1,"status":1,"sum":"x"}').ok).toBe(false)
    expect(decodePaymentInfo('{"paymentId":1,').ok).toBe(false)
  })

  it('reads the error envelope; code falls back to the HTTP status', () => {
    expect(decodeEnvelope('{"code":"409","internalCode":"TOKEN_EXISTS","userMessage":{"lang_ru":"А","lang_en":"A"}}', 409)).toEqual({
      code: '409',
      internalCode: 'TOKEN_EXISTS',
      ru: 'А',
      en: 'A',
    })
    expect(decodeEnvelope('{"devMessage":"x"}', 400)).toEqual({ code: '400', devMessage: 'x' })
    expect(decodeEnvelope('<html>', 502)).toBeUndefined()
  })

  it('one line «Покупка» when the host sends no items; the host’s lines otherwise; amountTotal = sum', () => {
    expect(linesOf(1705 as Minor, undefined)).toEqual([{ type: 1, name: 'Покупка', quantity: 1, unit: 'шт', price: 17.05, cost: 17.05 }])
    const b = paymentBody({
      amount: 1000 as Minor,
      orderNumber: 'O',
      regNum: 'OPL000011111',
      shift: '24112026',
      receiptNumber: 'R',
      items: [{ title: 'Хлеб', price: 250 as Minor, count: 4 }],
    })
    expect(b).toMatchObject({ sum: 10, details: { amountTotal: 10, items: [{ name: 'Хлеб', quantity: 4, price: 2.5, cost: 10 }] } })
  })
})
