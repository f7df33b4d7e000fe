import { describe, expect, it } from 'vitest'
import { decodeReply, datesToQuery, maskAuth, paymentBody, tashkentDate } from '../../workers/providers/clickpass/codec.ts'
import { authHeader } from '../../workers/providers/clickpass/auth.ts'
import type { Minor } from '../../src/domain/money.ts'

describe('ClickPass codec', () => {
  it('builds the Auth header of the protocol’s test vector (§ 5 scenario 5)', async () => {
    expect(await authHeader(123, 'secret', 1519051543)).toBe('123:342712d77c0fe30bfe18e34b81dcb1833feb485e:1519051543')
  })

  it('masks the digest in the log (§ 5 scenario 50)', () => {
    expect(maskAuth('123:342712d77c0fe30bfe18e34b81dcb1833feb485e:1519051543')).toBe('123:****:1519051543')
  })

  it('sends the amount in so’m with at most 2 decimals (§ 5 scenario 38)', () => {
    const body = (amount: number) =>
      JSON.parse(paymentBody({ serviceId: 1, code: '880101698207133392', amount: amount as Minor, transactionId: 'T' })) as { amount: number }
    expect(body(150050).amount).toBe(1500.5)
    expect(body(100000).amount).toBe(1000)
    expect(paymentBody({ serviceId: 1, code: '1', amount: 150050 as Minor, transactionId: 'T' })).toContain('"amount":1500.5,')
  })

  it('keeps a payment_id above 2^53 exactly as the server wrote it (docs/rules.md R2)', () => {
    const d = decodeReply('{"error_code":0,"payment_id":9007199254740993,"payment_status":2}')
    expect(d).toMatchObject({ kind: 'reply', reply: { paymentId: '9007199254740993', paymentStatus: 2 } })
  })

  it('a body without an integer error_code is malformed', () => {
    expect(decodeReply('{"error_code":0,"paym').kind).toBe('malformed')
    expect(decodeReply('<html>').kind).toBe('malformed')
    expect(decodeReply('{"error_note":"x"}').kind).toBe('malformed')
  })

  it('dates follow Asia/Tashkent, and both dates are queried near midnight (§ 4.4)', () => {
    const lateEvening = Date.UTC(2026, 10, 24, 18, 58) // 23:58 in Tashkent
    expect(tashkentDate(lateEvening)).toBe('2026-11-24')
    expect(datesToQuery(lateEvening)).toEqual(['2026-11-24', '2026-11-25'])
    expect(datesToQuery(Date.UTC(2026, 10, 24, 10, 0))).toEqual(['2026-11-24'])
  })
})
