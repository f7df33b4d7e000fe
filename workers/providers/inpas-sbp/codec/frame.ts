// SA link framing of the inpas-sbp provider (protocols/inpas-sbp.md § 2.2–§ 2.5, § 6.1).
// Owns: control bytes; STX frames `STX | LEN_L LEN_H | DATA | CRC_H CRC_L`; SOH fragments
// `SOH | LEN | HLEN | HEADER | PART | CRC` with split and reassembly; and `FrameDecoder`, a byte-wise
// streaming decoder over arbitrary chunks. No clock: the link layer owns the 1 s inter-byte rule and calls
// `dropPartial()` when it fires.
import { crc16Umts, readCrcBE, writeCrcBE } from './crc.ts'
import { decodeTlv, encodeTlv, tlvText } from './tlv.ts'

/** § 2.2: control bytes. */
export const SOH = 0x01
export const STX = 0x02
export const ETX = 0x03
export const EOT = 0x04
export const ACK = 0x06
export const NAK = 0x15

/** § 2.3: STX + LEN (2) in front of DATA. */
export const FRAME_HEAD_SIZE = 3
/** § 2.3: CRC (2) after DATA. */
export const FRAME_CRC_SIZE = 2
/** § 2.3: LEN is 2 bytes, so DATA of an STX frame is at most 65 535 bytes (§ 2.4: the emulator accepts that). */
export const STX_DATA_MAX = 0xffff
/** § 2.4: observed full SOH fragment: LEN 0x01FB = 507, a 512-byte frame. */
export const SOH_FRAME_MAX = 512
/** § 2.4/§ 5.2 E10: at most 497 PART bytes per fragment (512 − 5 frame bytes − 2 HLEN − 8 header bytes). */
export const SOH_PART_MAX = 497
/** § 5.2 E10: DATA longer than this goes out as SOH fragments (emulator default `sohThreshold`). */
export const SOH_THRESHOLD = 507
/** § 2.4: SOH header tag 1 "version" (value "1") and tag 2 "number" ("1", "2", … and "0" for the last). */
export const SOH_TAG_VERSION = 1
export const SOH_TAG_NUMBER = 2
export const SOH_VERSION = '1'
/** PDK: cap on a reassembled SOH message, so a runaway sender cannot grow memory without bound. */
export const SOH_MESSAGE_MAX = 1 << 20

export type FrameEncodeError = { kind: 'too-long'; length: number; max: number }
export type FrameEncodeResult<T> = { ok: true; value: T } | { ok: false; error: FrameEncodeError }

/** § 2.3: wrap DATA (a TLV sequence) in an STX frame. */
export function encodeStxFrame(data: Uint8Array): FrameEncodeResult<Uint8Array> {
  if (data.length > STX_DATA_MAX) return { ok: false, error: { kind: 'too-long', length: data.length, max: STX_DATA_MAX } }
  const len = data.length
  const frame = new Uint8Array(len + FRAME_HEAD_SIZE + FRAME_CRC_SIZE)
  frame[0] = STX
  frame[1] = len & 0xff
  frame[2] = len >>> 8
  frame.set(data, FRAME_HEAD_SIZE)
  writeCrcBE(frame, len + FRAME_HEAD_SIZE, crc16Umts(frame, 0, len + FRAME_HEAD_SIZE))
  return { ok: true, value: frame }
}

function sohHeader(number: number): Uint8Array {
  const r = encodeTlv([
    [SOH_TAG_VERSION, SOH_VERSION],
    [SOH_TAG_NUMBER, String(number)],
  ])
  // ASCII digits under two fixed tags always encode.
  return r.ok ? r.value : new Uint8Array(0)
}

/** § 2.4: one SOH fragment carrying `part` with fragment number `number` (0 = last). */
export function encodeSohFragment(number: number, part: Uint8Array): Uint8Array {
  const header = sohHeader(number)
  const len = 2 + header.length + part.length
  const frame = new Uint8Array(len + FRAME_HEAD_SIZE + FRAME_CRC_SIZE)
  frame[0] = SOH
  frame[1] = len & 0xff
  frame[2] = len >>> 8
  frame[3] = header.length & 0xff
  frame[4] = header.length >>> 8
  frame.set(header, 5)
  frame.set(part, 5 + header.length)
  writeCrcBE(frame, len + FRAME_HEAD_SIZE, crc16Umts(frame, 0, len + FRAME_HEAD_SIZE))
  return frame
}

/**
 * § 2.4: split DATA into SOH fragments numbered 1, 2, … and 0 for the last; every fragment frame is at most
 * `frameMax` bytes (default 512, so 497 PART bytes while numbers have one digit, 496 from fragment 10 on).
 * For the emulator and tests: the client MUST send STX only (§ 2.4).
 */
