// The Inpas pin-pad emulator core (docs/protocols/inpas-sbp.md § 5): a pure, deterministic state machine
// `step(state, event) → {state, effects}` with no timers and no I/O. Events: `bytes` (from the till), `tick(now)`,
// `control(action)`; every event carries `now` (ms, monotonic; the runner's clock). Effects: `write(bytes)` (to
// the till), `wakeAt(t)` (call `tick` at t; each step emits at most one, which replaces the previous one — no
// `wakeAt` means no timer is needed), `notice` (unplug/replug/reboot, journal/trace answers, logs). A seedable
// RNG (mulberry32 in the state) makes RRNs, auth codes, PAN tails and QRC ids reproducible. `step` never mutates
// the state it is given: it works on a copy (the journal and the trace are shared immutable structures).
//
// Readings of the protocol file where it is ambiguous (also in the report):
// - E1 resend after 5 s without ACK and after NAK share one budget: at most 3 resends (4 transmissions), then EOT.
//   EOT from the till while a terminal frame awaits its ACK drops that message.
// - E3/E9: a request carrying the method tag 200 (any value) comes from the `custom` profile; only then is the
//   QR notify (op 201) sent. `200:"SBP"` shows the QR at once; `"CARD"` or no tag shows the card prompt.
// - E8: op 21 goes right after the ACK of a money request (pay/refund) and every `waitIntervalMs` while it runs;
//   immediate requests (26, status, receipt copy, 59, 41, reports, unknown ops) answer at once without op 21.
// - E13: "partial" = refund amount below the original payment's amount. Same day = same terminal calendar date
//   and no settlement (op 59) since.
// - E14: the later-day card tap applies to every later-day refund (card or SBP); key 1 is ignored in refunds (B5).
// - E17: a status reply copies 0, 4, 13, 14, 15, 19, 21, 90 and 200 from the stored result, plus 25, 26, 34, 39.
//   A receipt copy carries 25, 64, 65, 27, 90 (no 39); "nothing to copy" answers 39 = 0, 19 «НЕТ ДАННЫХ», 90 empty.
// - E18: a byte-identical resend of the request in flight is ACKed again and not processed twice; any other
//   request while an operation runs (host-relay answers excepted) gets EOT.
// - E21: on 67 = 0 the emulator closes the relay (63/16, 64 = 0) and authorises; no host data is relayed.
// - E22: while unplugged the terminal writes nothing and ignores input; a result finished meanwhile is journaled
//   (it becomes the "last" operation) and never sent.
// - eotAt('waiting'): the first op 21 is replaced by EOT and the operation is aborted (39 = 53 journaled, no
//   result sent), so the client resolves it by status. eotAt('result'): EOT instead of the result (journaled).
// - waitStorm({everyMs, forMs}): the next (or current) money operation sends op 21 every `everyMs` and holds its
//   result until `forMs` after its start.
// - clock.advance(ms) / clock.nextDay() as core controls move the terminal calendar only (dates, the same-day
//   rule); timers follow the runner's clock. The in-memory runner's fake clock moves both (`advance`).
import { decodeFrames, parseMessage, type FrameEvent } from '../../workers/providers/inpas-sbp/codec/index.ts'
import { ACK, EOT, NAK } from '../../workers/providers/inpas-sbp/codec/index.ts'
import { concatBytes, log, sameBytes, traceBytes, type Ctx } from './context.ts'
import { applyControl } from './controls.ts'
import { emitControl, emptyLink, linkWake, onControlByte, receive, runLinkTimers } from './link.ts'
import { handleRequest, isRelayReply, onEcrEot, opWake, runOpTimers } from './operations.ts'
import { defaultConfig, type PinpadConfig, type PinpadConfigInput, type PinpadEvent, type PinpadState, type StepResult } from './types.ts'

export interface CreateStateOptions extends PinpadConfigInput {
  /** RNG seed (uint32); the same seed and events give the same bytes. */
  seed?: number
  /** The runner's time at power-on. */
  now?: number
}

export function resolveConfig(input: PinpadConfigInput = {}): PinpadConfig {
  const d = defaultConfig()
  const { customer, bank, ...rest } = input
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<PinpadConfig>
  return { ...d, ...defined, customer: { ...d.customer, ...customer }, bank: { ...d.bank, ...bank } }
}

/** A powered-on, idle pin-pad. */
export function createPinpadState(options: CreateStateOptions = {}): PinpadState {
  const { seed = 1, now = 0, ...input } = options
  const config = resolveConfig(input)
  return {
    config,
    now,
    bootAt: now,
    calendarShift: 0,
    rng: seed >>> 0,
    plugged: true,
    tid: config.tid,
    customer: { ...config.customer },
    bank: { ...config.bank },
    hostLink: config.hostLink,
    link: emptyLink(),
    faults: {
      nak: 0,
      dropAck: 0,
      lose: 0,
      corruptNext: null,
      dupNext: false,
      split: null,
      stray: null,
      gapMs: null,
      waitStorm: null,
      loseResult: false,
      eotAt: [],
    },
    op: null,
    journal: [],
    nextSeq: 1,
    lastSeq: null,
    screen: '',
    trace: null,
  }
}

