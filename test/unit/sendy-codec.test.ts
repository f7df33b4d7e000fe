// Sendy slips on the tape (docs/protocols/sendy.md § 4.11): every line fits `slipWidth` columns, and a Chinese
// (WeChat, AliPay) slip counts each CJK character as two columns, wrapping where a Latin one would fit.
import { describe, expect, it } from 'vitest'
import { center, pieces, reportText, row, slipText, widthOf } from '../../workers/providers/sendy/codec.ts'

const facts = {
  kind: 'cancel' as const,
  merchant: '北京烤鸭店·莫斯科红场分店（旗舰店）',
  terminalId: 'T0001',
  shift: 3,
  txn: 1234567,
  system: 'wechat',
  at: Date.UTC(2026, 11, 7, 9, 30),
  amount: 123_456_78,
  paymentId: 'WX20261207093000123456789',
}

describe('display width', () => {
  it('a CJK character is two columns, Latin and Cyrillic one, a combining mark none', () => {
    expect(widthOf('abc')).toBe(3)
    expect(widthOf('Смена')).toBe(5)
    expect(widthOf('交易号')).toBe(6)
    expect(widthOf('ＡＢ')).toBe(4)
    expect(widthOf('e\u0301')).toBe(1)
  })

  it('pieces never split a wide character over the edge', () => {
    expect(pieces('交易号交易号', 5)).toEqual(['交易', '号交', '易号'])
    expect(pieces('', 5)).toEqual([''])
  })

  it('a row that fits is padded by columns, not by characters', () => {
    const [line] = row('金额', '12.00', 16)
    expect(widthOf(line!)).toBe(16)
    expect(line).toBe('金额' + ' '.repeat(7) + '12.00')
  })

  it('a row that does not fit wraps: the label left, the value right, each line within the width', () => {
    const lines = row('支付单号', 'WX20261207093000123456789', 16)
    expect(lines[0]).toBe('支付单号')
    for (const l of lines) expect(widthOf(l)).toBeLessThanOrEqual(16)
    expect(lines.slice(1).join('').replace(/ /g, '')).toBe('WX20261207093000123456789')
  })

  it('center truncates a wide name to the width', () => {
    expect(widthOf(center(facts.merchant, 32))).toBeLessThanOrEqual(32)
  })
})

describe('slips fit the tape in every slip language', () => {
  for (const lang of ['zh', 'ru', 'en'])
    for (const width of [32, 48])
      it(`${lang}, ${width} columns: the payment and cancel slips and the report`, () => {
        const lines = [
          ...slipText(facts, lang, width),
          ...slipText({ ...facts, kind: 'pay' }, lang, width),
          ...reportText(
            {
              shiftNumber: 3,
              paid: { count: 2, amount: 123_456_78 },
              refunds: { count: 0, amount: 0 },
              bySystem: [{ system: 'wechat', count: 2, amount: 123_456_78 }],
              transactions: [{ transactionNumber: 1234567, system: 'alipay', amount: 123_456_78, at: '' }],
            },
            { title: 'close', lang, width, merchant: facts.merchant, terminalId: 'T0001', detail: true, mismatches: ['#1234567 100/200'], queued: 1 },
          ),
        ]
        for (const l of lines) expect(widthOf(l), l).toBeLessThanOrEqual(width)
      })

  it('the cancel slip carries the transaction number', () => {
    expect(slipText(facts, 'zh', 32).join('\n')).toMatch(/交易号\s+1234567/)
  })
})