export function encodeSohFrames(data: Uint8Array, frameMax = SOH_FRAME_MAX): FrameEncodeResult<Uint8Array[]> {
  if (data.length > SOH_MESSAGE_MAX) return { ok: false, error: { kind: 'too-long', length: data.length, max: SOH_MESSAGE_MAX } }
  const frames: Uint8Array[] = []
  const room = (number: number) => frameMax - FRAME_HEAD_SIZE - FRAME_CRC_SIZE - 2 - sohHeader(number).length
  if (room(10 ** 6) < 1) throw new RangeError(`SOH frameMax too small: ${frameMax}`)
  let at = 0
  for (let number = 1; ; number++) {
    if (data.length - at <= room(0)) {
      frames.push(encodeSohFragment(0, data.subarray(at)))
      return { ok: true, value: frames }
    }
    const size = room(number)
    frames.push(encodeSohFragment(number, data.subarray(at, at + size)))
    at += size
  }
}

/** § 5.2 E10: DATA up to `sohThreshold` bytes as one STX frame, longer as SOH fragments. */
export function encodeFrames(data: Uint8Array, sohThreshold = SOH_THRESHOLD): FrameEncodeResult<Uint8Array[]> {
  if (data.length <= sohThreshold) {
    const r = encodeStxFrame(data)
    return r.ok ? { ok: true, value: [r.value] } : r
  }
  return encodeSohFrames(data)
}

// ---------------------------------------------------------------------------------------------------------
// Streaming decoder

/**
 * What the decoder saw. Link-layer meaning (§ 6.1):
 * - `frame`: a complete message (STX DATA, or reassembled SOH parts) → ACK it
 * - `fragment`: a good non-final SOH fragment, its `size` PART bytes collected → ACK it
 * - `dropped`: a CRC-good SOH fragment that could not be used (order broken, bad header, too large) or an
 *   SOH collection interrupted by an STX frame; the collected parts are gone → ACK (the link is fine)
 * - `corrupt`: a whole frame arrived with a bad CRC → NAK it
 * - `ack` / `nak` / `eot`: control bytes between frames
 * `repeat` marks a byte-identical resend of the previous SOH fragment (our ACK was lost): ACK it again and
 * do not collect it twice; a repeated final fragment re-yields the same message.
 */
export type FrameEvent =
  | { kind: 'frame'; via: 'stx' | 'soh'; payload: Uint8Array; fragments: number; repeat: boolean }
  | { kind: 'fragment'; number: number; size: number; repeat: boolean }
  | { kind: 'dropped'; reason: 'soh-order' | 'soh-header' | 'soh-too-large' | 'soh-interrupted'; discarded: number }
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'eot' }
  | { kind: 'corrupt'; reason: 'crc'; via: 'stx' | 'soh'; length: number }

const HUNT = 0
const HEAD = 1
const BODY = 2

const NUMBER = /^\d{1,9}$/

/**
 * § 2.3–§ 2.5: a byte-wise state machine. Between frames it hunts for STX/SOH, reports ACK/NAK/EOT, and
 * skips other stray bytes (counted in `skipped`). Inside a frame it reads LEN (little-endian) and takes
 * exactly LEN + 5 bytes, whatever they contain, before checking the CRC; after a bad CRC it hunts again
 * after the claimed frame end, so bytes inside a damaged frame are never mistaken for controls.
 */
export class FrameDecoder {
  /** Stray bytes skipped between frames so far (§ 2.5). */
  skipped = 0
  private state = HUNT
  private head = new Uint8Array(FRAME_HEAD_SIZE)
  private headFill = 0
  private buf = new Uint8Array(0)
  private fill = 0
  private parts: Uint8Array[] = []
  private partsSize = 0
  private nextNumber = 0
  private lastFragment: Uint8Array | undefined
  private lastOutcome: FrameEvent | undefined

  /** True while a frame is partly received: the link layer arms its inter-byte timer (§ 2.5). */
  get inFrame(): boolean {
    return this.state !== HUNT
  }

  /** True while SOH fragments are collected and the final fragment has not arrived. */
  get collecting(): boolean {
    return this.parts.length > 0
  }

  /** Feed bytes as they arrive, in chunks of any size; returns the events completed by this chunk, in order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = []
    const n = chunk.length
    let i = 0
    while (i < n) {
      if (this.state === HUNT) {
        const b = chunk[i++]!
        if (b === STX || b === SOH) {
          this.head[0] = b
          this.headFill = 1
          this.state = HEAD
        } else if (b === ACK) events.push({ kind: 'ack' })
        else if (b === NAK) events.push({ kind: 'nak' })
        else if (b === EOT) events.push({ kind: 'eot' })
        else this.skipped++
      } else if (this.state === HEAD) {
        this.head[this.headFill++] = chunk[i++]!
        if (this.headFill === FRAME_HEAD_SIZE) {
          const len = this.head[1]! | (this.head[2]! << 8)
          this.buf = new Uint8Array(len + FRAME_HEAD_SIZE + FRAME_CRC_SIZE)
          this.buf.set(this.head)
          this.fill = FRAME_HEAD_SIZE
          this.state = BODY
        }
      } else {
        const take = Math.min(n - i, this.buf.length - this.fill)
        this.buf.set(take === n && i === 0 ? chunk : chunk.subarray(i, i + take), this.fill)
        this.fill += take
        i += take
        if (this.fill === this.buf.length) {
          this.state = HUNT
          this.complete(this.buf, events)
        }
      }
    }
    return events
  }

  /**
   * § 2.5/§ 6.1: the inter-byte gap expired — drop the partly received frame and hunt for STX/SOH again.
   * Collected SOH fragments are kept (the sender resends the damaged one). True if a partial frame was dropped.
   */
  dropPartial(): boolean {
    const had = this.state !== HUNT
    this.state = HUNT
    this.headFill = 0
    this.fill = 0
    this.buf = new Uint8Array(0)
    return had
  }

