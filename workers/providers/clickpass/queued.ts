// One queue attempt (docs/protocols/clickpass.md § 4.5): status first, the reversal only while the payment is PAID.
import { msg } from '../../../src/domain/messages.ts'
import type { QueueVerdict } from '../types.ts'
import { CLICK_PATHS } from './codec.ts'
import { call, type Ctx, declineMessage, errorOf } from './call.ts'
import { approve } from './slips.ts'
import { lookupByMti, statusOf } from './query.ts'

/** One queue attempt: status first, then the reversal only if the payment is still PAID (§ 4.5). */
export async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (!ctx.op.ref && ctx.op.compensates) {
    // A compensation of a payment whose reply never came: find the payment by its transaction id first.
    const f = await lookupByMti(ctx, ctx.op.compensates, ctx.op.createdAt)
    if (f.kind === 'unavailable') return { kind: 'retry', error: f.reason }
    if (f.kind === 'absent') {
      await approve(ctx, { note: 'the payment is not at Click: nothing to reverse' })
      return { kind: 'done' }
    }
  }
  const s = await (async () => {
    const r = await call(ctx, 'status', 'GET', CLICK_PATHS.status(ctx.config.serviceId, ctx.op.ref ?? '0'))
    if (r.kind === 'reply' && r.reply.errorCode === 0) return { status: r.reply.paymentStatus }
    if (r.kind === 'reply' && r.reply.errorCode === -9040) return { notFound: true }
    return { retry: r.kind === 'unknown' ? r.reason : `status refused: ${JSON.stringify(errorOf(r))}` }
  })()
  if ('retry' in s) return { kind: 'retry', error: s.retry ?? 'status' }
  if ('notFound' in s || !ctx.op.ref) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'payment not found for the reversal' })
    return { kind: 'done' }
  }
  if (s.status !== undefined && s.status < 0) {
    await approve(ctx, { note: `payment status ${s.status}: nothing left to reverse` })
    return { kind: 'done' }
  }
  if (s.status !== 2) return { kind: 'retry', error: `payment still processing (status ${s.status})` }
  await ctx.commit({ state: ctx.op.state === 'created' ? 'sent' : ctx.op.state === 'unknown' ? 'resolving' : ctx.op.state, sentAt: ctx.clock.now() })
  const r = await call(ctx, 'reversal', 'DELETE', CLICK_PATHS.reversal(ctx.config.serviceId, ctx.op.ref))
  if (r.kind === 'reply' && r.reply.errorCode === 0) {
    await approve(ctx)
    return { kind: 'done' }
  }
  if (r.kind === 'unknown') return { kind: 'retry', error: r.reason }
  // A refusal may answer a resent copy of this reversal that went through (docs/rules.md R2): the status decides.
  const after = await statusOf(ctx)
  if (after !== undefined && after < 0) {
    await approve(ctx, { note: `already reversed (status ${after})` })
    return { kind: 'done' }
  }
  if (after === undefined) return { kind: 'retry', error: `reversal refused but status unavailable: ${JSON.stringify(errorOf(r))}` }
  // A definitive refusal (e.g. -5017, -9050 while PAID): a person must look (§ 4.5).
  await ctx.commit({ state: ctx.op.compensates ? 'declined' : 'needs-attention', message: declineMessage(r), error: errorOf(r) })
  return { kind: 'done' }
}
