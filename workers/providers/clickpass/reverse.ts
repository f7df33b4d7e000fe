// Cancel and refund (docs/protocols/clickpass.md § 4.5): the reversal, a refusal checked by status.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { CLICK_PATHS } from './codec.ts'
import { call, type Ctx, declineMessage, errorOf } from './call.ts'
import { approve } from './slips.ts'
import { statusOf } from './query.ts'

// ---- cancel and refund (§ 4.5) -------------------------------------------------------------

export async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const ref = original.ref
  if (!ref) {
    await ctx.commit({ state: 'declined', message: msg('common.noOperation') })
    return
  }
  await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), ref, details: { ...original.details }, message: msg('common.sending') })
  const r = await call(ctx, 'reversal', 'DELETE', CLICK_PATHS.reversal(ctx.config.serviceId, ref))
  if (r.kind === 'reply' && r.reply.errorCode === 0) return approve(ctx)
  if (r.kind === 'unknown') return ctx.queueSelf({ state: 'unknown', message: msg('common.cancelQueued'), note: r.reason })
  // A refusal may answer a resent copy of a reversal that went through: the status decides.
  const s = await statusOf(ctx)
  if (s !== undefined && s < 0) return approve(ctx, { note: `already reversed (status ${s})` })
  if (s === undefined) return ctx.queueSelf({ state: 'unknown', message: msg('common.cancelQueued'), note: 'reversal refused but status unavailable' })
  await ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) })
}
