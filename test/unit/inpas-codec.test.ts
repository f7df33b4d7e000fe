// § 2.13 real-device vectors and § 7 scenarios 54–56 through the inpas-sbp SA codec: every captured frame
// decodes to its documented fields, the encoders reproduce the captured bytes, and damaged copies are caught.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  concatBytes,
  FrameDecoder,
  NOT_SET,
  buildHostRelayReply,
  buildMessage,
  buildSale,
  crc16CcittFalse,
  crc16Umts,
  decodeCp1251,
  decodeFrames,
  decodeTlv,
  displayText,
  encodeSohFrames,
  encodeStxFrame,
  encodeTlv,
  parseMessage,
  parseReceipt,
  readCrcBE,
  statusOutcome,
  tlvText,
  type FrameEvent,
  type SaMessage,
} from '../../workers/providers/inpas-sbp/codec/index.ts'

function hex(text: string): Uint8Array {
  const h = text.replace(/\s+/g, '')
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

const V1 = hex('02 05 00 19 02 00 32 31 A5 C2')

const V2 = hex('02 15 00 00 08 00 30 30 30 30 30 31 30 30 04 03 00 36 34 33 19 01 00 31 46 2E')

const V3 = hex(
  '02 9A 00 00 04 00 31 30 30 30 04 03 00 36 34 33' +
    '06 0E 00 32 30 31 39 30 32 32 35 31 35 33 32 30' +
    '32 0A 10 00 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A' +
    '36 36 33 39 0B 04 00 31 39 30 33 0D 06 00 32 31' +
    '32 38 34 30 0E 0C 00 39 30 35 36 33 32 36 32 35' +
    '35 36 38 0F 02 00 30 30 13 08 00 CE C4 CE C1 D0' +
    'C5 CD CE 15 0E 00 32 30 31 39 30 32 32 35 31 35' +
    '33 32 30 32 17 02 00 2D 31 19 01 00 31 1A 02 00' +
    '2D 31 1B 08 00 30 30 32 36 36 32 38 36 1C 09 00' +
    '31 31 31 31 31 31 31 31 31 27 01 00 31 34 FE',
)

const V4 = hex(
  '02 7A 00 00 04 00 31 30 30 30 04 01 00 30 06 0E' +
    '00 32 30 31 39 30 32 32 35 31 35 33 33 35 31 0F' +
    '03 00 45 52 33 13 21 00 CE CF C5 D0 C0 D6 C8 DF' +
    '20 CF D0 C5 D0 C2 C0 CD C0 5E 54 45 52 4D 49 4E' +
    '41 54 45 44 2E 4A 50 47 7E 15 0E 00 32 30 31 39' +
    '30 32 32 35 31 35 33 33 35 31 17 02 00 2D 31 19' +
    '02 00 35 33 1A 02 00 2D 31 1B 08 00 30 30 32 36' +
    '36 32 38 36 1C 01 00 30 27 02 00 35 33 10 5D',
)

const V5_REQUEST = hex(
  '02 26 00 19 02 00 36 33 40 01 00 31 41 02 00 31' + '36 46 15 00 31 39 35 2E 32 30 30 2E 32 30 39 2E' + '31 30 3B 31 35 34 34 34 3B C3 C8',
)

const V5_REPLY = hex('02 0E 00 19 02 00 36 33 41 02 00 31 36 43 01 00 30 1D 3C')

const V6 = hex(
  '01 B3 00 08 00 01 01 00 31 02 01 00 30 20 20 37' +
    '36 39 35 33 37 0D 0A B9 20 D1 D1 DB CB CA C8 3A' +
    '20 20 20 20 20 20 20 20 20 20 20 38 35 36 36 36' +
    '36 37 30 33 31 33 30 0D 0A 20 0D 0A 0D 0A 2D 2D' +
    '2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D' +
    '2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 0D 0A 20' +
    '20 20 20 20 20 20 20 20 20 20 20 28 CA C0 D1 D1' +
    'C8 D0 29 0D 0A 0D 0A 3D 3D 3D 3D 3D 3D 3D 3D 3D' +
    '3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D' +
    '3D 3D 3D 3D 3D 3D 3D 0D 0A 0A 0A 0A 0A 0A 0A 0A' +
    '0D 0A 7E 30 78 44 45 5E 5E 56 49 53 41 20 43 6C' +
    '61 73 73 69 63 7E 10 BC',
)

/** [Z5] test/InpasPacketLayerTest.cpp: the complete 4-fragment sale result (fragments 1, 2, 3, 0). */
const GOLDEN_FRAGMENTS = [
  hex(
    '01 FB 01 08 00 01 01 00 31 02 01 00 31 00 05 00 31 30 30 30 30 04 03 00 36 34 33 06 0E 00 32 30' +
      '32 30 30 35 31 36 30 32 32 36 35 33 0A 10 00 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 38 39 34 33 0B' +
      '04 00 31 38 30 38 0D 06 00 37 36 39 35 33 37 0E 0C 00 38 35 36 36 36 36 37 30 33 31 33 30 0F 02' +
      '00 30 30 13 08 00 CE C4 CE C1 D0 C5 CD CE 15 0E 00 32 30 32 30 30 35 31 36 30 32 32 36 35 33 17' +
      '02 00 2D 31 19 01 00 31 1A 02 00 2D 31 1B 08 00 34 30 30 30 30 31 37 32 1C 0A 00 31 31 31 31 31' +
      '31 31 31 31 31 27 01 00 31 5A DD 05 30 78 44 46 5E 5E 20 20 20 20 20 20 20 20 20 20 20 C4 C5 CC' +
      'CE 20 D0 C5 C6 C8 CC 0A 0A 0D 0A 20 20 20 20 20 20 20 20 20 20 20 20 20 4D 65 74 72 6F 20 43 26' +
      '43 0D 0A 20 20 20 20 20 20 CF D0 CE D6 C5 D1 D1 C8 CD C3 CE C2 DB C9 20 D6 C5 CD D2 D0 20 20 20' +
      '20 20 20 0D 0A 20 20 20 CC CE D1 CA C2 C0 20 D3 CB 2E CE CA D2 DF C1 D0 DC D1 CA C0 DF 20 C4 2E' +
      '37 32 20 20 20 0D 0A 20 20 20 20 20 20 20 20 20 20 D2 2E 20 37 32 31 2D 33 36 2D 32 31 20 20 20' +
      '20 20 20 20 20 20 20 0D 0A D7 C5 CA 20 CA CB C8 C5 CD D2 C0 20 20 20 20 20 20 20 20 20 20 20 20' +
      '20 20 20 20 20 30 31 39 30 0D 0A 20 20 20 20 20 20 20 20 20 20 CE CF CB C0 D2 C0 20 CF CE CA D3' +
      'CF CA C8 0D 0A 31 36 2E 30 35 2E 32 30 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 30 32 3A' +
      '32 36 3A 35 33 0D 0A D2 C5 D0 CC C8 CD C0 CB 3A 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 34' +
      '30 30 30 30 31 37 32 0D 0A CA C0 D0 D2 C0 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 56 49 53' +
      '41 20 43 6C 61 73 73 69 63 0D 0A 20 20 20 20 20 2A 2A 2A 2A 20 2A 2A 2A 2A 20 2A 2A 2A 2A 6E 95',
  ),
  hex(
    '01 FB 01 08 00 01 01 00 31 02 01 00 32 20 2A 2A 2A 2A 20 38 39 34 33 0D 0A D1 D0 CE CA 20 C4 C5' +
      'C9 D1 D2 C2 C8 DF 20 3A 20 20 20 20 20 20 20 20 20 20 20 20 31 38 2F 30 38 0D 0A CA CB C8 C5 CD' +
      'D2 3A 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 32 2F 54 45 53 54 0D 0A 41 49 44' +
      '20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 41 30 30 30 30 30 30 30 30 33 31 30 31 30 0D 0A D1' +
      'D3 CC CC C0 20 28 52 55 42 29 0D 0A 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20' +
      '20 20 20 20 20 20 31 30 30 2E 30 30 0D 0A 20 20 20 20 20 20 20 20 20 20 20 20 CE C4 CE C1 D0 C5' +
      'CD CE 20 20 20 20 20 20 20 20 20 20 20 20 0D 0A CA CE C4 20 CE D2 C2 C5 D2 C0 20 20 20 20 20 20' +
      '20 20 20 20 20 20 20 20 20 20 20 20 20 20 30 30 0D 0A CA CE C4 20 C0 C2 D2 CE D0 C8 C7 C0 D6 C8' +
      'C8 3A 20 20 20 20 20 20 20 20 20 20 37 36 39 35 33 37 0D 0A B9 20 D1 D1 DB CB CA C8 3A 20 20 20' +
      '20 20 20 20 20 20 20 20 38 35 36 36 36 36 37 30 33 31 33 30 0D 0A 20 0D 0A 0D 0A 2D 2D 2D 2D 2D' +
      '2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 0D 0A 20 20 20 20' +
      '20 20 20 20 20 20 20 20 28 CA C0 D1 D1 C8 D0 29 0D 0A 0D 0A 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D' +
      '3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 0D 0A 0A 0A 0A 0A 0A 0A 0A 0D 0A 7E' +
      '30 78 44 41 5E 5E 20 20 20 20 20 20 20 20 20 20 20 C4 C5 CC CE 20 D0 C5 C6 C8 CC 0A 0A 0D 0A 20' +
      '20 20 20 20 20 20 20 20 20 20 20 20 4D 65 74 72 6F 20 43 26 43 0D 0A 20 20 20 20 20 20 CF D0 CE' +
      'D6 C5 D1 D1 C8 CD C3 CE C2 DB C9 20 D6 C5 CD D2 D0 20 20 20 20 20 20 0D 0A 20 20 20 CC CE 3F DF',
  ),
  hex(
    '01 FB 01 08 00 01 01 00 31 02 01 00 33 D1 CA C2 C0 20 D3 CB 2E CE CA D2 DF C1 D0 DC D1 CA C0 DF' +
      '20 C4 2E 37 32 20 20 20 0D 0A 20 20 20 20 20 20 20 20 20 20 D2 2E 20 37 32 31 2D 33 36 2D 32 31' +
      '20 20 20 20 20 20 20 20 20 20 0D 0A D7 C5 CA 20 CA C0 D1 D1 C8 D0 C0 20 20 20 20 20 20 20 20 20' +
      '20 20 20 20 20 20 20 20 30 31 39 30 0D 0A 20 20 20 20 20 20 20 20 20 20 CE CF CB C0 D2 C0 20 CF' +
      'CE CA D3 CF CA C8 0D 0A 31 36 2E 30 35 2E 32 30 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20' +
      '30 32 3A 32 36 3A 35 33 0D 0A D2 C5 D0 CC C8 CD C0 CB 3A 20 20 20 20 20 20 20 20 20 20 20 20 20' +
      '20 20 34 30 30 30 30 31 37 32 0D 0A CA C0 D0 D2 C0 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20' +
      '56 49 53 41 20 43 6C 61 73 73 69 63 0D 0A 20 20 20 20 20 2A 2A 2A 2A 20 2A 2A 2A 2A 20 2A 2A 2A' +
      '2A 20 2A 2A 2A 2A 20 38 39 34 33 0D 0A D1 D0 CE CA 20 C4 C5 C9 D1 D2 C2 C8 DF 20 3A 20 20 20 20' +
      '20 20 20 20 20 20 20 20 31 38 2F 30 38 0D 0A CA CB C8 C5 CD D2 3A 20 20 20 20 20 20 20 20 20 20' +
      '20 20 20 20 20 20 20 20 20 32 2F 54 45 53 54 0D 0A 41 49 44 20 20 20 20 20 20 20 20 20 20 20 20' +
      '20 20 20 41 30 30 30 30 30 30 30 30 33 31 30 31 30 0D 0A D1 D3 CC CC C0 20 28 52 55 42 29 0D 0A' +
      '20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 31 30 30 2E 30 30' +
      '0D 0A 20 20 20 20 20 20 20 20 20 20 20 20 CE C4 CE C1 D0 C5 CD CE 20 20 20 20 20 20 20 20 20 20' +
      '20 20 0D 0A CA CE C4 20 CE D2 C2 C5 D2 C0 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20 20' +
      '20 20 30 30 0D 0A CA CE C4 20 C0 C2 D2 CE D0 C8 C7 C0 D6 C8 C8 3A 20 20 20 20 20 20 20 20 52 7E',
  ),
  hex(
    '01 B3 00 08 00 01 01 00 31 02 01 00 30 20 20 37 36 39 35 33 37 0D 0A B9 20 D1 D1 DB CB CA C8 3A' +
      '20 20 20 20 20 20 20 20 20 20 20 38 35 36 36 36 36 37 30 33 31 33 30 0D 0A 20 0D 0A 0D 0A 2D 2D' +
      '2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 2D 0D 0A 20' +
      '20 20 20 20 20 20 20 20 20 20 20 28 CA C0 D1 D1 C8 D0 29 0D 0A 0D 0A 3D 3D 3D 3D 3D 3D 3D 3D 3D' +
      '3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 3D 0D 0A 0A 0A 0A 0A 0A 0A 0A' +
      '0D 0A 7E 30 78 44 45 5E 5E 56 49 53 41 20 43 6C 61 73 73 69 63 7E 10 BC',
  ),
]

/** § 2.13 V4: the op-53 request that preceded V4 (op first, then the amount). */
const V4_REQUEST = hex('02 10 00 19 02 00 35 33 00 08 00 30 30 30 30 31 30 30 30 30 09')

const STX_VECTORS: Array<[string, Uint8Array]> = [
  ['V1', V1],
  ['V2', V2],
  ['V3', V3],
  ['V4', V4],
  ['V4 request', V4_REQUEST],
  ['V5 request', V5_REQUEST],
  ['V5 reply', V5_REPLY],
]
const ALL_FRAMES: Array<[string, Uint8Array]> = [
  ...STX_VECTORS,
  ['V6', V6],
  ...GOLDEN_FRAGMENTS.map((f, i): [string, Uint8Array] => [`golden fragment #${i + 1}`, f]),
]

/** Decode one STX frame and parse its DATA, failing the test on any other outcome. */
function message(frame: Uint8Array): SaMessage {
  const events = decodeFrames(frame)
  expect(events).toHaveLength(1)
  const e = events[0]!
  if (e.kind !== 'frame') throw new Error(`expected a frame, got ${e.kind}`)
  const m = parseMessage(e.payload)
  if (!m.ok) throw new Error(`parse failed: ${JSON.stringify(m.error)}`)
  return m.value
}

function payloads(events: FrameEvent[]): Uint8Array[] {
  return events.flatMap((e) => (e.kind === 'frame' ? [e.payload] : []))
}

describe('§ 2.3 CRC-16/UMTS over the captured frames', () => {
  it('the check value of "123456789" is FEE8', () => {
    expect(crc16Umts(ascii('123456789'))).toBe(0xfee8)
  })

  it.each(ALL_FRAMES)('%s carries the CRC of every byte before it, high byte first, and its length matches LEN + 5', (_name, frame) => {
    const len = frame[1]! | (frame[2]! << 8)
    expect(frame.length).toBe(len + 5)
    expect(readCrcBE(frame, frame.length - 2)).toBe(crc16Umts(frame, 0, frame.length - 2))
  })

  it('the table-driven CRCs equal the bitwise definition (poly 8005 / 1021, MSB first) for any bytes and range', () => {
    const bitwise = (poly: number, init: number, bytes: Uint8Array) => {
      let c = init
      for (const b of bytes) {
        c ^= b << 8
        for (let i = 0; i < 8; i++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff
      }
      return c
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600, size: 'max' }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1)
        const end = start + (b % (bytes.length - start + 1))
        expect(crc16Umts(bytes, start, end)).toBe(bitwise(0x8005, 0, bytes.subarray(start, end)))
        expect(crc16CcittFalse(bytes, start, end)).toBe(bitwise(0x1021, 0xffff, bytes.subarray(start, end)))
      }),
    )
  })

  it('the documented CRCs are the ones on the wire (V1 A5C2 … V6 10BC, golden 6E95 3FDF 527E 10BC)', () => {
    const crcOf = (f: Uint8Array) => readCrcBE(f, f.length - 2)
    expect([V1, V2, V3, V4, V5_REQUEST, V5_REPLY, V6].map(crcOf)).toEqual([0xa5c2, 0x462e, 0x34fe, 0x105d, 0xc3c8, 0x1d3c, 0x10bc])
    expect(GOLDEN_FRAGMENTS.map(crcOf)).toEqual([0x6e95, 0x3fdf, 0x527e, 0x10bc])
  })
})

