// § 6.1 (and § 2.2–§ 2.5): the inpas-sbp client's link layer. Driven with frames built by the codec and with
// timer events; every test states what the till writes and what reaches the operation machine.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  concatBytes,
  ACK,
  EOT,
  NAK,
  SOH,
  STX,
  buildMessage,
  encodeSohFrames,
  encodeStxFrame,
  type SaFieldsInput,
} from '../../workers/providers/inpas-sbp/codec/index.ts'
import {
  ACK_TIMEOUT_MS,
  INTER_BYTE_MS,
  MAX_RESENDS,
  createLinkState,
  linkStep,
  type LinkEffect,
  type LinkEvent,
  type LinkState,
} from '../../workers/providers/inpas-sbp/link.ts'

const hex = (s: string) => Uint8Array.from(s.trim().split(/\s+/), (h) => parseInt(h, 16))
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')

function data(fields: SaFieldsInput, extra: Array<readonly [number, string]> = []): Uint8Array {
  const r = buildMessage(fields, { extra })
  if (!r.ok) throw new Error(JSON.stringify(r.error))
  return r.value
}
function stx(d: Uint8Array): Uint8Array {
  const r = encodeStxFrame(d)
  if (!r.ok) throw new Error('too long')
  return r.value
}
function soh(d: Uint8Array): Uint8Array[] {
  const r = encodeSohFrames(d)
  if (!r.ok) throw new Error('too long')
  return r.value
}

/** Run events in order from `state`; collect every effect. */
function run(events: LinkEvent[], state: LinkState = createLinkState()): { state: LinkState; effects: LinkEffect[] } {
  const effects: LinkEffect[] = []
  for (const e of events) {
    const r = linkStep(state, e)
    state = r.state
    effects.push(...r.effects)
  }
  return { state, effects }
}
const bytes = (b: Uint8Array | number[]): LinkEvent => ({ type: 'bytes', bytes: b instanceof Uint8Array ? b : Uint8Array.from(b) })
const writes = (fx: LinkEffect[]) => fx.flatMap((e) => (e.type === 'write' ? [toHex(e.bytes)] : []))
const delivered = (fx: LinkEffect[]) => fx.flatMap((e) => (e.type === 'deliver' ? [toHex(e.data)] : []))
const errors = (fx: LinkEffect[]) => fx.flatMap((e) => (e.type === 'linkError' ? [e.reason] : []))
const kinds = (fx: LinkEffect[]) => fx.map((e) => e.type)

const SALE = data({ operationCode: 1, amount: 12345, currencyCode: 643, terminalTrxId: 7, terminalId: '99000001' }, [[200, 'SBP']])
const SALE_FRAME = stx(SALE)
const WAIT = hex('02 05 00 19 02 00 32 31 A5 C2') // V1
const RESULT = data({
  operationCode: 1,
  amount: 12345,
  currencyCode: 643,
  status: 1,
  referenceNumber: '000000000001',
  authorizationCode: 'A1B2C3',
  textResponse: 'ОДОБРЕНО',
  terminalId: '99000001',
})
const RESULT_FRAME = stx(RESULT)
const ACK_B = toHex(Uint8Array.of(ACK))
const NAK_B = toHex(Uint8Array.of(NAK))
const EOT_B = toHex(Uint8Array.of(EOT))

const sendSale: LinkEvent = { type: 'send', data: SALE, kind: 'money' }
const ackTimer: LinkEvent = { type: 'timer', name: 'link.ack' }
const gapTimer: LinkEvent = { type: 'timer', name: 'link.interByte' }

