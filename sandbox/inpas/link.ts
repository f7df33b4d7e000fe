// Link layer of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 2.2–§ 2.5, § 5.2 E1, E10; faults of § 5.3).
// Owns: splitting the till's byte stream into control bytes and whole frames (1 s inter-byte resync, stray bytes
// skipped); the terminal's transmit queue — one message at a time, STX or SOH fragments (E10), each frame
// awaiting ACK 5 s, resent on NAK or timeout at most 3 times, then EOT; and the wire faults applied to the
// terminal's output (corruptNext, dupNext, split, stray, gapMs). CRC, framing and SOH splitting come from the
// codec. Pure: works on the step's copy of the state.
import { ACK, EOT, NAK, SOH, STX, encodeFrames } from '../../workers/providers/inpas-sbp/codec/index.ts'
import { log, traceBytes, type Ctx } from './context.ts'
import type { LinkState, OutMessage, PinpadState } from './types.ts'

export function emptyLink(): LinkState {
  return { rxPartial: [], rxLastAt: 0, rxSoh: [], queue: [], cur: null, pending: [], swallow: 0 }
}

// ---------------------------------------------------------------------------------------------------------
// Receive (till → terminal)

export type RxUnit = { kind: 'control'; byte: number } | { kind: 'frame'; raw: Uint8Array }

/**
 * § 2.3–§ 2.5: cut the till's bytes into control bytes (ACK/NAK/EOT between frames) and whole STX/SOH frames
 * (LEN + 5 bytes, whatever they contain; the CRC is checked by the caller through the codec). Other bytes
 * between frames are skipped. A partial frame idle for `interByteMs` is dropped first (E1).
 */
export function receive(ctx: Ctx, data: Uint8Array): RxUnit[] {
  const s = ctx.s
  const link = s.link
  dropStalePartial(ctx)
  const units: RxUnit[] = []
  let skipped = 0
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!
    if (link.rxPartial.length === 0) {
      if (b === STX || b === SOH) link.rxPartial.push(b)
      else if (b === ACK || b === NAK || b === EOT) units.push({ kind: 'control', byte: b })
      else skipped++
      continue
    }
    link.rxPartial.push(b)
    if (link.rxPartial.length >= 3) {
      const size = (link.rxPartial[1]! | (link.rxPartial[2]! << 8)) + 5
      if (link.rxPartial.length === size) {
        units.push({ kind: 'frame', raw: Uint8Array.from(link.rxPartial) })
        link.rxPartial = []
      }
    }
  }
  if (skipped > 0) log(ctx, `rx: skipped ${skipped} stray byte(s)`)
  link.rxLastAt = s.now
  return units
}

/** E1: a partial frame idle for 1 s is dropped; the receiver hunts for STX/SOH again. */
function dropStalePartial(ctx: Ctx): boolean {
  const link = ctx.s.link
  if (link.rxPartial.length > 0 && ctx.s.now - link.rxLastAt >= ctx.s.config.interByteMs) {
    log(ctx, `rx: inter-byte gap, dropped ${link.rxPartial.length} byte(s) of a partial frame`)
    link.rxPartial = []
    return true
  }
  return false
}

// ---------------------------------------------------------------------------------------------------------
// Output: every byte the terminal writes goes through `emit`, which applies `split` and keeps order behind
// bytes held back by `gapMs`.

/** Write bytes now (in `split` chunks), or behind held-back bytes. Nothing leaves an unplugged pin-pad. */
export function emit(ctx: Ctx, bytes: Uint8Array): void {
  const s = ctx.s
  if (!s.plugged || bytes.length === 0) return
  if (s.link.pending.length > 0) {
    s.link.pending.push({ at: s.link.pending[s.link.pending.length - 1]!.at, bytes })
    return
  }
  writeChunks(ctx, bytes)
}

function writeChunks(ctx: Ctx, bytes: Uint8Array): void {
  const sizes = ctx.s.faults.split
  traceBytes(ctx, 'out', bytes)
  if (!sizes || sizes.length === 0) {
    ctx.fx.push({ type: 'write', bytes })
    return
  }
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = Math.max(1, Math.trunc(sizes[k % sizes.length]!))
    ctx.fx.push({ type: 'write', bytes: bytes.slice(at, at + n) })
    at += n
  }
}

export function emitControl(ctx: Ctx, byte: number): void {
  emit(ctx, Uint8Array.of(byte))
}

/** gapMs: write held-back chunks that are due. */
function flushPending(ctx: Ctx): boolean {
  const link = ctx.s.link
  let fired = false
  while (link.pending.length > 0 && link.pending[0]!.at <= ctx.s.now) {
    const chunk = link.pending.shift()!
    if (ctx.s.plugged) writeChunks(ctx, chunk.bytes)
    fired = true
  }
  return fired
}

// ---------------------------------------------------------------------------------------------------------
// Transmit queue (terminal → till)

/** Queue a message; it goes out when the messages before it are ACKed (or given up). */
export function enqueue(ctx: Ctx, msg: OutMessage): void {
  if (!ctx.s.plugged) {
    log(ctx, `tx: op ${msg.op} ${msg.kind} lost: the pin-pad is unplugged`)
    return
  }
  ctx.s.link.queue.push(msg)
  pump(ctx)
}

