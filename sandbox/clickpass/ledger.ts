// The ClickPass emulator's memory: payments with their states (docs/protocols/clickpass.md § 3.4), the
// minted and used customer codes, and the date rules in Asia/Tashkent (month rule for
// reversals, the -9030 duplicate check, `status_by_mti` dates). Timers are lazy: a state
// that expires with time is settled whenever it is read, against the sandbox clock.

import type { Json } from '../core/json.ts'

/** Asia/Tashkent is UTC+5 all year (no DST since 1992), docs/rules.md R11. */
export const TASHKENT_OFFSET_MS = 5 * 3_600_000

export type PaymentState = 'AWAITING_CONFIRM' | 'PROCESSING' | 'PAID' | 'AUTO_CANCELLED' | 'REVERSED' | 'FAILED'

/** § 3.4 values; FAILED (-1) is the sandbox's end of a `pending` fault with `then: "decline"` [C]. */
export const PAYMENT_STATUS: Record<PaymentState, number> = {
  AWAITING_CONFIRM: 1,
  PROCESSING: 1,
  PAID: 2,
  AUTO_CANCELLED: -2,
  REVERSED: -3,
  FAILED: -1,
}

export interface Pending {
  /** Sandbox time at which it ends (Infinity: never). Counted from when it started. */
  forMs: number
  /** Status polls that still see "processing" (undefined: not poll-bound). */
  pollsLeft: number | undefined
  then: 'approve' | 'decline'
  /** Set when it starts: at the payment (confirm mode, before the confirm) or when the payment enters PROCESSING. */
  until?: number
}

export interface Payment {
  /** Decimal digits; may exceed 2^53. */
  id: string
  serviceId: number
  /** Tiyin. */
  amount: number
  otp: string
  transactionId: string | undefined
  cashboxCode: string | undefined
  createdAt: number
  confirmMode: boolean
  state: PaymentState
  /** Set by a `pending` fault or magic 92/93; used when the payment would become PAID. */
  pending: Pending | undefined
  /** Magic 99: every reversal answers -9050. */
  irreversible: boolean
  updatedAt: number
  card: { card_type: string; processing_type: string; card_number: string; phone_number: string }
}

export function tashkentDate(ms: number): string {
  return new Date(ms + TASHKENT_OFFSET_MS).toISOString().slice(0, 10)
}

function tashkentMonthIndex(ms: number): number {
  const d = new Date(ms + TASHKENT_OFFSET_MS)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/** § 2.7: reversible in the month of creation, or on the 1st of the next month (Tashkent). */
export function withinMonthRule(createdAt: number, now: number): boolean {
  const created = tashkentMonthIndex(createdAt)
  const current = tashkentMonthIndex(now)
  if (created === current) return true
  const firstDay = new Date(now + TASHKENT_OFFSET_MS).getUTCDate() === 1
  return firstDay && created === current - 1
}

/** Enter PROCESSING, or go straight to PAID when there is nothing pending. */
export function startProcessing(p: Payment, now: number): void {
  if (!p.pending) {
    p.state = 'PAID'
  } else {
    p.state = 'PROCESSING'
    p.pending.until = now + p.pending.forMs
  }
  p.updatedAt = now
}

/**
 * In confirm mode a pending (a `pending` fault on `payment`, magic 92/93) holds the payment *before*
 * the confirm, so the § 3.4 diagram holds as drawn — a confirm that is answered 0 always makes it PAID. While
 * held, status reads 1 and a confirm answers -9041 (it is not awaiting confirmation yet); when the hold ends it
 * awaits confirmation (or FAILED for `then: "decline"`), and the 30 s window cancels it as for any payment.
 */
export function holdBeforeConfirm(p: Payment, now: number): void {
  if (p.pending) p.pending.until = now + p.pending.forMs
}

/** Held before its confirm (confirm mode with a pending that has not ended). */
export function heldBeforeConfirm(p: Payment): boolean {
  return p.state === 'AWAITING_CONFIRM' && p.pending !== undefined
}

function finishPending(p: Payment, pending: Pending, at: number): void {
  if (p.state === 'AWAITING_CONFIRM') {
    p.pending = undefined
    if (pending.then === 'decline') p.state = 'FAILED'
  } else p.state = pending.then === 'decline' ? 'FAILED' : 'PAID'
  p.updatedAt = at
}

/** Apply what time has done: the confirm window's auto-cancel and the end of a timed pending. */
export function settle(p: Payment, now: number, confirmWindowMs: number): void {
  if (p.state === 'AWAITING_CONFIRM' && now >= p.createdAt + confirmWindowMs) {
    p.state = 'AUTO_CANCELLED'
    p.updatedAt = p.createdAt + confirmWindowMs
  }
  const pending = p.pending
  if ((p.state === 'PROCESSING' || heldBeforeConfirm(p)) && pending?.until !== undefined && now >= pending.until) finishPending(p, pending, pending.until)
}

/** A status poll: uses up one of a poll-bound pending's polls, or ends it. Returns nothing; read `p.state`. */
export function countPoll(p: Payment, now: number): void {
  const pending = p.pending
  if ((p.state !== 'PROCESSING' && !heldBeforeConfirm(p)) || pending?.pollsLeft === undefined) return
  if (pending.pollsLeft > 0) pending.pollsLeft -= 1
  else finishPending(p, pending, now)
}

export function paymentView(p: Payment): Record<string, Json> {
  return {
    payment_id: p.id,
    amount: p.amount,
    state: p.state,
    payment_status: PAYMENT_STATUS[p.state],
    transaction_id: p.transactionId ?? null,
    cashbox_code: p.cashboxCode ?? null,
    otp_data: p.otp,
    confirm_mode: p.confirmMode ? 1 : 0,
    irreversible: p.irreversible,
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
    ...(p.pending && (p.state === 'PROCESSING' || heldBeforeConfirm(p))
      ? {
          pending: {
            until: p.pending.until === undefined || !Number.isFinite(p.pending.until) ? null : new Date(p.pending.until).toISOString(),
            pollsLeft: p.pending.pollsLeft ?? null,
            then: p.pending.then,
          },
        }
      : {}),
  }
}
