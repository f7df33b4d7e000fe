// One hex() for the whole code base: digests, log dumps and the emulator's trace all read and write it.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromHex, hex } from '../../src/domain/hex.ts'

describe('hex', () => {
  it('writes two lowercase digits a byte, with an optional separator', () => {
    expect(hex(new Uint8Array([0x02, 0x15, 0x00, 0xfe]))).toBe('021500fe')
    expect(hex(new Uint8Array([0x02, 0x15, 0x00, 0xfe]), ' ')).toBe('02 15 00 fe')
    expect(hex(new Uint8Array([1, 2]).buffer)).toBe('0102')
    expect(hex(new Uint8Array())).toBe('')
  })

  it('reads what it wrote, in either case and spacing, and refuses what is not hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(fromHex(hex(bytes, ' ').toUpperCase())).toEqual(bytes)
      }),
    )
    expect(fromHex('02 15 00\nFE')).toEqual(new Uint8Array([0x02, 0x15, 0x00, 0xfe]))
    expect(fromHex('abc')).toBeUndefined()
    expect(fromHex('zz')).toBeUndefined()
  })
})