describe('§ 2.13 vectors decode to the documented fields', () => {
  it('V1 is the terminal wait: field 25 = "21" and nothing else', () => {
    const m = message(V1)
    expect(m.op).toBe(21)
    expect(m.tlv.fields.map((f) => f.tag)).toEqual([25])
    expect(toHex(m.tlv.fields[0]!.value)).toBe('32 31')
  })

  it('V2 is a sale of amount "00000100" (100 kopecks), currency 643, op 1', () => {
    const m = message(V2)
    expect(m.tlv.fields.map((f) => [f.tag, decodeCp1251(f.value)])).toEqual([
      [0, '00000100'],
      [4, '643'],
      [25, '1'],
    ])
    expect(m.fields).toEqual({ amount: 100, currencyCode: 643, operationCode: 1 })
  })

  it('V3 is the approved sale with every listed field, Cyrillic text included', () => {
    const m = message(V3)
    expect(m.fields).toEqual({
      amount: 1000,
      currencyCode: 643,
      dateTimeHost: '20190225153202',
      pan: '************6639',
      cardExpiryDate: '1903',
      authorizationCode: '212840',
      referenceNumber: '905632625568',
      responseCodeHost: '00',
      textResponse: 'ОДОБРЕНО',
      terminalDateTime: '20190225153202',
      operationCode: 1,
      terminalId: '00266286',
      merchantId: '111111111',
      status: 1,
    })
    // TrxID and TerminalTrxID are "-1": present on the wire, "not set" when typed.
    expect(tlvText(m.tlv, 23)).toBe(NOT_SET)
    expect(tlvText(m.tlv, 26)).toBe(NOT_SET)
    expect(m.tlv.fields.map((f) => f.tag)).toEqual([0, 4, 6, 10, 11, 13, 14, 15, 19, 21, 23, 25, 26, 27, 28, 39])
    expect(m.unknownTags).toEqual([])
    expect(m.invalid).toEqual([])
    expect(m.suspect).toBe(false)
    expect(statusOutcome(m.fields.status)).toBe('approved')
  })

  it('V4 is the aborted emergency cancel: status 53, host code ER3, field 19 shown before "^"', () => {
    const m = message(V4)
    expect(m.fields).toEqual({
      amount: 1000,
      currencyCode: 0,
      dateTimeHost: '20190225153351',
      responseCodeHost: 'ER3',
      textResponse: 'ОПЕРАЦИЯ ПРЕРВАНА^TERMINATED.JPG~',
      terminalDateTime: '20190225153351',
      operationCode: 53,
      terminalId: '00266286',
      merchantId: '0',
      status: 53,
    })
    expect(displayText(m.fields.textResponse!)).toBe('ОПЕРАЦИЯ ПРЕРВАНА')
    expect(statusOutcome(m.fields.status)).toBe('declined')
  })

  it('the request before V4 is op 53 first, then amount "00001000"', () => {
    const m = message(V4_REQUEST)
    expect(m.tlv.fields.map((f) => [f.tag, decodeCp1251(f.value)])).toEqual([
      [25, '53'],
      [0, '00001000'],
    ])
    expect(m.fields.amount).toBe(1000)
  })

  it('V5 is a host-relay open (63, 64 = 1, 65 = 16, 70 = "195.200.209.10;15444;") and its reply (63, 65 = 16, 67 = 0)', () => {
    const open = message(V5_REQUEST)
    expect(open.op).toBe(63)
    expect(open.fields.commandMode).toBe(1)
    expect(open.fields.commandMode2).toBe(16)
    expect(open.fields.status).toBeUndefined()
    expect(new TextDecoder().decode(open.fields.fileData)).toBe('195.200.209.10;15444;')
    const reply = message(V5_REPLY)
    expect(reply.fields).toEqual({ operationCode: 63, commandMode2: 16, commandResult: 0 })
  })

  it('V6 alone is a lone last fragment: header version "1", number "0", 169 part bytes ending "~0xDE^^VISA Classic~"', () => {
    const hlen = V6[3]! | (V6[4]! << 8)
    const header = decodeTlv(V6.subarray(5, 5 + hlen))
    expect(header.ok && header.value.fields.map((f) => [f.tag, decodeCp1251(f.value)])).toEqual([
      [1, '1'],
      [2, '0'],
    ])
    const events = decodeFrames(V6)
    expect(events).toHaveLength(1)
    const e = events[0]!
    expect(e.kind === 'frame' && e.via).toBe('soh')
    const part = e.kind === 'frame' ? e.payload : new Uint8Array(0)
    expect(part).toHaveLength(169)
    expect(decodeCp1251(part)).toMatch(/№ ССЫЛКИ:\s+856666703130\r\n[\s\S]*~0xDE\^\^VISA Classic~$/)
  })

  it('the [Z5] four fragments reassemble into the 1 660-byte sale result with a 1 501-byte slip', () => {
    const events = decodeFrames(concatBytes(GOLDEN_FRAGMENTS))
    expect(events.map((e) => e.kind)).toEqual(['fragment', 'fragment', 'fragment', 'frame'])
    expect(events.slice(0, 3).map((e) => (e.kind === 'fragment' ? e.number : -1))).toEqual([1, 2, 3])
    const [payload] = payloads(events)
    expect(payload).toHaveLength(1660)
    const m = parseMessage(payload!)
    if (!m.ok) throw new Error('golden message must parse')
    const f = m.value.fields
    expect(f).toMatchObject({
      amount: 10000,
      currencyCode: 643,
      authorizationCode: '769537',
      referenceNumber: '856666703130',
      responseCodeHost: '00',
      textResponse: 'ОДОБРЕНО',
      terminalId: '40000172',
      merchantId: '1111111111',
      operationCode: 1,
      status: 1,
    })
    expect(f.receiptData).toHaveLength(1501)
    const slip = parseReceipt(f.receiptData!)
    expect(slip.map((r) => r.tag)).toEqual(['DF', 'DA', 'DE'])
    expect(slip[0]!.text).toContain('ОДОБРЕНО')
    expect(slip[0]!.text).toContain('№ ССЫЛКИ:')
    expect(slip[2]!.text).toBe('VISA Classic')
  })
})

