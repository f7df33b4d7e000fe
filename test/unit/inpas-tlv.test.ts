// § 2.6–§ 2.11, § 3.2, § 3.4: TLV fields and SA messages of the inpas-sbp codec. Field maps survive the whole
// wire path unchanged, amounts stay integer kopecks, malformed bytes come back as typed errors (never thrown),
// and the request builders write the frames the protocol file lists.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AMOUNT_MAX_MINOR,
  FIELDS,
  FrameDecoder,
  PDK_SBP1,
  TAG,
  buildCheckLink,
  buildHostRelayReply,
  buildMessage,
  buildReceiptCopy,
  buildRefund,
  buildSale,
  buildStatusRequest,
  decodeCp1251,
  decodeTlv,
  encodeFrames,
  encodeStxFrame,
  encodeTlv,
  fieldSpec,
  formatReceipt,
  parseMessage,
  parseReceipt,
  readFields,
  statusOutcome,
  tlvGet,
  type TlvField,
} from '../../workers/providers/inpas-sbp/codec/index.ts'

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

/** The DATA of a built message, as [tag, text] pairs. */
function pairs(r: { ok: true; value: Uint8Array } | { ok: false; error: unknown }): Array<[number, string]> {
  if (!r.ok) throw new Error(`build failed: ${JSON.stringify(r.error)}`)
  const t = decodeTlv(r.value)
  if (!t.ok) throw new Error('built DATA must decode')
  return t.value.fields.map((f) => [f.tag, decodeCp1251(f.value)])
}

/** Random field maps: distinct tags 0…255 with raw values, some long enough to need SOH fragments. */
const fieldMap = fc.uniqueArray(
  fc.record({
    tag: fc.integer({ min: 0, max: 255 }),
    value: fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 200, maxLength: 3000, size: 'max' }) },
    ),
  }),
  { selector: (f) => f.tag, maxLength: 30 },
)

describe('TLV encoding (§ 2.6)', () => {
  it('a field is its tag byte, a 2-byte little-endian length and the value: field 25 "1" is 19 01 00 31', () => {
    const r = encodeTlv([[25, '1']])
    expect(r.ok && toHex(r.value)).toBe('19 01 00 31')
  })

  it('lengths above 255 use the high length byte', () => {
    const r = encodeTlv([[90, new Uint8Array(0x1234)]])
    expect(r.ok && toHex(r.value.subarray(0, 3))).toBe('5A 34 12')
  })

  it('empty values are legal: TerminalID empty is 1B 00 00', () => {
    const r = encodeTlv([[27, '']])
    expect(r.ok && toHex(r.value)).toBe('1B 00 00')
  })

  it('a record input writes integer keys in ascending order', () => {
    const r = encodeTlv({ 25: '1', 0: '100', 4: '643' })
    expect(r.ok && Array.from(r.value.filter((_, i) => i === 0 || i === 6 || i === 12))).toEqual([0, 4, 25])
  })

  it('bad tags, repeated tags, over-long values and non-CP1251 text are refused as typed errors', () => {
    expect(encodeTlv([[256, 'x']])).toEqual({ ok: false, error: { kind: 'bad-tag', tag: 256 } })
    expect(encodeTlv([[-1, 'x']])).toEqual({ ok: false, error: { kind: 'bad-tag', tag: -1 } })
    expect(encodeTlv([[1.5, 'x']])).toEqual({ ok: false, error: { kind: 'bad-tag', tag: 1.5 } })
    expect(encodeTlv(new Map([[4, '643']]).set(25, '1'))).toMatchObject({ ok: true })
    expect(
      encodeTlv([
        [4, '643'],
        [4, '643'],
      ]),
    ).toEqual({ ok: false, error: { kind: 'duplicate-tag', tag: 4 } })
    expect(encodeTlv([[90, new Uint8Array(65536)]])).toEqual({ ok: false, error: { kind: 'value-too-long', tag: 90, length: 65536 } })
    expect(encodeTlv([[19, 'Привет ✓']])).toEqual({ ok: false, error: { kind: 'unencodable', tag: 19, index: 7, codePoint: 0x2713 } })
  })
})