describe('§ 6.1 sending: STX only, ACK wait, resend on NAK', () => {
  it('a request goes out as one STX frame and arms the 5 s ACK timer', () => {
    const { effects } = run([sendSale])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME)])
    expect(effects).toContainEqual({ type: 'setTimer', name: 'link.ack', ms: ACK_TIMEOUT_MS })
    expect(ACK_TIMEOUT_MS).toBe(5000)
  })

  it('an ACK settles the frame: the ACK timer is cancelled and a later ACK timeout does nothing', () => {
    const { effects } = run([sendSale, bytes([ACK]), ackTimer])
    expect(kinds(effects)).toEqual(['write', 'setTimer', 'cancelTimer', 'acked'])
  })

  it('§ 7.25: one NAK → the identical bytes are resent once, then the ACK completes it', () => {
    const { effects } = run([sendSale, bytes([NAK]), bytes([ACK])])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME), toHex(SALE_FRAME)])
    expect(effects.filter((e) => e.type === 'acked')).toHaveLength(1)
    expect(errors(effects)).toEqual([])
  })

  it('§ 7.26: four NAKs → 4 transmissions (3 resends), then EOT and `nak-limit`', () => {
    const { state, effects } = run([sendSale, bytes([NAK]), bytes([NAK]), bytes([NAK]), bytes([NAK])])
    expect(MAX_RESENDS).toBe(3)
    expect(writes(effects)).toEqual([...Array(4).fill(toHex(SALE_FRAME)), EOT_B])
    expect(errors(effects)).toEqual(['nak-limit'])
    expect(state.tx).toBeNull()
  })

  it('§ 7.27 lose: a money request without ACK/NAK for 5 s is NOT resent: EOT and `no-ack`', () => {
    const { effects } = run([sendSale, ackTimer])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME), EOT_B])
    expect(errors(effects)).toEqual(['no-ack'])
  })

  it('a non-money request is resent on ACK timeout up to 3 times, then EOT and `no-ack`', () => {
    const check = data({ operationCode: 26, terminalId: '99000001' })
    const f = toHex(stx(check))
    const { effects } = run([{ type: 'send', data: check, kind: 'query' }, ackTimer, ackTimer, ackTimer, ackTimer])
    expect(writes(effects)).toEqual([f, f, f, f, EOT_B])
    expect(errors(effects)).toEqual(['no-ack'])
  })

  it('NAKs and ACK timeouts share one budget of 4 transmissions', () => {
    const check = data({ operationCode: 26 })
    const { effects } = run([{ type: 'send', data: check, kind: 'query' }, bytes([NAK]), ackTimer, bytes([NAK]), ackTimer])
    expect(writes(effects).filter((w) => w !== EOT_B)).toHaveLength(4)
    expect(writes(effects).at(-1)).toBe(EOT_B)
    expect(errors(effects)).toEqual(['no-ack'])
  })

  it('§ 7.27 dropAck: a valid terminal frame while awaiting the ACK counts as the ACK and is processed', () => {
    const { effects } = run([sendSale, bytes(WAIT), ackTimer])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME), ACK_B]) // no resend, no EOT
    expect(effects.filter((e) => e.type === 'acked')).toHaveLength(1)
    expect(delivered(effects)).toEqual([toHex(WAIT.subarray(3, 8))])
    expect(errors(effects)).toEqual([])
  })

  it('§ 7.35 request: EOT instead of ACK = refused; no EOT is written back', () => {
    const { effects } = run([sendSale, bytes([EOT])])
    expect(errors(effects)).toEqual(['refused'])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME)])
    expect(effects).toContainEqual({ type: 'cancelTimer', name: 'link.ack' })
  })

  it('EOT after the ACK = the terminal ended the exchange (`eot`)', () => {
    const { effects } = run([sendSale, bytes([ACK]), bytes([EOT])])
    expect(errors(effects)).toEqual(['eot'])
  })

  it('never two requests at once: a send while a frame awaits its ACK writes nothing (`busy`)', () => {
    const { effects } = run([sendSale, { type: 'send', data: SALE, kind: 'query' }])
    expect(writes(effects)).toHaveLength(1)
    expect(errors(effects)).toEqual(['busy'])
  })

  it('the till never sends SOH: even DATA far above 507 bytes goes out as one STX frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 3000 }), (d) => {
        const { effects } = run([{ type: 'send', data: d, kind: 'query' }])
        const w = effects.find((e) => e.type === 'write')
        expect(w && w.type === 'write' && w.bytes[0]).toBe(STX)
        expect(w && w.type === 'write' && w.bytes.length).toBe(d.length + 5)
      }),
      { numRuns: 50 },
    )
  })

  it('the `eot` request writes EOT and forgets the frame in flight', () => {
    const { state, effects } = run([sendSale, { type: 'eot' }, ackTimer])
    expect(writes(effects)).toEqual([toHex(SALE_FRAME), EOT_B])
    expect(state.tx).toBeNull()
    expect(errors(effects)).toEqual([])
  })
})

