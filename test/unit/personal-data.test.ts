// A phone number in any provider's request or reply is masked before the log keeps it.
import { describe, expect, it } from 'vitest'
import { maskPersonal, maskPhoneText } from '../../workers/transport/personal.ts'
import { scrub } from '../../workers/engine/log.ts'

describe('phone numbers in logged text', () => {
  it('JSON fields named for a phone, as strings or numbers, keep the country code and the last four digits', () => {
    expect(maskPersonal('{"payment_id":123456789,"phone_number":"998901234567"}')).toBe('{"payment_id":123456789,"phone_number":"998*****4567"}')
    expect(maskPersonal('{"phoneNumber": 375291234567, "msisdn":"998931112233"}')).toBe('{"phoneNumber": "375*****4567", "msisdn":"998*****2233"}')
    expect(maskPersonal('{"customer":{"phone":"+998 90 123-45-67"}}')).toBe('{"customer":{"phone":"998*****4567"}}')
  })
  it('a written-out international number anywhere is masked; ids and amounts are not', () => {
    expect(maskPersonal('call +998 90 123 45 67 now, id 9000001, sum 150000')).toBe('call +998*****4567 now, id 9000001, sum 150000')
  })
  it('structured log data: a phone field is masked, other fields stay', () => {
    expect(scrub({ phone: '998901234567', amount: 150050, nested: { phone_number: 998901234567 } }, [])).toEqual({
      phone: '998*****4567',
      amount: 150050,
      nested: { phone_number: '998*****4567' },
    })
    expect(maskPhoneText('12')).toBe('**')
  })
})

describe('secrets scrubbed while walking the object (18.7)', () => {
  it('a short numeric secret 000 never breaks the structure', () => {
    const out = scrub({ a: 'x000y', n: 1000, list: ['000'] }, ['000'])
    expect(out).toEqual({ a: 'x****y', n: 1000, list: ['****'] })
    expect(() => JSON.parse(JSON.stringify(out))).not.toThrow()
  })
})

describe('the sandbox CSP only where there is a sandbox (18.9)', () => {
  it('in production `/sandbox/…` gets the app’s CSP (default-src), in a demo the sandbox’s', async () => {
    const { securityHeaders } = await import('../../sandbox/security-headers.ts')
    expect(securityHeaders('/sandbox/phone', {}, true)['Content-Security-Policy']).not.toContain('default-src')
    expect(securityHeaders('/sandbox/phone', {}, false)['Content-Security-Policy']).toContain("default-src 'self'")
  })
})