describe('TLV decoding (§ 2.6)', () => {
  it('a header cut short is a truncated-header error with its offset', () => {
    expect(decodeTlv(Uint8Array.of(0x19, 0x01, 0x00, 0x31, 0x1b, 0x00))).toEqual({
      ok: false,
      error: { kind: 'truncated-header', offset: 4, available: 2 },
    })
  })

  it('a length running past the data is an overrun error naming the tag (scenario 33)', () => {
    expect(decodeTlv(Uint8Array.of(0x19, 0x05, 0x00, 0x31))).toEqual({
      ok: false,
      error: { kind: 'overrun', offset: 0, tag: 25, length: 5, available: 1 },
    })
  })

  it('a repeated tag keeps the first value and marks the message suspect', () => {
    const r = decodeTlv(Uint8Array.of(0x27, 0x01, 0x00, 0x31, 0x27, 0x01, 0x00, 0x30))
    expect(r.ok && r.value.fields.map((f) => decodeCp1251(f.value))).toEqual(['1'])
    expect(r.ok && r.value.duplicates).toEqual([39])
  })

  it('empty DATA is an empty message', () => {
    expect(decodeTlv(new Uint8Array(0))).toEqual({ ok: true, value: { fields: [], duplicates: [] } })
  })

  it('decoded values view the DATA they came from (no copy per field)', () => {
    const wire = Uint8Array.of(0x19, 0x01, 0x00, 0x31)
    const r = decodeTlv(wire)
    expect(r.ok && r.value.fields[0]!.value.buffer).toBe(wire.buffer)
    expect(r.ok && r.value.fields[0]!.value.byteOffset).toBe(3)
  })
})

describe('properties of TLV over the wire', () => {
  it('any field map encodes, frames (STX or SOH), splits at random points and decodes back to the same fields in the same order', () => {
    fc.assert(
      fc.property(fieldMap, fc.array(fc.nat(), { maxLength: 30, size: 'max' }), (fields, cuts) => {
        const tlv = encodeTlv(fields.map((f) => [f.tag, f.value] as const))
        if (!tlv.ok) throw new Error('random fields must encode')
        const framed = encodeFrames(tlv.value)
        if (!framed.ok) throw new Error('must frame')
        const stream = new Uint8Array(framed.value.reduce((n, f) => n + f.length, 0))
        let at = 0
        for (const f of framed.value) {
          stream.set(f, at)
          at += f.length
        }
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b)
        const d = new FrameDecoder()
        const got: Uint8Array[] = []
        let from = 0
        for (const p of [...points, stream.length]) {
          for (const e of d.push(stream.subarray(from, p))) if (e.kind === 'frame') got.push(e.payload)
          from = p
        }
        expect(got).toHaveLength(1)
        const back = decodeTlv(got[0]!)
        expect(back.ok && back.value.fields).toEqual(fields satisfies TlvField[])
        expect(back.ok && back.value.duplicates).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('decoding arbitrary bytes never throws; whatever decodes without repeats re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = decodeTlv(bytes)
        if (r.ok && r.value.duplicates.length === 0) {
          const again = encodeTlv(r.value.fields.map((f) => [f.tag, f.value] as const))
          expect(again.ok && toHex(again.value)).toBe(toHex(bytes))
        }
        expect(() => parseMessage(bytes)).not.toThrow()
      }),
      { numRuns: 2000 },
    )
  })

  it('any text field written as CP1251 reads back as the same text', () => {
    const cyr = fc.array(fc.constantFrom(...'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя №^~\r\n0123456789ABC'), {
      maxLength: 200,
      size: 'max',
    })
    fc.assert(
      fc.property(cyr, (chars) => {
        const text = chars.join('')
        const m = parseMessage(
          pairsToData([
            [25, '1'],
            [19, text],
          ]),
        )
        expect(m.ok && m.value.fields.textResponse).toBe(text)
      }),
    )
  })
})

function pairsToData(p: Array<[number, string]>): Uint8Array {
  const r = encodeTlv(p)
  if (!r.ok) throw new Error('must encode')
  return r.value
}

describe('the field dictionary (§ 2.7)', () => {
  it('names the tags of § 2.7 with their DUALConnector names', () => {
    expect(TAG.operationCode).toBe(25)
    expect(TAG.status).toBe(39)
    expect(TAG.receiptData).toBe(90)
    expect(fieldSpec(27)).toEqual({ tag: 27, name: 'TerminalID', kind: 'text' })
    expect(fieldSpec(70)?.kind).toBe('binary')
    expect(Object.values(FIELDS).map((f) => f.tag)).toHaveLength(new Set(Object.values(FIELDS).map((f) => f.tag)).size)
  })

  it('leaves the conflicting fields 49–52 and unknown tags unnamed, yet keeps their bytes (scenario 34)', () => {
    const data = pairsToData([
      [25, '1'],
      [39, '1'],
      [50, 'x'],
      [150, 'a'],
      [250, 'b'],
    ])
    const m = parseMessage(data)
    expect(m.ok && m.value.unknownTags).toEqual([50, 150, 250])
    expect(m.ok && m.value.fields).toEqual({ operationCode: 1, status: 1 })
    expect(m.ok && toHex(tlvGet(m.value.tlv, 250)!)).toBe('62')
  })

  it('reads amounts as integer kopecks: "00001000" and "1000" are both 1000; "-1" and empty are not set', () => {
    const read = (v: string) => readFields({ fields: [{ tag: 0, value: ascii(v) }], duplicates: [] })
    expect(read('00001000').fields.amount).toBe(1000)
    expect(read('1000').fields.amount).toBe(1000)
    expect(read('-1').fields).toEqual({})
    expect(read('').fields).toEqual({})
    expect(read('10.00')).toMatchObject({ fields: {}, invalid: [{ tag: 0, reason: 'not-a-number', raw: '10.00' }] })
    expect(read('-5')).toMatchObject({ invalid: [{ tag: 0, reason: 'not-a-number' }] })
    expect(read('99999999999999999999')).toMatchObject({ invalid: [{ tag: 0, reason: 'out-of-range' }] })
  })

  it('keeps field 70 as raw bytes, never text-decoded', () => {
    const raw = Uint8Array.of(0x16, 0x03, 0x01, 0x98, 0xff)
    const r = encodeTlv([
      [25, '63'],
      [65, '17'],
      [70, raw],
    ])
    const m = r.ok ? parseMessage(r.value) : undefined
    expect(m?.ok && toHex(m.value.fields.fileData!)).toBe(toHex(raw))
  })

  it('reports a date-time that is not YYYYMMDDhhmmss as invalid', () => {
    const m = parseMessage(
      pairsToData([
        [25, '1'],
        [21, '2019-02-25'],
      ]),
    )
    expect(m.ok && m.value.invalid).toEqual([{ tag: 21, reason: 'bad-datetime', raw: '2019-02-25' }])
  })
})

