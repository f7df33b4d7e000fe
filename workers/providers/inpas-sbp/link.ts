// Link layer of the inpas-sbp client (docs/protocols/inpas-sbp.md § 2.2–§ 2.5, § 6.1) as a pure state machine:
// `linkStep(state, event) → { state, effects }`. Owns: splitting the terminal's byte stream into frames,
// ACK/NAK of every received frame, SOH reassembly, de-duplication of a frame resent after a lost ACK, the
// inter-byte gap, and the till's side of one frame exchange (STX only; ACK wait, resend on NAK, EOT).
// No clock, no I/O: timers arrive as `timer` events and leave as `setTimer`/`cancelTimer` effects; bytes
// leave as `write` effects. States are immutable: a step never changes the state it was given.
//
// Readings of the protocol where it is not explicit (PDK):
// - Resend budget: NAKs and (for non-money frames) ACK timeouts share one budget of MAX_RESENDS resends,
//   i.e. at most 4 transmissions of one frame in all, then EOT.
// - "Duplicate frame" = a good frame byte-identical to the previous good frame of the same exchange. It is
//   ACKed and reported as `heard` (the per-message timer restarts) but not delivered again. This also folds
//   consecutive identical op-21 waits into one delivery; they carry nothing but "still busy". The memory is
//   cleared when the till sends a new request (`money`/`query`) and by `reset`, not by a `reply`.
// - EOT from the terminal while no frame awaits its ACK is reported as `linkError('eot')`; the operation
//   machine decides what it means (§ 6.5: after the ACK → `unknown`). SOH parts collected so far are dropped.
// - A bad-CRC frame never stands for the ACK of the till's frame (only a good frame does).
// - On the 3rd consecutive bad frame the link writes NAK and then EOT (§ 6.1 "after 3 NAKs … send EOT").
// - The inter-byte gap drops only the partial frame; SOH parts already collected are kept (the sender
//   resends the damaged fragment), as the codec's `FrameDecoder.dropPartial` does.
import { ACK, EOT, NAK, SOH, SOH_MESSAGE_MAX, STX, encodeStxFrame, frameSizeAt, parseMessage, readFrame, type MessageParseResult } from './codec/index.ts'

/** § 2.5/§ 6.1: the sender waits 5 s for ACK/NAK ([D4] TIMEOUT_1). */
export const ACK_TIMEOUT_MS = 5000
/** § 2.5: inter-byte timeout inside a frame ([Z3] INPAS_RECV_TIMEOUT). */
export const INTER_BYTE_MS = 1000
/** § 6.1: at most 3 resends (4 transmissions) of one frame. */
export const MAX_RESENDS = 3
/** § 6.1: EOT after 3 NAKs for consecutive bad frames. */
export const MAX_BAD_FRAMES = 3

export type LinkTimer = 'link.ack' | 'link.interByte'

/**
 * What the till sends (§ 6.1): `money` (pay, refund: never resent after an ACK timeout), `query` (check-link,
 * status, receipt copy: resent on ACK timeout) and `reply` (host-relay answers: resent like a query, and part
 * of the current exchange, so the duplicate memory is kept).
 */
export type SendKind = 'money' | 'query' | 'reply'

export type LinkEvent =
  /** Bytes from the port, in chunks of any size. */
  | { type: 'bytes'; bytes: Uint8Array }
  /** Send one message: `data` is its TLV DATA; it goes out as one STX frame (§ 2.4: the client sends STX only). */
  | { type: 'send'; data: Uint8Array; kind: SendKind }
  /** Give up the exchange: write EOT and forget the frame awaiting its ACK (§ 6.2 timers, § 6.6 cancel). */
  | { type: 'eot' }
  | { type: 'timer'; name: LinkTimer }
  /** Operation boundary: forget the partial frame, SOH parts, the duplicate memory and any frame in flight. */
  | { type: 'reset' }

export type LinkErrorReason =
  /** NAK ×4: the terminal never accepted the frame; EOT written. */
  | 'nak-limit'
  /** No ACK/NAK within 5 s (money frames at once, others after 3 resends); EOT written. */
  | 'no-ack'
  /** EOT instead of ACK: the terminal refused the request. */
  | 'refused'
  /** EOT from the terminal when no frame awaited its ACK: it ended the exchange. */
  | 'eot'
  /** 3 consecutive bad-CRC frames; NAK and EOT written. */
  | 'bad-frames'
  /** A send while another frame awaits its ACK; nothing written (§ 6.1: never two requests at once). */
  | 'busy'
  /** DATA longer than an STX frame can carry; nothing written. */
  | 'too-long'

