// Controls of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.3): the scripted customer and manual
// customer actions, fault injection on the link, device events, bank and host-link behaviour, the terminal
// calendar, the TID, and inspection (journal, trace). Pure: works on the step's copy of the state.
import { notice, hex, type Ctx } from './context.ts'
import { resetLink } from './link.ts'
import { customerAct, rebootOp } from './operations.ts'
import { type ControlAction, type PinpadState, type TraceEntry } from './types.ts'

/** A day of the terminal calendar (`clock.nextDay`). */
export const DAY_MS = 24 * 60 * 60 * 1000

const count = (n: number | undefined): number => (n === undefined ? 1 : Math.max(0, Math.trunc(n)))

export function applyControl(ctx: Ctx, a: ControlAction): void {
  const s = ctx.s
  const f = s.faults
  switch (a.action) {
    case 'customer': {
      const d = s.config.customer
      s.customer = { choice: a.choice ?? d.choice, afterMs: a.afterMs ?? d.afterMs, outcome: a.outcome ?? d.outcome }
      return
    }
    case 'pressKey1':
      return customerAct(ctx, 'key1')
    case 'tapCard':
      return customerAct(ctx, 'tap')
    case 'cancelOnPinpad':
      return customerAct(ctx, 'cancel')
    case 'customerPay':
      return customerAct(ctx, 'pay')
    case 'customerDecline':
      return customerAct(ctx, 'decline')
    case 'nak':
      f.nak += count(a.n)
      return
    case 'dropAck':
      f.dropAck += count(a.n)
      return
    case 'lose':
      f.lose += count(a.n)
      return
    case 'corruptNext':
      f.corruptNext = a.byteIndex === undefined ? {} : { byteIndex: a.byteIndex }
      return
    case 'dupNext':
      f.dupNext = true
      return
    case 'split':
      f.split = a.sizes && a.sizes.length > 0 ? a.sizes.map((n) => Math.max(1, Math.trunc(n))) : null
      return
    case 'stray':
      f.stray = a.bytes.map((b) => b & 0xff)
      return
    case 'gapMs':
      f.gapMs = Math.max(0, a.ms)
      return
    case 'waitStorm': {
      const storm = { everyMs: a.everyMs ?? s.config.waitIntervalMs, forMs: a.forMs }
      if (s.op) {
        // Applies to the operation in flight, counted from its start.
        s.op.waitEvery = storm.everyMs
        s.op.nextWaitAt = Math.min(s.op.nextWaitAt, s.now + storm.everyMs)
        s.op.holdUntil = s.op.startedAt + storm.forMs
      } else f.waitStorm = storm
      return
    }
    case 'loseResult':
      f.loseResult = true
      return
    case 'eotAt':
      f.eotAt.push(a.stage)
      return
    case 'unplug':
      if (!s.plugged) return
      s.plugged = false
      resetLink(s)
      notice(ctx, { kind: 'unplug' })
      return
    case 'replug':
      if (s.plugged) return
      s.plugged = true
      resetLink(s)
      notice(ctx, { kind: 'replug' })
      return
    case 'reboot':
      rebootOp(ctx)
      resetLink(s)
      s.screen = ''
      notice(ctx, { kind: 'reboot' })
      return
    case 'bank': {
      const { action: _, ...rest } = a
      s.bank = { ...s.bank, ...rest }
      return
    }
    case 'hostLink':
      s.hostLink = a.mode
      return
    case 'clock.advance':
      s.calendarShift += Math.max(0, a.ms)
      return
    case 'clock.nextDay':
      s.calendarShift += DAY_MS
      return
    case 'setTid':
      s.tid = a.tid
      return
    case 'journal':
      notice(ctx, { kind: 'journal', journal: s.journal })
      return
    case 'trace':
      notice(ctx, { kind: 'trace', trace: traceEntries(s) })
      return
    default: {
      const never: never = a
      notice(ctx, { kind: 'control-error', message: `unknown control ${JSON.stringify(never)}` })
    }
  }
}

/** § 5.1: the byte trace, oldest first, as hex (so a run can become a fixture). */
export function traceEntries(s: PinpadState): TraceEntry[] {
  const out: TraceEntry[] = []
  for (let n = s.trace; n; n = n.prev) out.push({ at: n.at, dir: n.dir, hex: hex(n.bytes) })
  return out.reverse()
}

/** The trace as text lines: `<ms> <'<' till→pin-pad | '>' pin-pad→till> <hex>`. */
export function traceText(s: PinpadState): string {
  return traceEntries(s)
    .map((e) => `${String(e.at).padStart(9)} ${e.dir === 'in' ? '<' : '>'} ${e.hex}`)
    .join('\n')
}

const CHOICES = ['card', 'qr', 'switch']
const OUTCOMES = ['pay', 'decline', 'ignore', 'cancel']
const STAGES = ['request', 'waiting', 'result']

