// Cancel and refund (docs/protocols/payme.md § 4.4): receipts.cancel, then wait for state 50 or queue it.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { checkRefusal } from '../replay.ts'
import { poll } from '../common/poll.ts'
import { CANCELLED, type Ctx, ignored, rpc } from './call.ts'
import { approve } from './slips.ts'
import { fetchReceipt, receiptState } from './query.ts'

// ---- cancel and refund (§ 4.4) -------------------------------------------------------------

export async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const now = ctx.clock.now()
  await ctx.commit({
    state: 'sent',
    sentAt: now,
    deadline: now + ctx.config.payDuration,
    ref: original.ref,
    details: { ...original.details },
    message: msg('common.sending'),
  })
  const r = await rpc(ctx, 'receipts.cancel', { id: original.ref })
  if (r.kind === 'result' && r.state === CANCELLED) return approve(ctx, r.receipt)
  if (r.kind === 'error') {
    // A resent copy of a cancel that went through meets "already cancelled": the receipt's state decides first.
    return checkRefusal(() => receiptState(ctx, CANCELLED), {
      found: async () => approve(ctx, await fetchReceipt(ctx), { note: `cancel refused (${r.code}) but the receipt is cancelled` }),
      believe: async () => {
        if (ignored(ctx, r.code)) await ctx.commit({ state: 'declined', message: r.message, error: { code: String(r.code) } })
        else await ctx.queueSelf({ state: 'unknown', message: msg('payme.refundQueued'), error: { code: String(r.code) } })
      },
      unknown: () => ctx.queueSelf({ state: 'unknown', message: msg('payme.refundQueued'), error: { code: String(r.code) } }),
    })
  }
  // 21 (cancellation queue) or no answer: wait for 50 within payDuration.
  await ctx.commit({
    state: r.kind === 'unknown' ? 'unknown' : 'resolving',
    message: msg('common.checking'),
    ...(r.kind === 'unknown' ? { note: r.reason } : {}),
  })
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const end = await poll(ctx, {
    every: ctx.config.frequency,
    until: ctx.op.deadline!,
    step: async () => {
      const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
      return s.kind === 'result' && s.state === CANCELLED ? s.state : undefined
    },
  })
  if (end.kind === 'final') return approve(ctx, await fetchReceipt(ctx))
  // Rule 1.3.10: not done within payDuration: queued, and no slip is printed.
  return ctx.queueSelf({ message: msg('payme.refundQueued'), note: 'cancel not finished within payDuration' })
}