describe('§ 6.1 receiving: ACK at once, NAK bad frames, de-duplicate, resync', () => {
  it('a good frame is ACKed before it is delivered, and delivered with its parse', () => {
    const { effects } = run([bytes(RESULT_FRAME)])
    const iAck = effects.findIndex((e) => e.type === 'write' && e.bytes[0] === ACK)
    const iDeliver = effects.findIndex((e) => e.type === 'deliver')
    expect(iAck).toBeGreaterThanOrEqual(0)
    expect(iAck).toBeLessThan(iDeliver)
    const d = effects[iDeliver]!
    expect(d.type === 'deliver' && d.message.ok && d.message.value.fields.status).toBe(1)
    expect(d.type === 'deliver' && d.message.ok && d.message.value.fields.textResponse).toBe('ОДОБРЕНО')
  })

  it('the real captures V1 and V3 are ACKed and delivered', () => {
    const v3 = hex(`02 9A 00 00 04 00 31 30 30 30 04 03 00 36 34 33 06 0E 00 32 30 31 39 30 32 32 35 31 35 33 32 30
      32 0A 10 00 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 2A 36 36 33 39 0B 04 00 31 39 30 33 0D 06 00 32 31
      32 38 34 30 0E 0C 00 39 30 35 36 33 32 36 32 35 35 36 38 0F 02 00 30 30 13 08 00 CE C4 CE C1 D0
      C5 CD CE 15 0E 00 32 30 31 39 30 32 32 35 31 35 33 32 30 32 17 02 00 2D 31 19 01 00 31 1A 02 00
      2D 31 1B 08 00 30 30 32 36 36 32 38 36 1C 09 00 31 31 31 31 31 31 31 31 31 27 01 00 31 34 FE`)
    const { effects } = run([bytes(concatBytes([WAIT, v3]))])
    expect(writes(effects)).toEqual([ACK_B, ACK_B])
    const msgs = effects.flatMap((e) => (e.type === 'deliver' && e.message.ok ? [e.message.value] : []))
    expect(msgs.map((m) => m.op)).toEqual([21, 1])
    expect(msgs[1]!.fields.referenceNumber).toBe('905632625568')
  })

  it('§ 7.28: a bad-CRC frame is NAKed and not delivered; its resend is delivered once', () => {
    const bad = RESULT_FRAME.slice()
    bad[10] = bad[10]! ^ 0x01
    const { effects } = run([bytes(bad), bytes(RESULT_FRAME)])
    expect(writes(effects)).toEqual([NAK_B, ACK_B])
    expect(delivered(effects)).toEqual([toHex(RESULT)])
  })

  it('3 consecutive bad frames → NAK ×3, then EOT and `bad-frames`', () => {
    const bad = RESULT_FRAME.slice()
    bad[5] = bad[5]! ^ 0xff
    const { effects } = run([bytes(bad), bytes(bad), bytes(bad)])
    expect(writes(effects)).toEqual([NAK_B, NAK_B, NAK_B, EOT_B])
    expect(errors(effects)).toEqual(['bad-frames'])
    expect(delivered(effects)).toEqual([])
  })

  it('a good frame between bad ones restarts the count of consecutive bad frames', () => {
    const bad = RESULT_FRAME.slice()
    bad[5] = bad[5]! ^ 0xff
    const { effects } = run([bytes(bad), bytes(bad), bytes(WAIT), bytes(bad), bytes(bad)])
    expect(writes(effects)).toEqual([NAK_B, NAK_B, ACK_B, NAK_B, NAK_B])
    expect(errors(effects)).toEqual([])
  })

  it("a bad frame never stands for the ACK of the till's frame", () => {
    const bad = WAIT.slice()
    bad[4] = bad[4]! ^ 0x10
    const { state, effects } = run([sendSale, bytes(bad)])
    expect(effects.some((e) => e.type === 'acked')).toBe(false)
    expect(state.tx).not.toBeNull()
  })

  it('§ 7.29: a byte-identical resend (our ACK was lost) is ACKed again and processed once', () => {
    const { effects } = run([bytes(RESULT_FRAME), bytes(RESULT_FRAME)])
    expect(writes(effects)).toEqual([ACK_B, ACK_B])
    expect(delivered(effects)).toEqual([toHex(RESULT)])
    expect(effects.filter((e) => e.type === 'heard')).toHaveLength(2)
  })

  it('duplicate memory is per exchange: after a new request an identical reply is delivered again', () => {
    const check = data({ operationCode: 26 })
    const reply = stx(data({ operationCode: 26, status: 1, terminalId: '99000001' }))
    const { effects } = run([{ type: 'send', data: check, kind: 'query' }, bytes(reply), { type: 'send', data: check, kind: 'query' }, bytes(reply)])
    expect(delivered(effects)).toHaveLength(2)
  })

  it('a host-relay reply does not clear the duplicate memory', () => {
    const relay = stx(data({ operationCode: 63, commandMode: 1, commandMode2: 16 }))
    const answer = data({ operationCode: 63, commandMode2: 16, commandResult: 1 })
    const { effects } = run([bytes(relay), { type: 'send', data: answer, kind: 'reply' }, bytes(relay)])
    expect(delivered(effects)).toHaveLength(1)
  })

  it('§ 7.30: stray bytes between frames are skipped; ACK/NAK/EOT there are controls, never data', () => {
    const stream = concatBytes([Uint8Array.of(0x55, 0xaa, 0x00), WAIT, Uint8Array.of(0x06, 0x15, 0x33), RESULT_FRAME, Uint8Array.of(0x99)])
    const { effects } = run([bytes(stream)])
    expect(delivered(effects)).toEqual([toHex(WAIT.subarray(3, 8)), toHex(RESULT)])
    expect(writes(effects)).toEqual([ACK_B, ACK_B])
    expect(effects).toContainEqual({ type: 'note', note: { kind: 'unexpected', control: 'ack' } })
    expect(effects).toContainEqual({ type: 'note', note: { kind: 'unexpected', control: 'nak' } })
    expect(effects).toContainEqual({ type: 'note', note: { kind: 'stray', count: 3 } })
  })

  it('§ 7.32: an inter-byte gap over 1 s drops the partial frame; the next STX is parsed', () => {
    const part = RESULT_FRAME.subarray(0, 20)
    const { effects, state } = run([bytes(part), gapTimer, bytes(WAIT)])
    expect(effects).toContainEqual({ type: 'setTimer', name: 'link.interByte', ms: INTER_BYTE_MS })
    expect(effects).toContainEqual({ type: 'note', note: { kind: 'gap', discarded: 20 } })
    expect(delivered(effects)).toEqual([toHex(WAIT.subarray(3, 8))])
    expect(writes(effects)).toEqual([ACK_B])
    expect(state.partial.length).toBe(0)
  })

  it('the inter-byte timer is re-armed by every chunk inside a frame and cancelled when the frame completes', () => {
    const { effects } = run([bytes(RESULT_FRAME.subarray(0, 5)), bytes(RESULT_FRAME.subarray(5, 9)), bytes(RESULT_FRAME.subarray(9))])
    const t = effects.filter((e) => e.type === 'setTimer' || e.type === 'cancelTimer').map((e) => e.type)
    expect(t).toEqual(['setTimer', 'setTimer', 'cancelTimer'])
    expect(delivered(effects)).toEqual([toHex(RESULT)])
  })

  it('§ 7.31: SOH fragments are each ACKed and reassembled into one message', () => {
    const slip = '0xDF^^' + 'ЧЕК КЛИЕНТА\r\n'.repeat(120) + '~'
    const big = data({ operationCode: 1, status: 1, amount: 10000, receiptData: slip })
    const frags = soh(big)
    expect(frags.length).toBeGreaterThan(2)
    const { effects } = run(frags.map((f) => bytes(f)))
    expect(writes(effects)).toEqual(frags.map(() => ACK_B))
    expect(delivered(effects)).toEqual([toHex(big)])
    const d = effects.find((e) => e.type === 'deliver')
    expect(d?.type === 'deliver' && d.message.ok && d.message.value.fields.receiptData).toBe(slip)
  })

  it('a lone SOH fragment numbered 0 is a complete message', () => {
    const { effects } = run([bytes(soh(RESULT)[0]!)])
    expect(delivered(effects)).toEqual([toHex(RESULT)])
  })

  it('SOH order broken → collected parts dropped (still ACKed: CRC is fine), nothing delivered', () => {
    const big = data({ operationCode: 1, receiptData: 'x'.repeat(1500) })
    const [f1, , f3, f0] = soh(big)
    const { effects } = run([bytes(f1!), bytes(f3!), bytes(f0!)])
    expect(writes(effects)).toEqual([ACK_B, ACK_B, ACK_B])
    expect(delivered(effects)).toEqual([])
    expect(effects.some((e) => e.type === 'note' && e.note.kind === 'soh-dropped' && e.note.reason === 'order')).toBe(true)
  })

  it('a fragment resent after a lost ACK is ACKed again but collected once', () => {
    const big = data({ operationCode: 1, receiptData: 'y'.repeat(1200) })
    const fr = soh(big)
    const { effects } = run([bytes(fr[0]!), bytes(fr[0]!), ...fr.slice(1).map((f) => bytes(f))])
    expect(writes(effects)).toHaveLength(fr.length + 1)
    expect(delivered(effects)).toEqual([toHex(big)])
  })

  it('an STX frame in the middle of an SOH collection drops the parts and is delivered itself', () => {
    const big = data({ operationCode: 1, receiptData: 'z'.repeat(1200) })
    const fr = soh(big)
    const { effects } = run([bytes(fr[0]!), bytes(WAIT), ...fr.slice(1).map((f) => bytes(f))])
    expect(delivered(effects)).toEqual([toHex(WAIT.subarray(3, 8))])
  })

  it('§ 7.33: good CRC but TLV overrunning the data → ACKed and delivered as malformed', () => {
    const broken = Uint8Array.of(0x19, 0x01, 0x00, 0x31, 0x27, 0x09, 0x00, 0x31) // field 39 claims 9 bytes
    const { effects } = run([bytes(stx(broken))])
    expect(writes(effects)).toEqual([ACK_B])
    const d = effects.find((e) => e.type === 'deliver')
    expect(d?.type === 'deliver' && d.message.ok).toBe(false)
  })

  it('§ 7.34: unknown tags arrive with the message; known fields are read', () => {
    const d = data({ operationCode: 1, status: 1 }, [
      [150, 'x'],
      [250, 'y'],
    ])
    const { effects } = run([bytes(stx(d))])
    const m = effects.find((e) => e.type === 'deliver')
    expect(m?.type === 'deliver' && m.message.ok && m.message.value.unknownTags).toEqual([150, 250])
    expect(m?.type === 'deliver' && m.message.ok && m.message.value.fields.status).toBe(1)
  })

  it('reset forgets the partial frame, SOH parts and the duplicate memory', () => {
    const { state } = run([bytes(RESULT_FRAME), bytes(RESULT_FRAME.subarray(0, 4)), { type: 'reset' }])
    expect(state).toEqual(createLinkState())
    const { effects } = run([bytes(RESULT_FRAME)], state)
    expect(delivered(effects)).toHaveLength(1)
  })

  it('a step never modifies the state it was given', () => {
    const s0 = run([bytes(RESULT_FRAME.subarray(0, 7)), sendSale]).state
    const snapshot = JSON.stringify(s0, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))
    linkStep(s0, bytes(RESULT_FRAME.subarray(7)))
    linkStep(s0, bytes([NAK]))
    linkStep(s0, { type: 'reset' })
    expect(JSON.stringify(s0, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))).toBe(snapshot)
  })
})

