// § 2.14 / § 7 scenarios 24 and 58: the SBP functional link parser accepts the real links, refuses any link
// whose crc does not match the text before `&crc=`, and refuses links missing what § 2.14 requires.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { crc16CcittFalse, formatSbpLink, parseSbpLink, sbpLinkCrc } from '../../workers/providers/inpas-sbp/codec/index.ts'

/** § 2.14: the four real links and the emulator's synthetic one. */
const REAL_LINKS = [
  'https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB&crc=AB75',
  'https://qr.nspk.ru/AD1P0060EL96K9C18LLRIJ39S23RO4HP?type=02&bank=100000000004&sum=1000&cur=RUB&crc=92EA',
  'https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?type=01&bank=100000000007&crc=0C8A',
  'https://qr.nspk.ru/AD10003B4EACO3648G89G25T6DLRGBLB?type=02&bank=100000000111&sum=100&cur=RUB&crc=1A23',
]
const SYNTHETIC = 'https://qr.nspk.ru/AD1000TESTEMU0000000000000000001?type=02&bank=100000000004&sum=12345&cur=RUB&crc=98C6'

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

describe('valid links', () => {
  it('CRC-16/CCITT-FALSE("123456789") is 29B1', () => {
    expect(crc16CcittFalse(ascii('123456789'))).toBe(0x29b1)
  })

  it.each([...REAL_LINKS, SYNTHETIC])('%s is accepted', (link) => {
    expect(parseSbpLink(link).ok).toBe(true)
  })

  it('a dynamic link reads as type 02 with its QRC id, bank and sum in kopecks', () => {
    expect(parseSbpLink(REAL_LINKS[1]!)).toEqual({
      ok: true,
      value: {
        url: REAL_LINKS[1],
        qrcId: 'AD1P0060EL96K9C18LLRIJ39S23RO4HP',
        type: '02',
        dynamic: true,
        bank: '100000000004',
        sum: 1000,
        cur: 'RUB',
        crc: '92EA',
      },
    })
  })

  it('a static link without sum reads as type 01 with no sum', () => {
    const r = parseSbpLink(REAL_LINKS[2]!)
    expect(r.ok && r.value).toMatchObject({ type: '01', dynamic: false, bank: '100000000007' })
    expect(r.ok && 'sum' in r.value).toBe(false)
  })

  it('formatSbpLink writes the synthetic emulator link with crc 98C6', () => {
    expect(formatSbpLink({ qrcId: 'AD1000TESTEMU0000000000000000001', type: '02', bank: '100000000004', sum: 12345 })).toBe(SYNTHETIC)
  })

  it('any link formatSbpLink writes is accepted with the same parts', () => {
    const qrcId = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 32, maxLength: 32 })
    const bank = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 12, maxLength: 12 })
    fc.assert(
      fc.property(qrcId, bank, fc.integer({ min: 1, max: 999_999_999_999 }), fc.boolean(), (id, b, sum, dynamic) => {
        const parts = dynamic ? { qrcId: id, type: '02' as const, bank: b, sum } : { qrcId: id, type: '01' as const, bank: b }
        const r = parseSbpLink(formatSbpLink(parts))
        expect(r.ok && r.value).toMatchObject(parts)
      }),
    )
  })
})

describe('wrong crc', () => {
  it.each(REAL_LINKS)('changing any one character before &crc= of %s makes the crc fail', (link) => {
    const end = link.indexOf('&crc=')
    for (let i = 0; i < end; i++) {
      const c = link[i]!
      const other = c === 'A' ? 'B' : c === '0' ? '1' : /[0-9]/.test(c) ? '0' : 'A'
      const edited = link.slice(0, i) + other + link.slice(i + 1)
      expect(parseSbpLink(edited), `edit at ${i}`).toMatchObject({ ok: false, error: { kind: 'crc-mismatch' } })
    }
  })

  it('a link copied with its crc but a hand-edited sum is refused', () => {
    const edited = REAL_LINKS[1]!.replace('sum=1000', 'sum=100')
    expect(parseSbpLink(edited)).toEqual({
      ok: false,
      error: { kind: 'crc-mismatch', expected: sbpLinkCrc(edited.slice(0, edited.indexOf('&crc='))), actual: '92EA' },
    })
  })

  it('a wrong crc value is refused; a lowercase or short crc is refused as malformed', () => {
    expect(parseSbpLink(REAL_LINKS[0]!.replace('AB75', 'AB76'))).toMatchObject({ ok: false, error: { kind: 'crc-mismatch' } })
    expect(parseSbpLink(REAL_LINKS[0]!.replace('AB75', 'ab75'))).toEqual({ ok: false, error: { kind: 'crc-format', crc: 'ab75' } })
    expect(parseSbpLink(REAL_LINKS[0]!.replace('AB75', 'AB7'))).toEqual({ ok: false, error: { kind: 'crc-format', crc: 'AB7' } })
  })

  it('any random single-character substitution before &crc= is refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REAL_LINKS), fc.nat(), fc.integer({ min: 0x21, max: 0x7e }), (link, where, code) => {
        const end = link.indexOf('&crc=')
        const i = where % end
        fc.pre(link.charCodeAt(i) !== code)
        const edited = link.slice(0, i) + String.fromCharCode(code) + link.slice(i + 1)
        expect(parseSbpLink(edited).ok).toBe(false)
      }),
    )
  })
})

