// Pay (docs/protocols/clickpass.md § 4.3), the confirm window, the pending poll, a lost reply (§ 4.4) and the resume.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import { CLICK_PATHS, confirmBody, maskPhone, paymentBody, type ClickReply } from './codec.ts'
import { maskCode } from '../../../src/domain/ids.ts'
import { checkRefusal, type OwnLookup } from '../replay.ts'
import { poll } from '../common/poll.ts'
import { call, type Call, clickDeclined, type Ctx, declineMessage, errorOf } from './call.ts'
import { approve, paid } from './slips.ts'
import { ensureMode } from './mode.ts'
import { type Found, lookupByMti, statusOf } from './query.ts'

/** docs/rules.md R7 [C]: status is polled every 2 s. */
export const POLL_MS = 2_000
/** docs/rules.md R7 [C]: without confirm mode a pending payment is awaited 60 s. */
export const PENDING_WINDOW_MS = 60_000
/** § 4.3.3.3: a confirm is (re)sent only while less than 25 s have passed since the payment was sent. */
export const CONFIRM_RESEND_MS = 25_000
/** § 4.3.3.3: Click cancels unconfirmed payments at 30 s; the client decides at 35 s. */
export const CONFIRM_DECIDE_MS = 35_000

function detailsOf(reply: ClickReply): Record<string, string | number> {
  const d: Record<string, string | number> = {}
  if (reply.cardNumber) d.cardNumber = reply.cardNumber
  if (reply.processingType) d.processingType = reply.processingType
  if (reply.cardType) d.cardType = reply.cardType
  if (reply.phoneNumber) d.phone = maskPhone(reply.phoneNumber)
  if (reply.confirmMode !== undefined) d.confirmMode = reply.confirmMode
  return d
}

// ---- pay (§ 4.3) -----------------------------------------------------------------------------

export async function pay(ctx: Ctx, code: string): Promise<void> {
  if (!(await ensureMode(ctx))) return
  const c = ctx.config
  const op = ctx.op
  await ctx.commit({
    state: 'sent',
    sentAt: ctx.clock.now(),
    message: msg('common.sending'),
    details: { ...op.details, expectConfirm: c.confirmMode ? 1 : 0 },
    ...(op.code ? { code: { ...op.code, spent: true } } : {}),
  })
  const body = paymentBody({ serviceId: c.serviceId, code, amount: op.amount, transactionId: op.id, ...(c.cashboxCode ? { cashboxCode: c.cashboxCode } : {}) })
  const r = await call(ctx, 'payment', 'POST', CLICK_PATHS.payment(), body, body.replace(JSON.stringify(code), JSON.stringify(maskCode(code))))
  if (r.kind === 'unknown') return resolveUnknown(ctx, r.reason)
  if (r.kind === 'reply' && REPLAY_CODES.includes(r.reply.errorCode)) return refusedMaybeReplay(ctx, r)
  if (r.kind === 'refused' || r.reply.errorCode !== 0) {
    await ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) })
    return
  }
  const reply = r.reply
  if (!reply.paymentId) return resolveUnknown(ctx, 'payment: reply without payment_id')
  const patch: OpPatch = { ref: reply.paymentId, details: { ...ctx.op.details, ...detailsOf(reply) } }
  if ((reply.confirmMode === 1) !== c.confirmMode)
    ctx.log.warn(
      'clickpass',
      'the service confirm mode differs from the setting (another till switched it?)',
      { confirmMode: reply.confirmMode, setting: c.confirmMode },
      op.id,
    )
  if (reply.confirmMode === 1) {
    await ctx.commit(patch)
    return confirmPhase(ctx, false)
  }
  if (reply.paymentStatus === 2) return approve(ctx, patch)
  if (reply.paymentStatus !== undefined && reply.paymentStatus < 0) {
    await ctx.commit({ ...patch, state: 'declined', message: clickDeclined(reply.paymentStatus, reply.errorNote) })
    return
  }
  await ctx.commit({ ...patch, state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS, message: msg('common.checking') })
  return pollPending(ctx)
}

function elapsed(ctx: Ctx): number {
  return ctx.clock.now() - (ctx.op.sentAt ?? ctx.op.createdAt)
}

function expectsConfirm(op: Operation): boolean {
  const d = op.details ?? {}
  return (d.confirmMode ?? d.expectConfirm) === 1
}

/** § 4.3.3: confirm at once; on a refusal or unknown, decide by status within the 35 s window. */
async function confirmPhase(ctx: Ctx, statusFirst: boolean): Promise<void> {
  if (!statusFirst && ctx.waiting()) {
    const r = await call(ctx, 'confirm', 'POST', CLICK_PATHS.confirm(), confirmBody(ctx.config.serviceId, ctx.op.ref!))
    if (r.kind === 'reply' && r.reply.errorCode === 0) return approve(ctx)
    ctx.log.warn('clickpass', 'confirm not acknowledged: checking status', { error: errorOf(r) }, ctx.op.id)
  }
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + CONFIRM_DECIDE_MS, message: msg('common.checking') })
  let last: number | undefined
  let s = undefined as number | undefined
  // Polls on after the cashier left: the final status decides between the payment and its reversal (R4.4).
  const end = await poll(ctx, {
    every: POLL_MS,
    until: (ctx.op.sentAt ?? ctx.op.createdAt) + CONFIRM_DECIDE_MS,
    first: 'step',
    step: async (): Promise<number | 'confirmed' | undefined> => {
      s = await statusOf(ctx)
      if (s !== undefined) last = s
      if (s === 2 || (s !== undefined && s < 0)) return s
      if ((s === 0 || s === 1) && elapsed(ctx) < CONFIRM_RESEND_MS && ctx.waiting()) {
        const r = await call(ctx, 'confirm', 'POST', CLICK_PATHS.confirm(), confirmBody(ctx.config.serviceId, ctx.op.ref!))
        if (r.kind === 'reply' && r.reply.errorCode === 0) return 'confirmed'
      }
      return undefined
    },
  })
  if (end.kind === 'final') return end.value === 'confirmed' ? approve(ctx) : end.value === 2 ? paid(ctx) : declineNotConfirmed(ctx, end.value)
  // The server cancels an unconfirmed payment at 30 s: a status read now that is not PAID is no payment.
  // Without a status nothing proves that: the outcome is unknown and goes to compensation.
  if (s === undefined) return unknownToCompensate(ctx, last === undefined ? 'no status after the confirm window' : `last status ${last}, then none`)
  return declineNotConfirmed(ctx, s)
}

