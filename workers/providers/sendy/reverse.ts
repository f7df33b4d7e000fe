// Cancel (docs/protocols/sendy.md § 4.6, with the 15 s wait the server names) and the optional full refund (§ 4.7).
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { poll } from '../common/poll.ts'
import { COUNTERS, type LocalCounters } from './store.ts'
import { num } from './codec.ts'
import { call, type Ctx, failMsg, isUnknownCode, wire } from './call.ts'
import { declineFail, number } from './numbering.ts'
import { approveReverse } from './slips.ts'
import { mayAnswerOurCopy, ourOrder, query } from './query.ts'

export async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  if (ctx.op.kind === 'refund') return refund(ctx, original)
  const w = wire(ctx)
  const t = w.timing
  const local = await ctx.store.get<LocalCounters>(COUNTERS)
  const shift = num(original.details?.shiftNumber)
  if (local && shift !== undefined && (local.shift !== shift || !local.open)) {
    await ctx.commit({ state: 'declined', message: msg('sendy.shiftClosed'), note: 'refused locally: the shift is closed' })
    return
  }
  const txn = Number(original.ref)
  await ctx.commit({
    state: 'sent',
    sentAt: ctx.clock.now(),
    message: msg('common.sending'),
    details: { originalTransactionNumber: txn, shiftNumber: shift ?? 0, system: String(original.details?.system ?? '') },
  })
  for (;;) {
    const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
    if (r.kind === 'ok') return approveReverse(ctx, r.data)
    if (r.kind === 'fail' && r.errCode === w.codes.tooEarly) {
      const wait = num(r.data.retryAfterMs) ?? Math.max(1_000, t.REVERSE_MIN_AGE_MS - (ctx.clock.now() - original.createdAt))
      await ctx.commit({ message: msg('sendy.reverseWait', { s: Math.ceil(wait / 1000) }), deadline: ctx.clock.now() + wait })
      await ctx.pause(wait)
      continue
    }
    if (r.kind === 'unknown' || (r.kind === 'fail' && (isUnknownCode(w, r.errCode) || r.data.recall === 'Y'))) {
      return ctx.queueSelf({ state: 'unknown', message: msg('sendy.cancelQueued'), note: r.kind === 'unknown' ? r.reason : r.errCode })
    }
    if (r.kind === 'fail' && r.errCode === w.codes.reverseNotAllowed) {
      await ctx.commit({ state: 'declined', message: failMsg(r), error: { code: r.errCode } })
      return
    }
    return declineFail(ctx, r)
  }
}

async function refund(ctx: Ctx, original: Operation): Promise<void> {
  if (!ctx.config.allowRefund) {
    await ctx.commit({ state: 'declined', message: msg('sendy.refundOff'), note: 'refused locally: allowRefund is off' })
    return
  }
  const n = await number(ctx, { details: { originalTransactionNumber: Number(original.ref), system: String(original.details?.system ?? '') } })
  if (!n) return
  const r = await call(ctx, 'refund', 'POST', {
    transactionNumber: n.txn,
    shiftNumber: n.shift,
    orderId: ctx.op.id,
    originalTransactionNumber: Number(original.ref),
    amount: ctx.op.amount,
  })
  if (r.kind === 'ok') return approveReverse(ctx, r.data)
  const copy = mayAnswerOurCopy(ctx, r) ? await ourOrder(ctx) : undefined
  if (copy?.kind === 'state' && copy.state === 'SUCCESS')
    return approveReverse(ctx, copy.data, `${r.kind === 'fail' ? r.errCode : ''} answered our own resent copy: our refund is made`)
  if (r.kind === 'unknown' || (r.kind === 'fail' && isUnknownCode(wire(ctx), r.errCode)) || (copy && copy.kind !== 'missing')) {
    // § 4.7: query while the cashier waits, up to 30 s, every 5 s (the shared poll loop).
    let misses = 0
    const end = await poll(ctx, {
      every: 5_000,
      until: ctx.clock.now() + 30_000,
      step: async () => {
        const q = await query(ctx, n.txn)
        if (q.kind === 'state' && q.state === 'SUCCESS') return q
        return q.kind === 'missing' && ++misses >= 2 ? q : undefined
      },
    })
    if (end.kind === 'final' && end.value.kind === 'state') return approveReverse(ctx, end.value.data, 'refund found by query')
    if (end.kind === 'final') {
      await ctx.commit({ state: 'declined', message: msg('sendy.noServer'), note: 'refund not found twice' })
      return
    }
    return ctx.queueSelf({ state: 'unknown', message: msg('common.checking'), note: 'refund unknown: queued' })
  }
  return declineFail(ctx, r)
}
