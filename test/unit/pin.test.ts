// The admin PIN rules: 4–8 digits; five free tries, then a lockout that doubles up to a cap.
import { describe, expect, it } from 'vitest'
import { checkPinFormat, FREE_TRIES, LOCKOUT_CAP_MS, LOCKOUT_MS, lockoutMs } from '../../src/domain/pin.ts'

describe('admin PIN rules', () => {
  it('takes 4 to 8 digits only', () => {
    for (const ok of ['1234', '12345678']) expect(checkPinFormat(ok)).toBeUndefined()
    for (const bad of ['123', '123456789', '12a4', ' 1234', '']) expect(checkPinFormat(bad)?.key).toBe('pin.format')
  })

  it('locks out after the free tries, doubling, never beyond the cap', () => {
    expect(lockoutMs(FREE_TRIES - 1)).toBe(0)
    expect(lockoutMs(FREE_TRIES)).toBe(LOCKOUT_MS)
    expect(lockoutMs(FREE_TRIES + 1)).toBe(2 * LOCKOUT_MS)
    expect(lockoutMs(FREE_TRIES + 40)).toBe(LOCKOUT_CAP_MS)
  })
})
