// § 2.2–§ 2.5 and § 6.1: STX/SOH framing and the streaming decoder of the inpas-sbp codec. The decoder must
// give the same events however the bytes are chunked, find frames among stray bytes, report damage so the
// link can NAK, and reassemble SOH fragments only in order.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  concatBytes,
  ACK,
  EOT,
  FrameDecoder,
  NAK,
  SOH_FRAME_MAX,
  SOH_PART_MAX,
  SOH_THRESHOLD,
  crc16Umts,
  writeCrcBE,
  STX_DATA_MAX,
  decodeFrames,
  encodeFrames,
  encodeSohFragment,
  encodeSohFrames,
  encodeStxFrame,
  type FrameEvent,
} from '../../workers/providers/inpas-sbp/codec/index.ts'

function stx(data: Uint8Array): Uint8Array {
  const r = encodeStxFrame(data)
  if (!r.ok) throw new Error('too long')
  return r.value
}

function frames(data: Uint8Array, threshold = SOH_THRESHOLD): Uint8Array[] {
  const r = encodeFrames(data, threshold)
  if (!r.ok) throw new Error('too long')
  return r.value
}

/** Split `bytes` at the given cut points (any numbers; reduced modulo the length). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let at = 0
  for (const p of points) {
    out.push(bytes.subarray(at, p))
    at = p
  }
  out.push(bytes.subarray(at))
  return out
}

function feed(chunks: Uint8Array[]): FrameEvent[] {
  const d = new FrameDecoder()
  return chunks.flatMap((c) => d.push(c))
}

const messages = (events: FrameEvent[]) => events.flatMap((e) => (e.kind === 'frame' ? [e.payload] : []))

/**
 * The same events with each payload as hex text: equal exactly when the bytes are, and compared as one string
 * instead of element by element (the property runs compare hundreds of kilobytes each).
 */
const hexed = (events: readonly (FrameEvent | Uint8Array | string)[]) =>
  events.map((e) => (e instanceof Uint8Array ? hex(e) : typeof e === 'object' && e.kind === 'frame' ? { ...e, payload: hex(e.payload) } : e))
const hex = (b: Uint8Array) => `hex:${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`

/** DATA of any size: mostly short, often past the 507-byte SOH threshold (fast-check keeps lengths small unless told). */
const anyData = (max: number) => fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 400, maxLength: max, size: 'max' }))

/** One item of a line stream: a message to frame, a control byte, or stray bytes (no STX/SOH/controls). */
const streamItem = fc.oneof(
  { weight: 3, arbitrary: anyData(1600).map((data) => ({ kind: 'message' as const, data })) },
  { weight: 1, arbitrary: fc.constantFrom(ACK, NAK, EOT).map((b) => ({ kind: 'control' as const, data: Uint8Array.of(b) })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 8 })
      .map((a) => a.filter((b) => ![0x01, 0x02, ACK, NAK, EOT].includes(b)))
      .map((data) => ({ kind: 'noise' as const, data })),
  },
)

describe('encoding', () => {
  it('an STX frame is STX, LEN little-endian, DATA, then the CRC high byte first', () => {
    const f = stx(Uint8Array.of(0x19, 0x02, 0x00, 0x32, 0x31))
    expect(Array.from(f)).toEqual([0x02, 0x05, 0x00, 0x19, 0x02, 0x00, 0x32, 0x31, 0xa5, 0xc2])
  })

  it('an STX frame carries up to 65 535 DATA bytes and refuses more', () => {
    expect(encodeStxFrame(new Uint8Array(STX_DATA_MAX)).ok).toBe(true)
    expect(encodeStxFrame(new Uint8Array(STX_DATA_MAX + 1))).toEqual({ ok: false, error: { kind: 'too-long', length: 65536, max: 65535 } })
  })

  it('DATA up to 507 bytes goes as one STX frame of at most 512 bytes; longer goes as SOH fragments (§ 5.2 E10)', () => {
    expect(frames(new Uint8Array(507)).map((f) => [f[0], f.length])).toEqual([[0x02, 512]])
    expect(frames(new Uint8Array(508)).map((f) => [f[0], f.length])).toEqual([
      [0x01, 512],
      [0x01, 5 + 2 + 8 + 11],
    ])
  })

  it('no SOH fragment exceeds 512 bytes or 497 PART bytes, fragments ≥ 10 included', () => {
    const r = encodeSohFrames(new Uint8Array(12 * SOH_PART_MAX))
    if (!r.ok) throw new Error('too long')
    expect(r.value.length).toBe(13)
    for (const f of r.value) {
      const hlen = f[3]! | (f[4]! << 8)
      expect(f.length).toBeLessThanOrEqual(SOH_FRAME_MAX)
      expect(f.length - 7 - hlen).toBeLessThanOrEqual(SOH_PART_MAX)
    }
    expect(r.value[9]!.length).toBe(512) // fragment "10": 9 header bytes, 496 PART bytes
  })

  it('empty DATA as SOH is one lone fragment numbered 0, which decodes to an empty message', () => {
    const r = encodeSohFrames(new Uint8Array(0))
    expect(r.ok && r.value.length).toBe(1)
    expect(r.ok && feed(r.value)).toEqual([{ kind: 'frame', via: 'soh', payload: new Uint8Array(0), fragments: 1, repeat: false }])
  })
})