describe('missing or malformed parts (checked with a correct crc, so only the shape is wrong)', () => {
  const signed = (body: string) => `${body}&crc=${sbpLinkCrc(body)}`

  it('a link without &crc= is refused', () => {
    expect(parseSbpLink(REAL_LINKS[0]!.slice(0, REAL_LINKS[0]!.indexOf('&crc=')))).toEqual({ ok: false, error: { kind: 'missing-crc' } })
  })

  it('a dynamic link without sum is refused', () => {
    expect(parseSbpLink(signed('https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007'))).toEqual({
      ok: false,
      error: { kind: 'missing-param', name: 'sum' },
    })
  })

  it('a sum without cur, or cur without sum, is refused', () => {
    expect(parseSbpLink(signed('https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1'))).toEqual({
      ok: false,
      error: { kind: 'missing-param', name: 'cur' },
    })
    expect(parseSbpLink(signed('https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?type=01&bank=100000000007&cur=RUB'))).toEqual({
      ok: false,
      error: { kind: 'missing-param', name: 'sum' },
    })
  })

  it('a link without type or bank is refused', () => {
    expect(parseSbpLink(signed('https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?bank=100000000007'))).toEqual({
      ok: false,
      error: { kind: 'missing-param', name: 'type' },
    })
    expect(parseSbpLink(signed('https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?type=01'))).toEqual({
      ok: false,
      error: { kind: 'missing-param', name: 'bank' },
    })
  })

  it('bad values are refused: type 03, an 11-digit bank, sum 0 or 1.5, cur USD, a short QRC id, another host', () => {
    const id = 'AD100004BAL7227F9BNP6KNE007J9B3K'
    const cases: Array<[string, object]> = [
      [`https://qr.nspk.ru/${id}?type=03&bank=100000000007`, { kind: 'bad-param', name: 'type' }],
      [`https://qr.nspk.ru/${id}?type=02&bank=10000000007&sum=1&cur=RUB`, { kind: 'bad-param', name: 'bank' }],
      [`https://qr.nspk.ru/${id}?type=02&bank=100000000007&sum=0&cur=RUB`, { kind: 'bad-param', name: 'sum' }],
      [`https://qr.nspk.ru/${id}?type=02&bank=100000000007&sum=1.5&cur=RUB`, { kind: 'bad-param', name: 'sum' }],
      [`https://qr.nspk.ru/${id}?type=02&bank=100000000007&sum=1&cur=USD`, { kind: 'bad-param', name: 'cur' }],
      [`https://qr.nspk.ru/AD1?type=01&bank=100000000007`, { kind: 'qrc-id' }],
      [`https://qr.example.ru/${id}?type=01&bank=100000000007`, { kind: 'not-nspk' }],
      [`https://qr.nspk.ru/${id}?type=01&type=01&bank=100000000007`, { kind: 'duplicate-param', name: 'type' }],
      [`https://qr.nspk.ru/${id}`, { kind: 'malformed-query' }],
    ]
    for (const [body, error] of cases) expect(parseSbpLink(signed(body)), body).toMatchObject({ ok: false, error })
  })

  it('non-ASCII or whitespace in a link is refused before anything else', () => {
    expect(parseSbpLink(`${REAL_LINKS[0]} `)).toEqual({ ok: false, error: { kind: 'not-ascii' } })
    expect(parseSbpLink('https://qr.nspk.ru/ДД?type=01')).toEqual({ ok: false, error: { kind: 'not-ascii' } })
  })

  it('parsing arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(() => parseSbpLink(s)).not.toThrow()
        expect(() => parseSbpLink(`https://qr.nspk.ru/${s}`)).not.toThrow()
      }),
    )
  })
})