/** True when a wait (op 21) is already queued or on the wire: waits never pile up. */
export function waitPending(s: PinpadState): boolean {
  return s.link.cur?.msg.kind === 'wait' || s.link.queue.some((m) => m.kind === 'wait')
}

function pump(ctx: Ctx): void {
  const link = ctx.s.link
  while (!link.cur && link.queue.length > 0) {
    const msg = link.queue.shift()!
    const r = encodeFrames(msg.data, ctx.s.config.sohThreshold)
    if (!r.ok) {
      log(ctx, `tx: op ${msg.op} cannot be framed (${r.error.kind})`)
      continue
    }
    link.cur = { msg, frames: r.value, index: 0, sent: 0, deadline: 0 }
    transmit(ctx)
  }
}

/** Put the current frame on the wire, applying the one-shot output faults of § 5.3. */
function transmit(ctx: Ctx): void {
  const s = ctx.s
  const cur = s.link.cur!
  let frame = cur.frames[cur.index]!
  const f = s.faults
  if (f.stray) {
    emit(ctx, Uint8Array.from(f.stray))
    f.stray = null
  }
  if (f.corruptNext) {
    frame = frame.slice()
    // Default: the last DATA byte, so LEN stays intact and the frame keeps its length (the CRC then fails).
    const at = f.corruptNext.byteIndex ?? Math.max(3, frame.length - 3)
    const i = Math.min(Math.max(0, Math.trunc(at)), frame.length - 1)
    frame[i] = frame[i]! ^ 0xff
    f.corruptNext = null
    log(ctx, `tx: corrupted byte ${i} of op ${cur.msg.op} frame`)
  }
  const copies = f.dupNext ? 2 : 1
  if (f.dupNext) {
    f.dupNext = false
    s.link.swallow += 1
  }
  let endAt = s.now
  for (let c = 0; c < copies; c++) {
    if (f.gapMs !== null && c === 0 && frame.length > 1 && s.link.pending.length === 0 && s.plugged) {
      const cut = Math.max(1, Math.floor(frame.length / 2))
      emit(ctx, frame.subarray(0, cut))
      endAt = s.now + f.gapMs
      s.link.pending.push({ at: endAt, bytes: frame.slice(cut) })
      f.gapMs = null
    } else emit(ctx, frame)
  }
  if (s.link.pending.length > 0) endAt = Math.max(endAt, s.link.pending[s.link.pending.length - 1]!.at)
  cur.sent++
  cur.deadline = endAt + s.config.ackTimeoutMs
}

/** ACK from the till: the current frame is through; the next fragment or message follows. */
function onAck(ctx: Ctx): void {
  const link = ctx.s.link
  if (!link.cur) return
  link.cur.index++
  link.cur.sent = 0
  if (link.cur.index < link.cur.frames.length) transmit(ctx)
  else {
    link.cur = null
    pump(ctx)
  }
}

/** NAK or no answer: resend the identical frame, at most `maxResends` times; then EOT (E1). */
function retry(ctx: Ctx, why: 'nak' | 'timeout'): void {
  const s = ctx.s
  const cur = s.link.cur
  if (!cur) return
  if (cur.sent <= s.config.maxResends) {
    log(ctx, `tx: ${why}, resending op ${cur.msg.op} frame ${cur.index + 1}/${cur.frames.length}`)
    transmit(ctx)
    return
  }
  log(ctx, `tx: ${why} after ${cur.sent} transmissions of op ${cur.msg.op}; EOT`)
  emitControl(ctx, EOT)
  s.link.cur = null
  pump(ctx)
}

/** A control byte from the till between frames. EOT is handed back to the caller (operation level, E23). */
export function onControlByte(ctx: Ctx, byte: number): 'eot' | undefined {
  const link = ctx.s.link
  if (byte === EOT) {
    if (link.cur) {
      log(ctx, `tx: the till sent EOT while op ${link.cur.msg.op} awaited its ACK; dropped`)
      link.cur = null
      link.swallow = 0
      pump(ctx)
    }
    return 'eot'
  }
  if (link.swallow > 0) {
    link.swallow--
    return undefined
  }
  if (byte === ACK) onAck(ctx)
  else if (byte === NAK) retry(ctx, 'nak')
  return undefined
}

/** Link timers: held-back chunks, the 1 s inter-byte rule, the 5 s ACK wait. True if something fired. */
export function runLinkTimers(ctx: Ctx): boolean {
  const s = ctx.s
  let fired = flushPending(ctx)
  if (dropStalePartial(ctx)) fired = true
  const cur = s.link.cur
  if (cur && s.link.pending.length === 0 && s.now >= cur.deadline) {
    s.link.swallow = 0
    retry(ctx, 'timeout')
    fired = true
  }
  return fired
}

export function linkWake(s: PinpadState): number | null {
  const link = s.link
  const times: number[] = []
  if (link.pending.length > 0) times.push(link.pending[0]!.at)
  if (link.rxPartial.length > 0) times.push(link.rxLastAt + s.config.interByteMs)
  if (link.cur && link.pending.length === 0) times.push(link.cur.deadline)
  return times.length ? Math.min(...times) : null
}

/** Unplug / reboot: everything on the wire is gone. */
export function resetLink(s: PinpadState): void {
  s.link = emptyLink()
}