describe('parsing messages', () => {
  it('a message without field 25 is refused as no-op', () => {
    expect(parseMessage(pairsToData([[39, '1']]))).toEqual({ ok: false, error: { kind: 'no-op' } })
  })

  it('a field 25 that is not a number is refused as bad-op', () => {
    expect(parseMessage(pairsToData([[25, 'x1']]))).toEqual({ ok: false, error: { kind: 'bad-op', raw: 'x1' } })
    expect(parseMessage(pairsToData([[25, '-1']]))).toEqual({ ok: false, error: { kind: 'bad-op', raw: '-1' } })
  })

  it('a CRC-valid frame whose TLV overruns is a tlv error, not an exception (scenario 33)', () => {
    const framed = encodeStxFrame(Uint8Array.of(0x19, 0x01, 0x00, 0x31, 0x27, 0x09, 0x00, 0x31))
    const [event] = framed.ok ? new FrameDecoder().push(framed.value) : []
    expect(event?.kind).toBe('frame')
    expect(event?.kind === 'frame' && parseMessage(event.payload)).toEqual({
      ok: false,
      error: { kind: 'tlv', error: { kind: 'overrun', offset: 4, tag: 39, length: 9, available: 1 } },
    })
  })

  it('a repeated tag makes the message suspect and the first value wins', () => {
    const m = parseMessage(Uint8Array.of(0x19, 0x01, 0x00, 0x31, 0x27, 0x01, 0x00, 0x31, 0x27, 0x02, 0x00, 0x31, 0x36))
    expect(m.ok && m.value.suspect).toBe(true)
    expect(m.ok && m.value.fields.status).toBe(1)
  })

  it('status 1 and 17 are approved; 16, 34, 53 declined; 0, absent or unlisted unknown (§ 6.5)', () => {
    expect([1, 17, 16, 34, 53, 0, undefined, 99].map(statusOutcome)).toEqual([
      'approved',
      'approved',
      'declined',
      'declined',
      'declined',
      'unknown',
      'unknown',
      'unknown',
    ])
  })
})