/** Things worth a log line; no protocol meaning. */
export type LinkNote =
  | { kind: 'stray'; count: number }
  | { kind: 'corrupt'; via: 'stx' | 'soh' }
  | { kind: 'duplicate' }
  | { kind: 'gap'; discarded: number }
  | { kind: 'soh-dropped'; reason: 'order' | 'header' | 'too-large' | 'interrupted' | 'eot'; parts: number }
  | { kind: 'unexpected'; control: 'ack' | 'nak' }

export type LinkEffect =
  | { type: 'write'; bytes: Uint8Array }
  | { type: 'setTimer'; name: LinkTimer; ms: number }
  | { type: 'cancelTimer'; name: LinkTimer }
  /** The frame in flight was accepted: ACK, or a good terminal frame standing for a lost ACK (§ 6.1). */
  | { type: 'acked' }
  /** A good frame arrived (and was ACKed): restart the per-message timer (§ 2.5, § 6.2). */
  | { type: 'heard' }
  /** A complete, CRC-checked, reassembled message, with its TLV parse (malformed TLV → `ok: false`, § 6.1). */
  | { type: 'deliver'; data: Uint8Array; message: MessageParseResult }
  | { type: 'linkError'; reason: LinkErrorReason }
  | { type: 'note'; note: LinkNote }

/** The till's frame awaiting its ACK. */
export interface LinkTx {
  readonly frame: Uint8Array
  readonly kind: SendKind
  /** Transmissions so far (1 … MAX_RESENDS + 1). */
  readonly sends: number
}

export interface LinkState {
  /** Bytes of the frame being received, from its STX/SOH on; empty while hunting. */
  readonly partial: Uint8Array
  /** SOH PARTs collected, in order. */
  readonly parts: readonly Uint8Array[]
  /** The fragment number expected next while collecting. */
  readonly nextPart: number
  /** The current SOH message was lost (order broken): skip its remaining fragments up to its final one. */
  readonly skipping: boolean
  /** The previous good frame of this exchange (duplicate detection). */
  readonly last: Uint8Array | null
  /** Consecutive bad-CRC frames. */
  readonly badRun: number
  readonly tx: LinkTx | null
}

export interface LinkStep {
  state: LinkState
  effects: LinkEffect[]
}

const EMPTY = new Uint8Array(0)

export function createLinkState(): LinkState {
  return { partial: EMPTY, parts: [], nextPart: 0, skipping: false, last: null, badRun: 0, tx: null }
}

const ONE = (b: number) => Uint8Array.of(b)

/** § 6.1: one step of the link machine. Pure: the input state is never modified. */
export function linkStep(state: LinkState, event: LinkEvent): LinkStep {
  switch (event.type) {
    case 'bytes':
      return onBytes(state, event.bytes)
    case 'send':
      return onSend(state, event.data, event.kind)
    case 'eot': {
      const effects: LinkEffect[] = [{ type: 'write', bytes: ONE(EOT) }]
      if (state.tx) effects.push({ type: 'cancelTimer', name: 'link.ack' })
      if (state.parts.length) effects.push(note({ kind: 'soh-dropped', reason: 'eot', parts: state.parts.length }))
      return { state: { ...state, tx: null, parts: [], nextPart: 0, skipping: false }, effects }
    }
    case 'timer':
      return event.name === 'link.ack' ? onAckTimeout(state) : onGap(state)
    case 'reset': {
      const effects: LinkEffect[] = []
      if (state.tx) effects.push({ type: 'cancelTimer', name: 'link.ack' })
      if (state.partial.length) effects.push({ type: 'cancelTimer', name: 'link.interByte' })
      return { state: createLinkState(), effects }
    }
  }
}

const note = (n: LinkNote): LinkEffect => ({ type: 'note', note: n })

function onSend(state: LinkState, data: Uint8Array, kind: SendKind): LinkStep {
  if (state.tx) return { state, effects: [{ type: 'linkError', reason: 'busy' }] }
  const r = encodeStxFrame(data)
  if (!r.ok) return { state, effects: [{ type: 'linkError', reason: 'too-long' }] }
  const next: LinkState = {
    ...state,
    tx: { frame: r.value, kind, sends: 1 },
    // A new request starts a new exchange: a reply equal to an earlier one is not a duplicate.
    last: kind === 'reply' ? state.last : null,
  }
  return {
    state: next,
    effects: [
      { type: 'write', bytes: r.value },
      { type: 'setTimer', name: 'link.ack', ms: ACK_TIMEOUT_MS },
    ],
  }
}

