// § 2.12 / § 7 scenario 56: the inpas-sbp CP1251 codec is the Windows-1251 table in both directions, and it
// refuses text it cannot write instead of substituting it.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CP1251_HIGH,
  CP1251_UNDEFINED_BYTE,
  cp1251Byte,
  decodeCp1251,
  decodeCp1251Table,
  encodeCp1251,
  isCp1251,
} from '../../workers/providers/inpas-sbp/codec/index.ts'

const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i)
const DEFINED_BYTES = ALL_BYTES.filter((b) => b !== CP1251_UNDEFINED_BYTE)
/** Every character CP1251 can write. */
const REPERTOIRE = decodeCp1251(DEFINED_BYTES)

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')
}

function encoded(text: string): string {
  const r = encodeCp1251(text)
  if (!r.ok) throw new Error(`not encodable at ${r.error.index}`)
  return toHex(r.value)
}

describe('CP1251 tables', () => {
  it('every byte except 0x98 survives decode → encode unchanged', () => {
    const r = encodeCp1251(decodeCp1251(DEFINED_BYTES))
    expect(r.ok && toHex(r.value)).toBe(toHex(DEFINED_BYTES))
  })

  it('the 255 defined bytes decode to 255 distinct characters', () => {
    expect(new Set(REPERTOIRE).size).toBe(255)
  })

  it('decoding agrees with the platform TextDecoder("windows-1251") on all 256 bytes, 0x98 included', () => {
    expect(decodeCp1251(ALL_BYTES)).toBe(new TextDecoder('windows-1251').decode(ALL_BYTES))
  })

  it('the table decoder (used where no native windows-1251 decoder exists) agrees with decodeCp1251 on all 256 bytes', () => {
    expect(decodeCp1251Table(ALL_BYTES)).toBe(decodeCp1251(ALL_BYTES))
  })

  it('0x98 is undefined: it decodes to U+0098, which the encoder refuses', () => {
    expect(decodeCp1251(Uint8Array.of(0x98))).toBe('\u0098')
    expect(encodeCp1251('\u0098')).toEqual({ ok: false, error: { kind: 'unencodable', index: 0, codePoint: 0x98 } })
  })

  it('0xC0…0xFF are А…я in order, and Ё/ё/№ sit at A8/B8/B9', () => {
    expect(CP1251_HIGH.slice(0x40)).toEqual(Array.from({ length: 64 }, (_, i) => 0x410 + i))
    expect(encoded('Ёё№')).toBe('A8 B8 B9')
  })
})

describe('known Cyrillic strings', () => {
  it('«ОДОБРЕНО» encodes to CE C4 CE C1 D0 C5 CD CE (captured [Z2])', () => {
    expect(encoded('ОДОБРЕНО')).toBe('CE C4 CE C1 D0 C5 CD CE')
  })

  it('«№ ССЫЛКИ» encodes to B9 20 D1 D1 DB CB CA C8 (captured slip)', () => {
    expect(encoded('№ ССЫЛКИ')).toBe('B9 20 D1 D1 DB CB CA C8')
  })

  it('«ОПЕРАЦИЯ ПРЕРВАНА» round-trips through its captured bytes (V4)', () => {
    const bytes = Uint8Array.from([0xce, 0xcf, 0xc5, 0xd0, 0xc0, 0xd6, 0xc8, 0xdf, 0x20, 0xcf, 0xd0, 0xc5, 0xd0, 0xc2, 0xc0, 0xcd, 0xc0])
    expect(decodeCp1251(bytes)).toBe('ОПЕРАЦИЯ ПРЕРВАНА')
    expect(encoded('ОПЕРАЦИЯ ПРЕРВАНА')).toBe(toHex(bytes))
  })

  it('punctuation of the upper half («», –, —, €, ™) has its CP1251 bytes', () => {
    expect(encoded('«»–—€™')).toBe('AB BB 96 97 88 99')
  })
})

describe('refusal', () => {
  it('a character outside CP1251 refuses the whole text and says where (scenario 56)', () => {
    expect(encodeCp1251('ОК ✓')).toEqual({ ok: false, error: { kind: 'unencodable', index: 3, codePoint: 0x2713 } })
    expect(encodeCp1251('Ўзбекистон ўқ')).toMatchObject({ ok: false, error: { index: 12, codePoint: 0x049b } })
    expect(isCp1251('ОДОБРЕНО')).toBe(true)
    expect(isCp1251('日本')).toBe(false)
  })

  it('an astral character is refused with its full code point', () => {
    expect(encodeCp1251('a😀')).toEqual({ ok: false, error: { kind: 'unencodable', index: 1, codePoint: 0x1f600 } })
  })
})

describe('properties', () => {
  it('any text drawn from the CP1251 repertoire round-trips encode → decode', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...REPERTOIRE)).map((cs) => cs.join('')),
        (text) => {
          const r = encodeCp1251(text)
          expect(r.ok).toBe(true)
          if (r.ok) {
            expect(r.value).toHaveLength(text.length)
            expect(decodeCp1251(r.value)).toBe(text)
          }
        },
      ),
    )
  })

  it('any byte string without 0x98 round-trips decode → encode, long ones included', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 10_000, size: 'max' }).map((a) => a.map((b) => (b === 0x98 ? 0x99 : b))),
        (bytes) => {
          const r = encodeCp1251(decodeCp1251(bytes))
          expect(r.ok && toHex(r.value)).toBe(toHex(bytes))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the table and the fast decoding paths give the same text for any bytes and any sub-range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000, size: 'max' }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1)
        const end = start + (b % (bytes.length - start + 1))
        expect(decodeCp1251(bytes, start, end)).toBe(decodeCp1251Table(bytes, start, end))
        expect(decodeCp1251(bytes.subarray(start, end))).toBe(decodeCp1251Table(bytes, start, end))
      }),
      { numRuns: 200 },
    )
  })

  it('any string is either encoded to one byte per UTF-16 unit or refused at a character with no CP1251 byte', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const r = encodeCp1251(text)
        if (r.ok) expect(decodeCp1251(r.value)).toBe(text)
        else {
          expect(cp1251Byte(text.charCodeAt(r.error.index))).toBe(-1)
          for (let i = 0; i < r.error.index; i++) expect(cp1251Byte(text.charCodeAt(i))).toBeGreaterThanOrEqual(0)
        }
        expect(isCp1251(text)).toBe(r.ok)
      }),
    )
  })
})
