// SA link framing of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.2–§ 2.5, § 6.1).
// Owns: control bytes; STX frames `STX | LEN_L LEN_H | DATA | CRC_H CRC_L`; SOH fragments
// `SOH | LEN | HLEN | HEADER | PART | CRC` with split and reassembly; and `FrameDecoder`, a byte-wise
// streaming decoder over arbitrary chunks. No clock: the link layer owns the 1 s inter-byte rule and calls
// `dropPartial()` when it fires.
import { crc16Umts, readCrcBE, writeCrcBE } from './crc.ts'

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

/** § 2.4: the SOH header TLVs `{1:"1", 2:"<number>"}` take 7 bytes plus the number's digits. */
const sohHeaderSize = (number: number) => 7 + String(number).length

/**
 * § 2.4: write one SOH fragment (`part` under fragment number `number`, 0 = last) into `out` at `at`; returns
 * the fragment's size. The header TLVs are ASCII, written directly.
 */
function writeSohFragment(out: Uint8Array, at: number, number: number, data: Uint8Array, start: number, end: number): number {
  const digits = String(number)
  const hlen = 7 + digits.length
  const len = 2 + hlen + (end - start)
  out[at] = SOH
  out[at + 1] = len & 0xff
  out[at + 2] = len >>> 8
  out[at + 3] = hlen
  out[at + 4] = 0
  out[at + 5] = SOH_TAG_VERSION
  out[at + 6] = 1
  out[at + 7] = 0
  out[at + 8] = SOH_VERSION.charCodeAt(0)
  out[at + 9] = SOH_TAG_NUMBER
  out[at + 10] = digits.length
  out[at + 11] = 0
  for (let i = 0; i < digits.length; i++) out[at + 12 + i] = digits.charCodeAt(i)
  out.set(data.subarray(start, end), at + 5 + hlen)
  const crcAt = at + FRAME_HEAD_SIZE + len
  writeCrcBE(out, crcAt, crc16Umts(out, at, crcAt))
  return len + FRAME_HEAD_SIZE + FRAME_CRC_SIZE
}

/** § 2.4: one SOH fragment carrying `part` with fragment number `number` (0 = last). */
export function encodeSohFragment(number: number, part: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEAD_SIZE + 2 + sohHeaderSize(number) + part.length + FRAME_CRC_SIZE)
  writeSohFragment(out, 0, number, part, 0, part.length)
  return out
}

/**
 * § 2.4: split DATA into SOH fragments numbered 1, 2, … and 0 for the last; every fragment frame is at most
 * `frameMax` bytes (default 512, so 497 PART bytes while numbers have one digit, 496 from fragment 10 on).
 * The fragments are consecutive views of one buffer. For the emulator and tests: the client MUST send STX
 * only (§ 2.4).
 * @throws RangeError when `frameMax` leaves no room for PART bytes (a programming error, not wire input).
 */
