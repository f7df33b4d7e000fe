// Cancel, refund and cancel-refund (docs/protocols/oplati.md § 4.5–4.7): E7 reversals and C5 on a refund.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { type PaymentInfo, STATUS, WIRE } from './codec.ts'
import { body, type Ctx, info, statusMessage } from './call.ts'

// ---- cancel, refund, cancel-refund (§ 4.5–4.7) ----------------------------------------------------

export async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const now = ctx.clock.now()
  const saleId = original.kind === 'pay' ? original.ref : (original.details?.salePaymentId as string | undefined)
  await ctx.commit({
    state: 'sent',
    sentAt: now,
    details: { salePaymentId: saleId ?? '', originalKind: original.kind, ...(original.kind === 'refund' ? { refundPaymentId: original.ref ?? '' } : {}) },
    message: msg('common.sending'),
  })
  if (original.kind === 'refund') {
    // § 4.7: cancel a refund with C5 on the refund's own paymentId.
    const r = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(original.ref!), {})
    if (r.kind === 'info' && r.info.status === STATUS.cancelled) return approveReversal(ctx, r.info)
    if (r.kind === 'unknown') return ctx.queueSelf({ state: 'unknown', message: msg('oplati.cancelQueued'), note: r.reason })
    await ctx.commit({
      state: 'declined',
      message: r.kind === 'info' ? statusMessage(r.info.status) : r.message,
      error: { code: r.kind === 'refused' ? (r.env?.internalCode ?? String(r.status)) : r.kind },
    })
    return
  }
  const r = await info(ctx, 'reversals', 'POST', WIRE.reversalsPath(saleId!), body(ctx))
  if (r.kind === 'info') {
    if (r.info.status === STATUS.ok) return approveReversal(ctx, r.info)
    await ctx.commit({ state: 'declined', message: statusMessage(r.info.status), ref: r.info.paymentId })
    return
  }
  if (r.kind === 'unknown') {
    // A cancel must happen: warning E, queued (blocks). A refund is over for the cashier: C, resolved (§ 4.6).
    const message = ctx.op.kind === 'cancel' ? msg('oplati.cancelQueued') : msg('oplati.serverError')
    return ctx.queueSelf({ state: 'unknown', message, note: r.reason })
  }
  await ctx.commit({ state: 'declined', message: r.message, error: { code: r.kind === 'refused' ? (r.env?.internalCode ?? String(r.status)) : 'auth' } })
}

export async function approveReversal(ctx: Ctx, i: PaymentInfo, note?: string): Promise<void> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  await ctx.commit({ state: 'approved', ref: i.paymentId, message: msg('common.approved'), ...(note ? { note } : {}) })
}