/**
 * JSON controls (`{action, args}` of the bridge, § 5.1) → a typed action. `args` may be an array of positional
 * arguments (`{"action":"nak","args":[2]}`) or an object (`{"action":"customer","args":{"outcome":"decline"}}`).
 * `clock.advance` and `clock.nextDay` may also be written `clockAdvance` / `nextDay`.
 */
export function parseControl(input: unknown): { ok: true; action: ControlAction } | { ok: false; error: string } {
  if (typeof input !== 'object' || input === null) return { ok: false, error: 'expected {action, args}' }
  const { action, args } = input as { action?: unknown; args?: unknown }
  if (typeof action !== 'string') return { ok: false, error: 'missing action' }
  const list = Array.isArray(args) ? (args as unknown[]) : args === undefined ? [] : [args]
  const first = list[0]
  const obj = (typeof first === 'object' && first !== null && !Array.isArray(first) ? first : {}) as Record<string, unknown>
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  const nums = (v: unknown): number[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null)
  switch (action) {
    case 'customer': {
      const choice = str(obj.choice)
      const outcome = str(obj.outcome)
      if (choice !== undefined && !CHOICES.includes(choice)) return { ok: false, error: `bad choice ${choice}` }
      if (outcome !== undefined && !OUTCOMES.includes(outcome)) return { ok: false, error: `bad outcome ${outcome}` }
      const afterMs = num(obj.afterMs)
      return {
        ok: true,
        action: {
          action,
          ...(choice ? { choice: choice as 'card' } : {}),
          ...(outcome ? { outcome: outcome as 'pay' } : {}),
          ...(afterMs !== undefined ? { afterMs } : {}),
        },
      }
    }
    case 'pressKey1':
    case 'tapCard':
    case 'cancelOnPinpad':
    case 'customerPay':
    case 'customerDecline':
    case 'dupNext':
    case 'loseResult':
    case 'unplug':
    case 'replug':
    case 'reboot':
    case 'journal':
    case 'trace':
      return { ok: true, action: { action } }
    case 'clock.nextDay':
    case 'nextDay':
      return { ok: true, action: { action: 'clock.nextDay' } }
    case 'nak':
    case 'dropAck':
    case 'lose': {
      const n = num(first) ?? num(obj.n)
      return { ok: true, action: n === undefined ? { action } : { action, n } }
    }
    case 'corruptNext': {
      const byteIndex = num(first) ?? num(obj.byteIndex)
      return { ok: true, action: byteIndex === undefined ? { action } : { action, byteIndex } }
    }
    case 'split':
      return { ok: true, action: { action, sizes: nums(first) ?? nums(obj.sizes) ?? (list.length && nums(list) ? (list as number[]) : null) } }
    case 'stray': {
      const bytes = nums(first) ?? nums(obj.bytes) ?? nums(list)
      return bytes ? { ok: true, action: { action, bytes } } : { ok: false, error: 'stray needs an array of bytes' }
    }
    case 'gapMs': {
      const ms = num(first) ?? num(obj.ms)
      return ms === undefined ? { ok: false, error: 'gapMs needs ms' } : { ok: true, action: { action, ms } }
    }
    case 'waitStorm': {
      const forMs = num(obj.forMs)
      const everyMs = num(obj.everyMs)
      if (forMs === undefined) return { ok: false, error: 'waitStorm needs {forMs}' }
      return { ok: true, action: everyMs === undefined ? { action, forMs } : { action, forMs, everyMs } }
    }
    case 'eotAt': {
      const stage = str(first) ?? str(obj.stage)
      return stage && STAGES.includes(stage)
        ? { ok: true, action: { action, stage: stage as 'request' } }
        : { ok: false, error: 'eotAt needs request|waiting|result' }
    }
    case 'bank': {
      const out: ControlAction = { action: 'bank' }
      for (const k of ['sameDayPartial', 'switchedRefund', 'declineNext', 'hostDown'] as const) {
        if (typeof obj[k] === 'boolean') out[k] = obj[k]
      }
      return { ok: true, action: out }
    }
    case 'hostLink': {
      const mode = str(first) ?? str(obj.mode)
      return mode === 'own' || mode === 'via-ecr' ? { ok: true, action: { action, mode } } : { ok: false, error: 'hostLink needs own|via-ecr' }
    }
    case 'clock.advance':
    case 'clockAdvance': {
      const ms = num(first) ?? num(obj.ms)
      return ms === undefined ? { ok: false, error: 'clock.advance needs ms' } : { ok: true, action: { action: 'clock.advance', ms } }
    }
    case 'setTid': {
      const tid = str(first) ?? str(obj.tid)
      return tid === undefined ? { ok: false, error: 'setTid needs tid' } : { ok: true, action: { action, tid } }
    }
    default:
      return { ok: false, error: `unknown action ${action}` }
  }
}