  /** Forget everything: partial frame, collected SOH parts, repeat memory (e.g. at an operation boundary). */
  reset(): void {
    this.dropPartial()
    this.clearParts()
    this.lastFragment = undefined
    this.lastOutcome = undefined
  }

  private clearParts(): number {
    const count = this.parts.length
    this.parts = []
    this.partsSize = 0
    this.nextNumber = 0
    return count
  }

  private complete(frame: Uint8Array, events: FrameEvent[]): void {
    const len = frame.length - FRAME_HEAD_SIZE - FRAME_CRC_SIZE
    const via = frame[0] === STX ? 'stx' : 'soh'
    if (crc16Umts(frame, 0, len + FRAME_HEAD_SIZE) !== readCrcBE(frame, len + FRAME_HEAD_SIZE)) {
      events.push({ kind: 'corrupt', reason: 'crc', via, length: len })
      return
    }
    if (via === 'stx') {
      if (this.parts.length > 0) events.push({ kind: 'dropped', reason: 'soh-interrupted', discarded: this.clearParts() })
      this.lastFragment = undefined
      this.lastOutcome = undefined
      events.push({ kind: 'frame', via, payload: frame.subarray(FRAME_HEAD_SIZE, FRAME_HEAD_SIZE + len), fragments: 1, repeat: false })
      return
    }
    this.fragment(frame, len, events)
  }

  /** § 2.4: one CRC-good SOH fragment. */
  private fragment(frame: Uint8Array, len: number, events: FrameEvent[]): void {
    const last = this.lastFragment
    if (last !== undefined && this.lastOutcome !== undefined && sameBytes(last, frame)) {
      events.push(repeatOf(this.lastOutcome))
      return
    }
    this.lastFragment = frame
    const outcome = this.collect(frame, len, events)
    this.lastOutcome = outcome
    events.push(outcome)
  }

  /** § 2.4: order rules — 1 starts a message, n follows n − 1, 0 ends it; anything else drops the collection. */
  private collect(frame: Uint8Array, len: number, events: FrameEvent[]): FrameEvent {
    const number = fragmentNumber(frame, len)
    if (number === undefined) return { kind: 'dropped', reason: 'soh-header', discarded: this.clearParts() + 1 }
    const hlen = frame[3]! | (frame[4]! << 8)
    const part = frame.subarray(5 + hlen, FRAME_HEAD_SIZE + len)
    if (number === 1 && this.parts.length > 0) {
      events.push({ kind: 'dropped', reason: 'soh-order', discarded: this.clearParts() })
    } else if (number > 1 && number !== this.nextNumber) {
      return { kind: 'dropped', reason: 'soh-order', discarded: this.clearParts() + 1 }
    }
    if (this.partsSize + part.length > SOH_MESSAGE_MAX) {
      return { kind: 'dropped', reason: 'soh-too-large', discarded: this.clearParts() + 1 }
    }
    if (number !== 0) {
      this.parts.push(part)
      this.partsSize += part.length
      this.nextNumber = number + 1
      return { kind: 'fragment', number, size: part.length, repeat: false }
    }
    const payload = new Uint8Array(this.partsSize + part.length)
    let at = 0
    for (const p of this.parts) {
      payload.set(p, at)
      at += p.length
    }
    payload.set(part, at)
    const fragments = this.parts.length + 1
    this.clearParts()
    return { kind: 'frame', via: 'soh', payload, fragments, repeat: false }
  }
}

/** The event a byte-identical resend of a fragment yields: the same outcome, marked, collecting nothing. */
function repeatOf(e: FrameEvent): FrameEvent {
  if (e.kind === 'frame' || e.kind === 'fragment') return { ...e, repeat: true }
  if (e.kind === 'dropped') return { ...e, discarded: 1 }
  return e
}

/** § 2.4: the fragment number from a CRC-good SOH frame's header, or undefined when the header is malformed. */
function fragmentNumber(frame: Uint8Array, len: number): number | undefined {
  if (len < 2) return undefined
  const hlen = frame[3]! | (frame[4]! << 8)
  if (hlen > len - 2) return undefined
  const header = decodeTlv(frame.subarray(5, 5 + hlen))
  if (!header.ok) return undefined
  const text = tlvText(header.value, SOH_TAG_NUMBER)
  if (text === undefined || !NUMBER.test(text)) return undefined
  return Number(text)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Decode one complete byte string with a fresh decoder (tests, fixtures, logs). */
export function decodeFrames(bytes: Uint8Array): FrameEvent[] {
  return new FrameDecoder().push(bytes)
}