describe('§ 2.13 the encoders reproduce the captured bytes', () => {
  it.each(STX_VECTORS)('%s: its fields re-encoded in wire order and framed give the vector byte for byte', (_name, frame) => {
    const data = decodeTlv(frame.subarray(3, frame.length - 2))
    if (!data.ok) throw new Error('vector must decode')
    const tlv = encodeTlv(data.value.fields.map((f) => [f.tag, f.value] as const))
    if (!tlv.ok) throw new Error('fields must encode')
    const again = encodeStxFrame(tlv.value)
    expect(again.ok && toHex(again.value)).toBe(toHex(frame))
  })

  it('{0:"00000100", 4:"643", 25:"1"} in that order encodes to V2 ([Z5] testTlvPacketMaker)', () => {
    const tlv = encodeTlv([
      [0, '00000100'],
      [4, '643'],
      [25, '1'],
    ])
    const frame = tlv.ok ? encodeStxFrame(tlv.value) : tlv
    expect(frame.ok && toHex(frame.value)).toBe(toHex(V2))
  })

  it('V3 (Cyrillic field 19) re-encodes from text values, not only from raw bytes', () => {
    const m = message(V3)
    const texts = m.tlv.fields.map((f) => [f.tag, decodeCp1251(f.value)] as const)
    const tlv = encodeTlv(texts)
    const frame = tlv.ok ? encodeStxFrame(tlv.value) : tlv
    expect(frame.ok && toHex(frame.value)).toBe(toHex(V3))
  })

  it('buildSale for 100 kopecks in RUB with 8 amount digits is V2', () => {
    const data = buildSale({ amount: 100, currency: 643, amountDigits: 8 })
    const frame = data.ok ? encodeStxFrame(data.value) : data
    expect(frame.ok && toHex(frame.value)).toBe(toHex(V2))
  })

  it('buildMessage of the V5 relay open fields is V5 (ascending tags, as captured)', () => {
    const data = buildMessage({ operationCode: 63, commandMode: 1, commandMode2: 16, fileData: ascii('195.200.209.10;15444;') })
    const frame = data.ok ? encodeStxFrame(data.value) : data
    expect(frame.ok && toHex(frame.value)).toBe(toHex(V5_REQUEST))
  })

  it('buildHostRelayReply({sub: 16, result: 0}) is the V5 reply', () => {
    const data = buildHostRelayReply({ sub: 16, result: 0 })
    const frame = data.ok ? encodeStxFrame(data.value) : data
    expect(frame.ok && toHex(frame.value)).toBe(toHex(V5_REPLY))
  })

  it('splitting the golden 1 660-byte message into 512-byte SOH frames reproduces the four [Z5] fragments', () => {
    const [payload] = payloads(decodeFrames(concatBytes(GOLDEN_FRAGMENTS)))
    const frames = encodeSohFrames(payload!)
    expect(frames.ok && frames.value.map(toHex)).toEqual(GOLDEN_FRAGMENTS.map(toHex))
    expect(frames.ok && frames.value[3] && toHex(frames.value[3])).toBe(toHex(V6))
  })
})