/** § 6.1: no ACK/NAK within 5 s. */
function onAckTimeout(state: LinkState): LinkStep {
  const tx = state.tx
  if (!tx) return { state, effects: [] } // stale: the frame was settled meanwhile
  if (tx.kind !== 'money' && tx.sends <= MAX_RESENDS) return resend(state, tx)
  // Money: the terminal may have taken it — never resend (§ 6.1); the operation goes `unknown`.
  return {
    state: { ...state, tx: null },
    effects: [
      { type: 'write', bytes: ONE(EOT) },
      { type: 'linkError', reason: 'no-ack' },
    ],
  }
}

function resend(state: LinkState, tx: LinkTx): LinkStep {
  return {
    state: { ...state, tx: { ...tx, sends: tx.sends + 1 } },
    effects: [
      { type: 'write', bytes: tx.frame },
      { type: 'setTimer', name: 'link.ack', ms: ACK_TIMEOUT_MS },
    ],
  }
}

/** § 2.5/§ 6.1: the inter-byte gap expired — drop the partial frame and hunt for STX/SOH. */
function onGap(state: LinkState): LinkStep {
  if (!state.partial.length) return { state, effects: [] }
  return { state: { ...state, partial: EMPTY }, effects: [note({ kind: 'gap', discarded: state.partial.length })] }
}

/** A mutable working copy of the state inside one `bytes` step (the input state stays untouched). */
interface Work {
  parts: Uint8Array[]
  nextPart: number
  skipping: boolean
  last: Uint8Array | null
  badRun: number
  tx: LinkTx | null
  effects: LinkEffect[]
  stray: number
}

function onBytes(state: LinkState, chunk: Uint8Array): LinkStep {
  const w: Work = {
    parts: [...state.parts],
    nextPart: state.nextPart,
    skipping: state.skipping,
    last: state.last,
    badRun: state.badRun,
    tx: state.tx,
    effects: [],
    stray: 0,
  }
  let buf: Uint8Array
  if (state.partial.length) {
    buf = new Uint8Array(state.partial.length + chunk.length)
    buf.set(state.partial)
    buf.set(chunk, state.partial.length)
  } else buf = chunk
  let i = 0
  let partialFrom = -1
  const n = buf.length
  while (i < n) {
    const b = buf[i]!
    if (b === STX || b === SOH) {
      if (n - i < 3) {
        partialFrom = i
        break
      }
      const size = frameSizeAt(buf, i)
      if (n - i < size) {
        partialFrom = i
        break
      }
      flushStray(w)
      onFrame(w, buf.slice(i, i + size))
      i += size
      continue
    }
    i++
    if (b === ACK) {
      flushStray(w)
      onAck(w)
    } else if (b === NAK) {
      flushStray(w)
      onNak(w)
    } else if (b === EOT) {
      flushStray(w)
      onEot(w)
    } else w.stray++ // § 2.5: other bytes between frames are skipped
  }
  flushStray(w)
  const partial = partialFrom < 0 ? EMPTY : buf.slice(partialFrom)
  if (partial.length) w.effects.push({ type: 'setTimer', name: 'link.interByte', ms: INTER_BYTE_MS })
  else if (state.partial.length) w.effects.push({ type: 'cancelTimer', name: 'link.interByte' })
  return {
    state: { partial, parts: w.parts, nextPart: w.nextPart, skipping: w.skipping, last: w.last, badRun: w.badRun, tx: w.tx },
    effects: w.effects,
  }
}

function flushStray(w: Work): void {
  if (w.stray) w.effects.push(note({ kind: 'stray', count: w.stray }))
  w.stray = 0
}

function settleTx(w: Work): void {
  if (!w.tx) return
  w.tx = null
  w.effects.push({ type: 'cancelTimer', name: 'link.ack' }, { type: 'acked' })
}

function onAck(w: Work): void {
  if (w.tx) settleTx(w)
  else w.effects.push(note({ kind: 'unexpected', control: 'ack' }))
}