// ---------------------------------------------------------------------------------------------------------
// Properties

const tlvMap = fc.dictionary(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabc АБВЁёя^~'.split('')), maxLength: 40 }),
  { maxKeys: 8 },
)
/** A terminal message: TLV DATA, sent as STX, or (when long) as SOH fragments. */
const message = fc.tuple(tlvMap, fc.integer({ min: 0, max: 1400 }), fc.boolean()).map(([m, pad, asSoh]) => {
  const entries: Array<readonly [number, string]> = Object.entries(m).map(([k, v]) => [Number(k), v] as const)
  entries.push([25, String(pad % 250)])
  if (pad > 600) entries.push([90, 'x'.repeat(pad)])
  const uniq = new Map(entries)
  const d = buildMessage({}, { extra: [...uniq] })
  if (!d.ok) throw new Error('build')
  return { data: d.value, frames: asSoh ? soh(d.value) : [stx(d.value)] }
})
/** Stray bytes between frames that are neither frame starts nor controls. */
const stray = fc.uint8Array({ maxLength: 4 }).map((b) => b.filter((x) => ![SOH, STX, ACK, NAK, EOT].includes(x)))

function splitAt(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y)
  const out: Uint8Array[] = []
  let from = 0
  for (const p of points) {
    out.push(b.subarray(from, p))
    from = p
  }
  out.push(b.subarray(from))
  return out
}