describe('§ 7 scenarios 30/31: delivery does not change what is decoded', () => {
  it('the golden fragments fed one byte at a time, with stray 06 04 15 55 between frames, yield the same message and the controls', () => {
    const stray = hex('06 04 15 55')
    const stream = concatBytes([stray, GOLDEN_FRAGMENTS[0]!, stray, GOLDEN_FRAGMENTS[1]!, GOLDEN_FRAGMENTS[2]!, stray, GOLDEN_FRAGMENTS[3]!])
    const d = new FrameDecoder()
    const events: FrameEvent[] = []
    for (const b of stream) events.push(...d.push(Uint8Array.of(b)))
    expect(events.map((e) => e.kind)).toEqual(['ack', 'eot', 'nak', 'fragment', 'ack', 'eot', 'nak', 'fragment', 'fragment', 'ack', 'eot', 'nak', 'frame'])
    expect(d.skipped).toBe(3)
    expect(payloads(events)).toEqual(payloads(decodeFrames(concatBytes(GOLDEN_FRAGMENTS))))
  })
})

describe('§ 7 scenario 55: a V-frame with one byte changed is reported, never passed on', () => {
  it.each(ALL_FRAMES)('%s: every single-bit flip at every position yields `corrupt` or never the original payload', (_name, frame) => {
    const original = payloads(decodeFrames(frame))[0]
    for (let at = 0; at < frame.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = frame.slice()
        bad[at]! ^= 1 << bit
        const events = decodeFrames(bad)
        const same = payloads(events).some((p) => original !== undefined && toHex(p) === toHex(original))
        expect(same, `flip bit ${bit} of byte ${at}`).toBe(false)
        // A flip in DATA or in the CRC (the length bytes intact) is always reported as a CRC error.
        if (at >= 3)
          expect(
            events.map((e) => e.kind),
            `flip bit ${bit} of byte ${at}`,
          ).toEqual(['corrupt'])
      }
    }
  })
})