/** No status could prove where the money is: reverse it through the queue (its status check decides). */
async function unknownToCompensate(ctx: Ctx, note: string) {
  await ctx.compensate({ message: msg('clickpass.unknownConfirm'), error: { code: 'no status' }, note })
}

async function declineNotConfirmed(ctx: Ctx, status: number | undefined) {
  await ctx.commit({
    state: 'declined',
    message: ctx.waiting() ? msg('clickpass.notConfirmed') : msg('clickpass.unknownConfirm'),
    error: { code: status === undefined ? 'no status' : `status ${status}` },
  })
}

/** § 4.3.4: a payment processing without confirm mode: poll up to 60 s, then reverse it. */
async function pollPending(ctx: Ctx): Promise<void> {
  const end = await poll(ctx, {
    every: POLL_MS,
    until: ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS,
    first: 'step',
    step: async () => {
      const s = await statusOf(ctx)
      return s === 2 || (s !== undefined && s < 0) ? s : undefined
    },
  })
  if (end.kind !== 'final') return ctx.compensate({ message: msg('clickpass.unknownConfirm'), note: 'still processing when the window ended' })
  const s = end.value
  if (s === 2) return paid(ctx)
  await ctx.commit({ state: 'declined', message: msg('common.declined', { code: s }), error: { code: `status ${s}` } })
}

/** § 4.4: the payment reply was lost: find the payment by our transaction id. */
async function resolveUnknown(ctx: Ctx, reason: string): Promise<void> {
  if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: reason })
  return findByMti(ctx)
}

async function settleFound(ctx: Ctx, status: number | undefined): Promise<void> {
  if (status === 2) return paid(ctx)
  if (status !== undefined && status < 0) return declineNotConfirmed(ctx, status)
  return expectsConfirm(ctx.op) ? confirmPhase(ctx, true) : pollPending(ctx)
}

async function findByMti(ctx: Ctx): Promise<void> {
  const confirm = expectsConfirm(ctx.op)
  const window = confirm ? CONFIRM_DECIDE_MS : PENDING_WINDOW_MS
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + window, message: msg('common.checking') })
  let found = { kind: 'absent' } as OwnLookup<Found>
  const end = await poll(ctx, {
    every: POLL_MS,
    until: ctx.op.deadline!,
    first: 'step',
    step: async () => {
      found = await lookupByMti(ctx)
      return found.kind === 'found' ? found.value : undefined
    },
  })
  if (end.kind === 'final') return settleFound(ctx, end.value.status)
  // Only a look-up that answered "absent" proves absence; a failed one leaves it unknown.
  if (found.kind === 'unavailable') return unknownToCompensate(ctx, `not found, look-up unavailable: ${found.reason}`)
  if (confirm) {
    // Click cancels any unconfirmed payment after 30 s: no money can have stayed (§ 4.4).
    await ctx.commit({ state: 'declined', message: ctx.waiting() ? msg('clickpass.notFound') : msg('clickpass.unknownConfirm'), error: { code: 'not found' } })
  } else {
    await ctx.commit({
      state: 'needs-attention',
      message: msg('common.unknownAttention'),
      error: { code: 'not found' },
      note: 'not found by transaction id: money may have moved',
    })
  }
}

/**
 * "Code already used" (-9021) or "transaction_id repeated" (-9030) may answer a second copy
 * of our own request: a browser silently resends a request whose connection closed before
 * the reply (Chromium does so on reused sockets). Before declining, look for our payment.
 */
const REPLAY_CODES = [-9021, -9030]

function refusedMaybeReplay(ctx: Ctx, r: Call): Promise<void> {
  return checkRefusal(() => lookupByMti(ctx), {
    found: (f) => {
      ctx.log.warn('clickpass', 'refusal answered a resent copy: our payment exists', { error: errorOf(r) }, ctx.op.id)
      return settleFound(ctx, f.status)
    },
    believe: () => ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) }).then(() => undefined),
    unknown: () => resolveUnknown(ctx, 'refusal of a possibly resent request; status unavailable'),
  })
}

/**
 * After a restart, an operation is resumed by its kind from what the journal proves was sent:
 * a cancel or refund by the state of the reversal — it carries the payment's reference, so reading the
 * payment as if it were being paid would approve a reversal that never happened. The queue decides it:
 * status first, and the reversal only while the payment is still PAID.
 */
export async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({
      state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state,
      message: msg('common.cancelQueued'),
      note: 'resumed after a restart: the reversal decides by status',
    })
  if (!ctx.op.ref) return resolveUnknown(ctx, 'resumed after a restart')
  if (expectsConfirm(ctx.op)) return confirmPhase(ctx, true)
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS, message: msg('common.checking') })
  return pollPending(ctx)
}