describe('the streaming decoder', () => {
  it('decodes several frames and controls arriving in one chunk, in order', () => {
    const a = stx(Uint8Array.of(1, 2, 3))
    const b = stx(Uint8Array.of(4))
    const events = decodeFrames(concatBytes([Uint8Array.of(ACK), a, Uint8Array.of(NAK, 0x55, EOT), b]))
    expect(events.map((e) => e.kind)).toEqual(['ack', 'frame', 'nak', 'eot', 'frame'])
    expect(messages(events)).toEqual([Uint8Array.of(1, 2, 3), Uint8Array.of(4)])
  })

  it('counts stray bytes between frames as skipped and never reports them', () => {
    const d = new FrameDecoder()
    expect(d.push(Uint8Array.of(0x55, 0xff, 0x00, 0x03))).toEqual([])
    expect(d.skipped).toBe(4)
  })

  it('bytes that look like controls inside a frame are data, not controls', () => {
    const data = Uint8Array.of(ACK, NAK, EOT, 0x02, 0x01)
    expect(decodeFrames(stx(data))).toEqual([{ kind: 'frame', via: 'stx', payload: data, fragments: 1, repeat: false }])
  })

  it('a bad CRC is reported as corrupt, and the next good frame still decodes', () => {
    const bad = stx(Uint8Array.of(0x19, 0x01, 0x00, 0x31))
    bad[5]! ^= 0x10
    const events = decodeFrames(concatBytes([bad, stx(Uint8Array.of(9))]))
    expect(events).toEqual([
      { kind: 'corrupt', reason: 'crc', via: 'stx', length: 4 },
      { kind: 'frame', via: 'stx', payload: Uint8Array.of(9), fragments: 1, repeat: false },
    ])
  })

  it('after a bad CRC, control-looking bytes inside the damaged frame are not reported (no spurious EOT)', () => {
    const bad = stx(Uint8Array.of(EOT, EOT, ACK, NAK))
    bad[bad.length - 1]! ^= 1
    expect(decodeFrames(bad).map((e) => e.kind)).toEqual(['corrupt'])
  })

  it('dropPartial() after an inter-byte gap forgets the half frame, and the next STX decodes (§ 2.5, scenario 32)', () => {
    const d = new FrameDecoder()
    const f = stx(Uint8Array.of(1, 2, 3, 4))
    expect(d.push(f.subarray(0, 5))).toEqual([])
    expect(d.inFrame).toBe(true)
    expect(d.dropPartial()).toBe(true)
    expect(d.inFrame).toBe(false)
    expect(d.dropPartial()).toBe(false)
    expect(messages(d.push(f))).toEqual([Uint8Array.of(1, 2, 3, 4)])
  })

  it('a delivered payload belongs to the caller: later frames do not overwrite it', () => {
    const d = new FrameDecoder()
    const first = messages(d.push(stx(Uint8Array.of(1, 2, 3))))[0]!
    const soh = encodeSohFrames(new Uint8Array(1200).fill(7))
    const second = soh.ok ? messages(soh.value.flatMap((f) => d.push(f)))[0]! : new Uint8Array(0)
    d.push(stx(new Uint8Array(900).fill(9)))
    if (soh.ok) d.push(concatBytes(soh.value))
    expect(Array.from(first)).toEqual([1, 2, 3])
    expect(second).toEqual(new Uint8Array(1200).fill(7))
  })

  it('a frame whose LEN claims more bytes than arrive yields nothing until the gap drops it', () => {
    const d = new FrameDecoder()
    expect(d.push(Uint8Array.of(0x02, 0xff, 0xff, 1, 2, 3))).toEqual([])
    expect(d.dropPartial()).toBe(true)
    expect(d.push(Uint8Array.of(ACK))).toEqual([{ kind: 'ack' }])
  })
})