function onNak(w: Work): void {
  const tx = w.tx
  if (!tx) {
    w.effects.push(note({ kind: 'unexpected', control: 'nak' }))
    return
  }
  if (tx.sends <= MAX_RESENDS) {
    // § 6.1: resend the identical bytes.
    w.tx = { ...tx, sends: tx.sends + 1 }
    w.effects.push({ type: 'write', bytes: tx.frame }, { type: 'setTimer', name: 'link.ack', ms: ACK_TIMEOUT_MS })
    return
  }
  w.tx = null
  w.effects.push({ type: 'cancelTimer', name: 'link.ack' }, { type: 'write', bytes: ONE(EOT) }, { type: 'linkError', reason: 'nak-limit' })
}

function onEot(w: Work): void {
  if (w.parts.length) w.effects.push(note({ kind: 'soh-dropped', reason: 'eot', parts: w.parts.length }))
  w.parts = []
  w.nextPart = 0
  w.skipping = false
  if (w.tx) {
    w.tx = null
    w.effects.push({ type: 'cancelTimer', name: 'link.ack' }, { type: 'linkError', reason: 'refused' })
  } else w.effects.push({ type: 'linkError', reason: 'eot' })
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function dropParts(w: Work, reason: 'order' | 'header' | 'too-large' | 'interrupted', extra = 0): void {
  const parts = w.parts.length + extra
  if (reason === 'interrupted' && parts === 0) return
  w.parts = []
  w.nextPart = 0
  if (parts) w.effects.push(note({ kind: 'soh-dropped', reason, parts }))
}

function deliver(w: Work, data: Uint8Array): void {
  w.effects.push({ type: 'deliver', data, message: parseMessage(data) })
}

/** One complete frame (`raw` is a fresh copy the link owns). */
function onFrame(w: Work, raw: Uint8Array): void {
  const r = readFrame(raw)
  if (r.kind === 'corrupt') {
    // § 6.1: bad CRC → NAK; after 3 consecutive bad frames also EOT.
    w.badRun++
    w.effects.push({ type: 'write', bytes: ONE(NAK) }, note({ kind: 'corrupt', via: r.via }))
    if (w.badRun >= MAX_BAD_FRAMES) {
      w.badRun = 0
      if (w.tx) w.effects.push({ type: 'cancelTimer', name: 'link.ack' })
      w.tx = null
      dropParts(w, 'interrupted')
      w.effects.push({ type: 'write', bytes: ONE(EOT) }, { type: 'linkError', reason: 'bad-frames' })
    }
    return
  }
  // § 6.1: a good frame is ACKed at once, before anything else happens with it.
  w.badRun = 0
  w.effects.push({ type: 'write', bytes: ONE(ACK) }, { type: 'heard' })
  // § 6.1: a valid terminal frame while awaiting the ACK counts as the ACK.
  settleTx(w)
  if (w.last !== null && sameBytes(w.last, raw)) {
    w.effects.push(note({ kind: 'duplicate' }))
    return
  }
  w.last = raw
  switch (r.kind) {
    case 'stx':
      // Fragments of an interrupted message that still follow are not a message of their own.
      if (w.parts.length) w.skipping = true
      dropParts(w, 'interrupted')
      deliver(w, r.payload)
      return
    case 'soh-header':
      dropParts(w, 'header', 1)
      w.skipping = true
      return
    case 'soh':
      onFragment(w, r.number, r.part)
  }
}

/**
 * § 2.4: 1 starts a message, n follows n − 1, 0 ends it (a lone 0 is a whole message); else drop what was
 * collected — and skip the lost message's remaining fragments up to its final one, so its tail is never
 * taken for a lone-0 message.
 */
function onFragment(w: Work, number: number, part: Uint8Array): void {
  if (number === 1) {
    if (w.parts.length) dropParts(w, 'order')
    w.skipping = false
  } else if (w.skipping) {
    if (number === 0) w.skipping = false
    w.effects.push(note({ kind: 'soh-dropped', reason: 'order', parts: 1 }))
    return
  } else if (number > 1 && (w.parts.length === 0 || number !== w.nextPart)) {
    dropParts(w, 'order', 1)
    w.skipping = true
    return
  }
  const total = w.parts.reduce((s, p) => s + p.length, 0) + part.length
  if (total > SOH_MESSAGE_MAX) {
    dropParts(w, 'too-large', 1)
    w.skipping = number !== 0
    return
  }
  if (number !== 0) {
    w.parts.push(part)
    w.nextPart = number + 1
    return
  }
  const data = new Uint8Array(total)
  let at = 0
  for (const p of w.parts) {
    data.set(p, at)
    at += p.length
  }
  data.set(part, at)
  w.parts = []
  w.nextPart = 0
  deliver(w, data)
}