export function encodeSohFrames(data: Uint8Array, frameMax = SOH_FRAME_MAX): FrameEncodeResult<Uint8Array[]> {
  if (data.length > SOH_MESSAGE_MAX) return { ok: false, error: { kind: 'too-long', length: data.length, max: SOH_MESSAGE_MAX } }
  const room = (number: number) => frameMax - FRAME_HEAD_SIZE - FRAME_CRC_SIZE - 2 - sohHeaderSize(number)
  if (room(SOH_MESSAGE_MAX) < 1) throw new RangeError(`SOH frameMax too small: ${frameMax}`)
  // Plan the split first, so all fragments share one allocation.
  const numbers: number[] = []
  const ends: number[] = []
  let total = 0
  for (let at = 0, number = 1; ; number++) {
    const last = data.length - at <= room(0)
    const end = last ? data.length : at + room(number)
    numbers.push(last ? 0 : number)
    ends.push(end)
    total += FRAME_HEAD_SIZE + 2 + sohHeaderSize(last ? 0 : number) + (end - at) + FRAME_CRC_SIZE
    if (last) break
    at = end
  }
  const out = new Uint8Array(total)
  const frames: Uint8Array[] = []
  let from = 0
  let at = 0
  for (let k = 0; k < numbers.length; k++) {
    const size = writeSohFragment(out, at, numbers[k]!, data, from, ends[k]!)
    frames.push(out.subarray(at, at + size))
    at += size
    from = ends[k]!
  }
  return { ok: true, value: frames }
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

/** Initial size of the decoder's reusable frame buffer; it grows to the largest frame seen (≤ 65 540 bytes). */
const SCRATCH_INITIAL = 1024

/**
 * § 2.3–§ 2.5: a byte-wise state machine. Between frames it hunts for STX/SOH, reports ACK/NAK/EOT, and
 * skips other stray bytes (counted in `skipped`). Inside a frame it reads LEN (little-endian) and takes
 * exactly LEN + 5 bytes, whatever they contain, before checking the CRC; after a bad CRC it hunts again
 * after the claimed frame end, so bytes inside a damaged frame are never mistaken for controls.
 * Frames are received into a reused buffer; every delivered payload is a fresh array the caller owns.
 */
export class FrameDecoder {
  /** Stray bytes skipped between frames so far (§ 2.5). */
  skipped = 0
  private state = HUNT
  private head = new Uint8Array(FRAME_HEAD_SIZE)
  private headFill = 0
  /** The frame being received (reused). */
  private buf = new Uint8Array(SCRATCH_INITIAL)
  private frameSize = 0
  private fill = 0
  /** The previous SOH fragment's bytes (swapped with `buf`), for resend detection; `prevSize` −1 = none. */
  private prev = new Uint8Array(SCRATCH_INITIAL)
  private prevSize = -1
  private lastOutcome: FrameEvent | undefined
  /** SOH parts collected so far. */
  private acc = new Uint8Array(0)
  private accSize = 0
  private partCount = 0
  private nextNumber = 0

  /** True while a frame is partly received: the link layer arms its inter-byte timer (§ 2.5). */
  get inFrame(): boolean {
    return this.state !== HUNT
  }

  /** True while SOH fragments are collected and the final fragment has not arrived. */
  get collecting(): boolean {
    return this.partCount > 0
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
          this.frameSize = (this.head[1]! | (this.head[2]! << 8)) + FRAME_HEAD_SIZE + FRAME_CRC_SIZE
          if (this.buf.length < this.frameSize) this.buf = new Uint8Array(Math.max(this.frameSize, this.buf.length * 2))
          this.buf.set(this.head)
          this.fill = FRAME_HEAD_SIZE
          this.state = BODY
        }
      } else {
        const take = Math.min(n - i, this.frameSize - this.fill)
        this.buf.set(chunk.subarray(i, i + take), this.fill)
        this.fill += take
        i += take
        if (this.fill === this.frameSize) {
          this.state = HUNT
          this.complete(events)
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
    return had
  }

  /** Forget everything: partial frame, collected SOH parts, resend memory (e.g. at an operation boundary). */
  reset(): void {
    this.dropPartial()
    this.clearParts()
    this.prevSize = -1
    this.lastOutcome = undefined
  }

  private clearParts(): number {
    const count = this.partCount
    this.accSize = 0
    this.partCount = 0
    this.nextNumber = 0
    return count
  }

  private complete(events: FrameEvent[]): void {
    const frame = this.buf
    const size = this.frameSize
    const len = size - FRAME_HEAD_SIZE - FRAME_CRC_SIZE
    const via = frame[0] === STX ? 'stx' : 'soh'
    if (crc16Umts(frame, 0, len + FRAME_HEAD_SIZE) !== readCrcBE(frame, len + FRAME_HEAD_SIZE)) {
      events.push({ kind: 'corrupt', reason: 'crc', via, length: len })
      return
    }
    if (via === 'stx') {
      if (this.partCount > 0) events.push({ kind: 'dropped', reason: 'soh-interrupted', discarded: this.clearParts() })
      this.prevSize = -1
      this.lastOutcome = undefined
      events.push({ kind: 'frame', via, payload: frame.slice(FRAME_HEAD_SIZE, FRAME_HEAD_SIZE + len), fragments: 1, repeat: false })
      return
    }
    if (this.lastOutcome !== undefined && this.prevSize === size && sameBytes(this.prev, frame, size)) {
      events.push(repeatOf(this.lastOutcome))
      return
    }
    const outcome = this.collect(frame, len, events)
    this.lastOutcome = outcome
    events.push(outcome)
    // Keep this fragment's bytes for resend detection; receive the next frame into the other buffer.
    this.buf = this.prev
    this.prev = frame
    this.prevSize = size
  }

  /** § 2.4: order rules — 1 starts a message, n follows n − 1, 0 ends it; anything else drops the collection. */
  private collect(frame: Uint8Array, len: number, events: FrameEvent[]): FrameEvent {
    const number = fragmentNumber(frame, len)
    if (number === undefined) return { kind: 'dropped', reason: 'soh-header', discarded: this.clearParts() + 1 }
    const hlen = frame[3]! | (frame[4]! << 8)
    const partStart = 5 + hlen
    const partEnd = FRAME_HEAD_SIZE + len
    if (number === 1 && this.partCount > 0) {
      events.push({ kind: 'dropped', reason: 'soh-order', discarded: this.clearParts() })
    } else if (number > 1 && number !== this.nextNumber) {
      return { kind: 'dropped', reason: 'soh-order', discarded: this.clearParts() + 1 }
    }
    const total = this.accSize + partEnd - partStart
    if (total > SOH_MESSAGE_MAX) return { kind: 'dropped', reason: 'soh-too-large', discarded: this.clearParts() + 1 }
    if (number !== 0) {
      this.append(frame, partStart, partEnd)
      this.partCount++
      this.nextNumber = number + 1
      return { kind: 'fragment', number, size: partEnd - partStart, repeat: false }
    }
    const payload = new Uint8Array(total)
    payload.set(this.acc.subarray(0, this.accSize))
    payload.set(frame.subarray(partStart, partEnd), this.accSize)
    const fragments = this.partCount + 1
    this.clearParts()
    return { kind: 'frame', via: 'soh', payload, fragments, repeat: false }
  }

  private append(frame: Uint8Array, start: number, end: number): void {
    const need = this.accSize + end - start
    if (this.acc.length < need) {
      const grown = new Uint8Array(Math.max(need, this.acc.length * 2, SCRATCH_INITIAL))
      grown.set(this.acc.subarray(0, this.accSize))
      this.acc = grown
    }
    this.acc.set(frame.subarray(start, end), this.accSize)
    this.accSize = need
  }
}

/** The event a byte-identical resend of a fragment yields: the same outcome, marked, collecting nothing. */
function repeatOf(e: FrameEvent): FrameEvent {
  if (e.kind === 'frame' || e.kind === 'fragment') return { ...e, repeat: true }
  if (e.kind === 'dropped') return { ...e, discarded: 1 }
  return e
}

/**
 * § 2.4: the fragment number from a CRC-good SOH frame's header TLVs (tag 2, ASCII digits), or undefined when
 * the header is malformed. Other header tags (tag 1 "version") are skipped.
 */
function fragmentNumber(frame: Uint8Array, len: number): number | undefined {
  if (len < 2) return undefined
  const hlen = frame[3]! | (frame[4]! << 8)
  if (hlen > len - 2) return undefined
  const end = 5 + hlen
  let number: number | undefined
  for (let at = 5; at < end;) {
    if (end - at < 3) return undefined
    const tag = frame[at]!
    const length = frame[at + 1]! | (frame[at + 2]! << 8)
    const start = at + 3
    if (start + length > end) return undefined
    if (tag === SOH_TAG_NUMBER && number === undefined) {
      if (length < 1 || length > 9) return undefined
      let n = 0
      for (let i = start; i < start + length; i++) {
        const c = frame[i]!
        if (c < 0x30 || c > 0x39) return undefined
        n = n * 10 + (c - 0x30)
      }
      number = n
    }
    at = start + length
  }
  return number
}

function sameBytes(a: Uint8Array, b: Uint8Array, size: number): boolean {
  for (let i = 0; i < size; i++) if (a[i] !== b[i]) return false
  return true
}

/** Decode one complete byte string with a fresh decoder (tests, fixtures, logs). */
export function decodeFrames(bytes: Uint8Array): FrameEvent[] {
  return new FrameDecoder().push(bytes)
}

// ---------------------------------------------------------------------------------------------------------
// One complete frame on its own (additive: for the pure link machine, which keeps its stream state immutable)

/** What one complete frame holds, judged without any stream state. */
export type FrameRead =
  { kind: 'stx'; payload: Uint8Array } | { kind: 'soh'; number: number; part: Uint8Array } | { kind: 'soh-header' } | { kind: 'corrupt'; via: 'stx' | 'soh' }

/**
 * § 2.3/§ 2.4: the size of the frame whose first three bytes (STX/SOH, LEN_L, LEN_H) are `head[at…]`:
 * LEN + 5. The caller has checked that `head[at]` is STX or SOH.
 */
export function frameSizeAt(head: Uint8Array, at: number): number {
  return (head[at + 1]! | (head[at + 2]! << 8)) + FRAME_HEAD_SIZE + FRAME_CRC_SIZE
}

/**
 * § 2.3/§ 2.4: check the CRC of one complete frame (exactly LEN + 5 bytes starting with STX or SOH) and split
 * it: an STX frame gives its DATA, an SOH fragment its number and PART (views into `frame`). Never throws.
 */
export function readFrame(frame: Uint8Array): FrameRead {
  const len = frame.length - FRAME_HEAD_SIZE - FRAME_CRC_SIZE
  const via = frame[0] === STX ? 'stx' : 'soh'
  if (len < 0 || crc16Umts(frame, 0, len + FRAME_HEAD_SIZE) !== readCrcBE(frame, len + FRAME_HEAD_SIZE)) return { kind: 'corrupt', via }
  if (via === 'stx') return { kind: 'stx', payload: frame.subarray(FRAME_HEAD_SIZE, FRAME_HEAD_SIZE + len) }
  const number = fragmentNumber(frame, len)
  if (number === undefined) return { kind: 'soh-header' }
  const hlen = frame[3]! | (frame[4]! << 8)
  return { kind: 'soh', number, part: frame.subarray(5 + hlen, FRAME_HEAD_SIZE + len) }
}

/** Byte chunks joined into one array (frames, SOH parts, test streams). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