describe('building requests (§ 2.8, § 3.2, § 3.4)', () => {
  it('an SBP sale of 123.45 RUB carries 0 = "12345", 4 = "643", 26 = ecrNo, 27 = id, 200 = "SBP" (scenario 15)', () => {
    const r = buildSale({
      amount: 12345,
      currency: 643,
      ecrNo: 7,
      terminalId: '99000001',
      op: PDK_SBP1.payOp,
      extra: [[PDK_SBP1.methodTag, PDK_SBP1.methodSbp]],
    })
    expect(pairs(r)).toEqual([
      [0, '12345'],
      [4, '643'],
      [25, '1'],
      [26, '7'],
      [27, '99000001'],
      [200, 'SBP'],
    ])
  })

  it('a switch-profile sale carries no tag 200 (scenario 18)', () => {
    expect(pairs(buildSale({ amount: 100, currency: 643, ecrNo: 1, terminalId: '99000001' })).map(([t]) => t)).toEqual([0, 4, 25, 26, 27])
  })

  it('amounts of 0, −1, 1.5 kopecks or 13 digits are refused before anything is written (scenario 23)', () => {
    for (const amount of [0, -1, 1.5, 1_000_000_000_000, Number.NaN]) {
      expect(buildSale({ amount, currency: 643 })).toEqual({ ok: false, error: { kind: 'bad-amount', tag: 0, value: amount } })
    }
    expect(buildSale({ amount: AMOUNT_MAX_MINOR, currency: 643 }).ok).toBe(true)
  })

  it('a currency outside 0…999 is refused and a short ISO code is zero-padded to 3 digits', () => {
    expect(buildSale({ amount: 1, currency: 6430 })).toMatchObject({ ok: false, error: { kind: 'bad-int', tag: 4 } })
    expect(pairs(buildSale({ amount: 1, currency: 51 }))[1]).toEqual([4, '051'])
  })

  it('a refund copies RRN and auth code of the original into 14 and 13 (§ 3.2)', () => {
    const r = buildRefund({ amount: 20000, currency: 643, ecrNo: 9, terminalId: '99000001', rrn: '905632625568', authCode: '212840' })
    expect(pairs(r)).toEqual([
      [0, '20000'],
      [4, '643'],
      [13, '212840'],
      [14, '905632625568'],
      [25, '29'],
      [26, '9'],
      [27, '99000001'],
    ])
  })

  it('check link with an empty terminal id is the captured 19 02 00 32 36 1B 00 00 ([Z4])', () => {
    const r = buildCheckLink({ terminalId: '' })
    expect(r.ok && toHex(r.value)).toBe('19 02 00 32 36 1B 00 00')
  })

  it('the receipt copy of the last operation is {25:63, 64:1, 65:22, 27}', () => {
    expect(pairs(buildReceiptCopy({ last: true, terminalId: '99000001' }))).toEqual([
      [25, '63'],
      [27, '99000001'],
      [64, '1'],
      [65, '22'],
    ])
  })

  it('the PDK-SBP/1 status request is {25:200, 26, 27, 34}', () => {
    expect(pairs(buildStatusRequest({ op: PDK_SBP1.statusOp, ecrNo: 42, origOp: 29, terminalId: '99000001' }))).toEqual([
      [25, '200'],
      [26, '42'],
      [27, '99000001'],
      [34, '29'],
    ])
  })

  it('the host-relay refusal is {25:63, 65:16|17, 67:1} (§ 3.4)', () => {
    expect(pairs(buildHostRelayReply({ sub: 17, result: 1 }))).toEqual([
      [25, '63'],
      [65, '17'],
      [67, '1'],
    ])
  })

  it('an extra field repeating a typed one is refused, not silently doubled', () => {
    expect(buildSale({ amount: 1, currency: 643, extra: [[25, '1']] })).toEqual({ ok: false, error: { kind: 'duplicate-tag', tag: 25 } })
  })

  it('buildMessage refuses a date-time that is not 14 digits', () => {
    expect(buildMessage({ operationCode: 1, terminalDateTime: '2019' })).toEqual({
      ok: false,
      error: { kind: 'bad-datetime', tag: 21, value: '2019' },
    })
  })

  it('any amount 1 … 999 999 999 999 with any zero padding goes out and comes back as the same integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: AMOUNT_MAX_MINOR }), fc.integer({ min: 0, max: 16 }), (amount, digits) => {
        const r = buildSale({ amount, currency: 643, amountDigits: digits })
        if (!r.ok) throw new Error('valid amount refused')
        const framed = encodeStxFrame(r.value)
        const payload = framed.ok ? new FrameDecoder().push(framed.value)[0] : undefined
        const m = payload?.kind === 'frame' ? parseMessage(payload.payload) : undefined
        expect(m?.ok && m.value.fields.amount).toBe(amount)
      }),
    )
  })
})

describe('receipt text (§ 2.11)', () => {
  it('splits field 90 into 0x<TAG>^<attr>^<text> records', () => {
    expect(parseReceipt('0xDF^^ЧЕК КЛИЕНТА\r\nОДОБРЕНО\r\n~0xDA^^ЧЕК КАССИРА~0xDE^^VISA Classic~')).toEqual([
      { tag: 'DF', attr: '', text: 'ЧЕК КЛИЕНТА\r\nОДОБРЕНО\r\n' },
      { tag: 'DA', attr: '', text: 'ЧЕК КАССИРА' },
      { tag: 'DE', attr: '', text: 'VISA Classic' },
    ])
  })

  it('keeps text without the record shape as an untagged record', () => {
    expect(parseReceipt('просто текст')).toEqual([{ tag: null, attr: '', text: 'просто текст' }])
  })

  it('any records without ~ in their text round-trip formatReceipt → parseReceipt', () => {
    const text = fc.string().filter((s) => !s.includes('~') && s !== '')
    const attr = fc.string().filter((s) => !s.includes('~') && !s.includes('^'))
    fc.assert(
      fc.property(fc.array(fc.record({ tag: fc.constantFrom('DF', 'DA', 'DE'), attr, text })), (records) => {
        expect(parseReceipt(formatReceipt(records))).toEqual(records)
      }),
    )
  })
})