describe('§ 6.1 properties', () => {
  it("any chunking of the terminal's bytes gives the same delivered messages and the same ACKs", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(stray, message), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 40 }), (items, cuts) => {
        const stream = concatBytes(items.flatMap(([s, m]) => [s, ...m.frames]))
        const whole = run([bytes(stream)]).effects
        const chunked = run(splitAt(stream, cuts).map((c) => bytes(c))).effects
        // Consecutive identical messages are de-duplicated as resends; compare with that expectation.
        const expected: string[] = []
        let last: string | undefined
        for (const [, m] of items) {
          const lastFrame = toHex(m.frames.at(-1)!)
          const h = toHex(m.data)
          if (m.frames.length === 1 && lastFrame === last) continue
          expected.push(h)
          last = lastFrame
        }
        expect(delivered(whole)).toEqual(expected)
        expect(delivered(chunked)).toEqual(expected)
        expect(writes(chunked)).toEqual(writes(whole))
        expect(writes(whole).every((w) => w === ACK_B)).toBe(true)
        expect(writes(whole)).toHaveLength(items.reduce((n, [, m]) => n + m.frames.length, 0))
      }),
      { numRuns: 150 },
    )
  })

  it('a frame with any one byte damaged (after LEN) is never delivered and is NAKed; its resend is delivered once', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.array(fc.nat(), { maxLength: 10 }), (m, at, flip, cuts) => {
        const frame = m.frames[0]!
        const bad = frame.slice()
        const i = 3 + (at % (frame.length - 3))
        bad[i] = bad[i]! ^ flip
        const { effects } = run([...splitAt(bad, cuts).map((c) => bytes(c)), bytes(frame)])
        expect(writes(effects)[0]).toBe(NAK_B)
        expect(effects.filter((e) => e.type === 'deliver')).toHaveLength(m.frames.length === 1 ? 1 : 0)
        if (m.frames.length === 1) expect(delivered(effects)).toEqual([toHex(m.data)])
      }),
      { numRuns: 200 },
    )
  })

  it('whatever the terminal sends, a money request is transmitted at most 4 times and never after an ACK', () => {
    const input = fc.array(
      fc.oneof(
        fc.constantFrom<LinkEvent>(bytes([ACK]), bytes([NAK]), bytes([EOT]), ackTimer, gapTimer, bytes(WAIT), bytes(RESULT_FRAME.subarray(0, 9))),
        fc.uint8Array({ maxLength: 6 }).map((b) => bytes(b)),
      ),
      { maxLength: 30 },
    )
    fc.assert(
      fc.property(input, (events) => {
        const { effects } = run([sendSale, ...events])
        const sends = writes(effects).filter((w) => w === toHex(SALE_FRAME))
        expect(sends.length).toBeLessThanOrEqual(4)
        const iAcked = effects.findIndex((e) => e.type === 'acked')
        if (iAcked >= 0) expect(writes(effects.slice(iAcked)).includes(toHex(SALE_FRAME))).toBe(false)
        // An ACK timeout on a money frame never resends it.
        const first = effects.findIndex((e) => e.type === 'write')
        expect(first).toBe(0)
      }),
      { numRuns: 300 },
    )
  })
})