/** The step's own copy: everything but the shared immutable journal and trace. */
function own(state: PinpadState): PinpadState {
  const { journal, trace, ...rest } = state
  return { ...structuredClone(rest), journal, trace }
}

/** Guard against a timer that keeps firing at the same instant (a bug, not wire input). */
const MAX_TIMER_ROUNDS = 10_000

/** § 5.1: one step of the emulator. */
export function step(state: PinpadState, event: PinpadEvent): StepResult {
  const ctx: Ctx = { s: own(state), fx: [] }
  const s = ctx.s
  if (event.now > s.now) s.now = event.now
  runTimers(ctx)
  if (event.type === 'bytes') onBytes(ctx, event.data)
  else if (event.type === 'control') applyControl(ctx, event.action)
  runTimers(ctx)
  const wake = nextWake(s)
  if (wake !== null) ctx.fx.push({ type: 'wakeAt', at: wake })
  return { state: s, effects: ctx.fx }
}

function runTimers(ctx: Ctx): void {
  for (let i = 0; i < MAX_TIMER_ROUNDS; i++) {
    const a = runLinkTimers(ctx)
    const b = runOpTimers(ctx)
    if (!a && !b) return
  }
  log(ctx, 'timers did not settle')
}

/** The earliest time the machine needs a tick, or null. */
export function nextWake(s: PinpadState): number | null {
  const times = [linkWake(s), opWake(s)].filter((t): t is number => t !== null)
  return times.length ? Math.min(...times) : null
}

/** True while a money operation runs (E18: requests get EOT). */
export function isBusy(s: PinpadState): boolean {
  return s.op !== null
}

function onBytes(ctx: Ctx, data: Uint8Array): void {
  const s = ctx.s
  if (!s.plugged) return
  traceBytes(ctx, 'in', data)
  for (const unit of receive(ctx, data)) {
    if (unit.kind === 'control') {
      if (onControlByte(ctx, unit.byte) === 'eot') onEcrEot(ctx)
    } else onFrame(ctx, unit.raw)
  }
}

/** E1 + § 5.3 wire faults on a whole frame from the till; CRC and SOH reassembly by the codec. */
function onFrame(ctx: Ctx, raw: Uint8Array): void {
  const s = ctx.s
  const f = s.faults
  if (f.lose > 0) {
    f.lose--
    log(ctx, 'rx: frame lost on the wire (lose)')
    return
  }
  if (f.nak > 0) {
    f.nak--
    emitControl(ctx, NAK)
    return
  }
  const ev: FrameEvent | undefined = decodeFrames(raw)[0]
  if (!ev || ev.kind === 'corrupt') {
    emitControl(ctx, NAK)
    return
  }
  if (ev.kind === 'fragment') {
    s.link.rxSoh.push(raw)
    emitControl(ctx, ACK)
    return
  }
  if (ev.kind === 'dropped') {
    s.link.rxSoh = []
    emitControl(ctx, ACK)
    return
  }
  if (ev.kind !== 'frame') return
  let payload = ev.payload
  if (ev.via === 'soh' && s.link.rxSoh.length > 0) {
    const whole = decodeFrames(concatBytes([...s.link.rxSoh, raw])).find((e) => e.kind === 'frame')
    s.link.rxSoh = []
    if (!whole || whole.kind !== 'frame') {
      emitControl(ctx, ACK)
      log(ctx, 'rx: SOH fragments out of order, message dropped')
      return
    }
    payload = whole.payload
  } else s.link.rxSoh = []
  onMessage(ctx, payload, raw)
}

/** A whole CRC-good message from the till: eotAt('request'), busy (E18), de-duplication, dropAck, then dispatch. */
function onMessage(ctx: Ctx, payload: Uint8Array, raw: Uint8Array): void {
  const s = ctx.s
  const f = s.faults
  const parsed = parseMessage(payload)
  if (!parsed.ok) {
    emitControl(ctx, ACK)
    log(ctx, `rx: malformed message (${parsed.error.kind}) ignored`)
    return
  }
  const msg = parsed.value
  if (!isRelayReply(msg)) {
    const i = f.eotAt.indexOf('request')
    if (i >= 0) {
      f.eotAt.splice(i, 1)
      emitControl(ctx, EOT)
      return
    }
    if (s.op) {
      if (sameBytes(s.op.requestRaw, raw)) {
        emitControl(ctx, ACK)
        log(ctx, `rx: repeated request op ${msg.op} ACKed again, not processed twice`)
      } else emitControl(ctx, EOT)
      return
    }
  }
  if (f.dropAck > 0) f.dropAck--
  else emitControl(ctx, ACK)
  handleRequest(ctx, msg, raw)
}
