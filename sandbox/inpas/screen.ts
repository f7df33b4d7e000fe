// What the emulated pin-pad shows (docs/protocols/inpas-sbp.md § 5.1 "Runners": the browser demo): a pure function of
// the emulator state, so the `#/pinpad` page can draw the device's screen — idle, the amount with the card prompt,
// the SBP QR with its link, "processing", the result text — and the tester sees the scripted customer and the
// faults armed for the next frames. No I/O; the worker's BroadcastChannel adapter only posts what this returns.
import type { BankSettings, CustomerScript, HostLinkMode, PinpadState } from './types.ts'

export type ScreenKind =
  /** Nothing in flight and nothing to show. */
  | 'idle'
  /** Sale: tap, insert or swipe the card; key 1 switches to the QR. */
  | 'card'
  /** The SBP QR is on the screen. */
  | 'qr'
  /** A later-day refund waits for the card tap (E14). */
  | 'refund-card'
  /** The customer acted; the "bank" answers (also the host relay and a held result). */
  | 'processing'
  /** The last operation's result text (field 19 before `^`). */
  | 'result'
  /** A text the till put on the screen (op 41). */
  | 'message'

export interface PinpadScreen {
  kind: ScreenKind
  /** The device is plugged in (an unplugged pin-pad still runs its operation, E22). */
  plugged: boolean
  tid: string
  /** Sale or refund being made, or of the result shown. */
  operation?: 'sale' | 'refund'
  /** Minor units (kopecks). */
  amount?: number
  /** ISO 4217 numeric. */
  currency?: number
  /** The SBP link on the QR screen. */
  link?: string
  /** The terminal's own text, as the device writes it (Russian; not translated). */
  text: string
  /** On the result screen: 39 = 1. */
  approved?: boolean
  /** The field 26 of the operation. */
  ecrNo?: number
  /** Deadline of the customer phase, on the emulator's clock (ms), and that clock's reading. */
  deadline?: number
  now: number
  customer: CustomerScript
  bank: BankSettings
  hostLink: HostLinkMode
  /** Faults armed for the coming frames, e.g. `nak×2`, `loseResult`. */
  faults: string[]
}

/** § 5.3 faults still armed, in the control's own words. */
export function armedFaults(s: PinpadState): string[] {
  const f = s.faults
  const out: string[] = []
  if (f.nak) out.push(`nak×${f.nak}`)
  if (f.dropAck) out.push(`dropAck×${f.dropAck}`)
  if (f.lose) out.push(`lose×${f.lose}`)
  if (f.corruptNext) out.push(f.corruptNext.byteIndex === undefined ? 'corruptNext' : `corruptNext@${f.corruptNext.byteIndex}`)
  if (f.dupNext) out.push('dupNext')
  if (f.split) out.push(`split[${f.split.join(',')}]`)
  if (f.stray) out.push(`stray[${f.stray.map((b) => b.toString(16).padStart(2, '0')).join(' ')}]`)
  if (f.gapMs !== null) out.push(`gapMs ${f.gapMs}`)
  if (f.waitStorm) out.push(`waitStorm ${f.waitStorm.everyMs}/${f.waitStorm.forMs}`)
  if (f.loseResult) out.push('loseResult')
  for (const st of f.eotAt) out.push(`eotAt ${st}`)
  return out
}

/** The pin-pad screen for this state. Pure. */
export function pinpadScreen(s: PinpadState): PinpadScreen {
  const base = {
    plugged: s.plugged,
    tid: s.tid,
    now: s.now,
    customer: { ...s.customer },
    bank: { ...s.bank },
    hostLink: s.hostLink,
    faults: armedFaults(s),
  }
  const op = s.op
  if (op) {
    const common = {
      ...base,
      operation: op.kind,
      amount: op.amount,
      currency: op.currency,
      text: s.screen,
      ...(op.ecrNo !== undefined ? { ecrNo: op.ecrNo } : {}),
      ...(op.deadline !== null ? { deadline: op.deadline } : {}),
    }
    if (op.phase === 'qr') return { ...common, kind: 'qr', ...(op.qrLink ? { link: op.qrLink } : {}) }
    if (op.phase === 'card' || op.phase === 'refund-card') return { ...common, kind: op.phase }
    return { ...common, kind: 'processing' }
  }
  const last = s.lastSeq === null ? undefined : s.journal.find((e) => e.seq === s.lastSeq)
  if (last && s.screen !== '' && s.screen === last.text.split('^')[0]) {
    return {
      ...base,
      kind: 'result',
      operation: last.kind,
      amount: last.amount,
      currency: last.currency,
      text: s.screen,
      approved: last.status === 1,
      ...(last.ecrNo !== undefined ? { ecrNo: last.ecrNo } : {}),
    }
  }
  if (s.screen !== '') return { ...base, kind: 'message', text: s.screen }
  return { ...base, kind: 'idle', text: '' }
}
