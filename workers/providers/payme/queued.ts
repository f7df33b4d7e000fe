// One queue attempt (docs/protocols/payme.md § 4.5): check first, so a receipt is never cancelled twice.
import type { Msg } from '../../../src/domain/messages.ts'
import type { QueueVerdict } from '../types.ts'
import { CANCEL_QUEUE, CANCELLED, type Ctx, ignored, rpc } from './call.ts'
import { approve } from './slips.ts'
import { fetchReceipt } from './query.ts'

/** One queue attempt (§ 4.5): check first, so a receipt is never cancelled twice. */
export async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
  if (s.kind === 'unknown') return { kind: 'retry', error: s.reason }
  if (s.kind === 'error') return refusal(ctx, s.code, s.message)
  if (s.state === CANCELLED) {
    await approve(ctx, await fetchReceipt(ctx), { note: 'receipt already cancelled (50)' })
    return { kind: 'done' }
  }
  // 21: a cancel is already under way. Any other state gets the cancel: by the time a cancel is queued the
  // pay window has ended, and a receipt still in 1–3 (debiting) must be stopped rather than waited on for
  // ever (docs/protocols/payme.md scenario 21); what the server cannot cancel it refuses, and 10 refusals need a person.
  if (s.state === CANCEL_QUEUE) return { kind: 'retry', error: `receipt in state ${s.state}: waiting` }
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  else if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const c = await rpc(ctx, 'receipts.cancel', { id: ctx.op.ref })
  if (c.kind === 'unknown') return { kind: 'retry', error: c.reason }
  if (c.kind === 'error') return refusal(ctx, c.code, c.message)
  if (c.state === CANCELLED) {
    await approve(ctx, c.receipt)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `cancel accepted (state ${c.state ?? CANCEL_QUEUE}): waiting for 50` }
}

async function refusal(ctx: Ctx, code: number, message: Msg): Promise<QueueVerdict> {
  if (ignored(ctx, code)) {
    // § 4.5: an ignored code drops the entry; the engine settles the original.
    await ctx.commit({
      state: ctx.op.compensates ? 'declined' : 'needs-attention',
      message,
      error: { code: String(code) },
      note: 'dropped: code in ignoredErrors',
    })
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `error ${code}`, definitive: true }
}