describe('SOH reassembly (§ 2.4)', () => {
  const data = Uint8Array.from({ length: 1400 }, (_, i) => (i * 7) & 0xff)
  const frags = () => {
    const r = encodeSohFrames(data)
    if (!r.ok) throw new Error('too long')
    return r.value
  }

  it('fragments 1, 2, … then 0 yield one fragment event each and one message at the end', () => {
    const events = feed(frags())
    expect(events.map((e) => e.kind)).toEqual(['fragment', 'fragment', 'frame'])
    expect(messages(events)).toEqual([data])
    expect(events[2]).toMatchObject({ via: 'soh', fragments: 3 })
  })

  it('a byte-identical resend of a fragment (our ACK was lost) is acknowledged again but collected once', () => {
    const [f1, f2, f0] = frags()
    const events = feed([f1!, f1!, f2!, f2!, f0!, f0!])
    expect(events.map((e) => [e.kind, 'repeat' in e ? e.repeat : null])).toEqual([
      ['fragment', false],
      ['fragment', true],
      ['fragment', false],
      ['fragment', true],
      ['frame', false],
      ['frame', true],
    ])
    expect(messages(events)).toEqual([data, data])
  })

  it('a fragment out of order drops what was collected, and the message is not delivered', () => {
    const [f1, f2, f0] = frags()
    const events = feed([f2!, f1!, f0!])
    expect(events[0]).toEqual({ kind: 'dropped', reason: 'soh-order', discarded: 1 })
    expect(messages(events)).not.toContainEqual(data)
    const skipped = feed([f1!, f0!])
    expect(messages(skipped)).toHaveLength(1)
    expect(messages(skipped)[0]).not.toEqual(data)
  })

  it('fragment 1 arriving mid-message restarts the collection', () => {
    const [f1, f2, f0] = frags()
    const events = feed([f1!, f2!, f1!, f2!, f0!])
    expect(events.map((e) => e.kind)).toEqual(['fragment', 'fragment', 'dropped', 'fragment', 'fragment', 'frame'])
    expect(messages(events)).toEqual([data])
  })

  it('an STX frame in the middle of a multi-frame message drops the collected fragments', () => {
    const [f1, , f0] = frags()
    const events = feed([f1!, stx(Uint8Array.of(7)), f0!])
    expect(events.map((e) => e.kind)).toEqual(['fragment', 'dropped', 'frame', 'frame'])
    expect(events[1]).toEqual({ kind: 'dropped', reason: 'soh-interrupted', discarded: 1 })
  })

  it('a CRC-good fragment with a malformed header is dropped (ACK-able), not reported corrupt', () => {
    const f = encodeSohFragment(1, Uint8Array.of(1, 2, 3))
    // Claim HLEN 200 > LEN − 2 and fix the CRC so only the header is wrong.
    const bad = f.slice()
    bad[3] = 200
    expect(decodeFrames(withGoodCrc(bad))).toEqual([{ kind: 'dropped', reason: 'soh-header', discarded: 1 }])
  })

  it('reset() forgets collected fragments, so a later lone fragment 0 is a message of its own', () => {
    const [f1, , f0] = frags()
    const d = new FrameDecoder()
    d.push(f1!)
    expect(d.collecting).toBe(true)
    d.reset()
    expect(d.collecting).toBe(false)
    expect(messages(d.push(f0!))[0]).toHaveLength(f0!.length - 7 - 8)
  })
})

/** A copy of `frame` with its CRC recomputed (to build CRC-good but malformed frames). */
function withGoodCrc(frame: Uint8Array): Uint8Array {
  const out = frame.slice()
  writeCrcBE(out, out.length - 2, crc16Umts(out, 0, out.length - 2))
  return out
}

describe('properties', () => {
  it('any DATA framed as STX or SOH (any threshold) and split at random points decodes to exactly that DATA', () => {
    fc.assert(
      fc.property(anyData(6000), fc.integer({ min: 0, max: 1200 }), fc.array(fc.nat(), { maxLength: 40, size: 'max' }), (data, threshold, cuts) => {
        const stream = concatBytes(frames(data, threshold))
        const events = feed(chunk(stream, cuts))
        expect(hexed(messages(events))).toEqual(hexed([data]))
        expect(events.at(-1)?.kind).toBe('frame')
        expect(events.every((e) => e.kind === 'frame' || e.kind === 'fragment')).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('the decoder yields the same events for any chunking of the same stream of frames, controls and noise', () => {
    fc.assert(
      fc.property(fc.array(streamItem, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 60, size: 'max' }), (items, cuts) => {
        const stream = concatBytes(items.flatMap((it) => (it.kind === 'message' ? frames(it.data) : [it.data])))
        const whole = hexed(decodeFrames(stream))
        expect(hexed(feed(chunk(stream, cuts)))).toEqual(whole)
        expect(hexed(feed(Array.from(stream, (b) => Uint8Array.of(b))))).toEqual(whole)
        // And the stream means what was sent: every message and control, in order.
        const controlName = (b: number | undefined) => (b === ACK ? 'ack' : b === NAK ? 'nak' : 'eot')
        const expected = items.flatMap((it): Array<Uint8Array | string> =>
          it.kind === 'message' ? [it.data] : it.kind === 'control' ? [controlName(it.data[0])] : [],
        )
        const got = decodeFrames(stream).flatMap((e): Array<Uint8Array | string> => (e.kind === 'frame' ? [e.payload] : e.kind === 'fragment' ? [] : [e.kind]))
        expect(hexed(got)).toEqual(hexed(expected))
      }),
      { numRuns: 300 },
    )
  })

  it('any single corrupted byte in a frame is detected: the decoder reports corrupt or never yields that payload', () => {
    fc.assert(
      fc.property(anyData(1500), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, where, xor) => {
        const wire = frames(data)
        const all = concatBytes(wire)
        const bad = all.slice()
        const at = where % bad.length
        bad[at]! ^= xor
        const events = decodeFrames(bad)
        const delivered = messages(events).some((p) => p.length === data.length && p.every((b, i) => b === data[i]))
        expect(delivered).toBe(false)
      }),
      { numRuns: 1000 },
    )
  })
})
