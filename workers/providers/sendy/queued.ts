// The durable queue's entries (docs/protocols/sendy.md § 4.6, § 4.7): a cancel or compensation queries first and
// then reverses, never by a number another order took; a refund is looked up until found or missing twice.
import { msg } from '../../../src/domain/messages.ts'
import type { QueueVerdict } from '../types.ts'
import { call, type Ctx, failMsg, isUnknownCode, wire } from './call.ts'
import { approveReverse } from './slips.ts'
import { orderOf, query, queryBy } from './query.ts'

export async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const txn = Number(ctx.op.kind === 'refund' ? ctx.op.details?.transactionNumber : ctx.op.ref)
  if (!Number.isSafeInteger(txn) || txn <= 0) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'no transaction number' })
    return { kind: 'done' }
  }
  if (ctx.op.kind === 'refund') {
    const q = await query(ctx, txn)
    if (q.kind === 'state' && q.state === 'SUCCESS') {
      await approveReverse(ctx, q.data, 'refund found by the queue')
      return { kind: 'done' }
    }
    const misses = Number(ctx.op.details?.misses ?? 0) + (q.kind === 'missing' ? 1 : 0)
    if (q.kind === 'missing') await ctx.commit({ details: { ...ctx.op.details, misses } })
    if (misses >= 2) {
      await ctx.commit({ state: 'declined', message: msg('sendy.noServer'), note: 'refund never arrived' })
      return { kind: 'done' }
    }
    return { kind: 'retry', error: q.kind === 'unknown' ? q.reason : 'refund not found yet' }
  }
  // A compensation or the cashier's cancel: query first (a lost reverse reply is never sent twice), then reverse.
  const w = wire(ctx)
  const q = await query(ctx, txn)
  if (q.kind === 'unknown') return { kind: 'retry', error: q.reason }
  // The number carries another order (a later sale took the number ours never took): a reverse by that number
  // would reverse somebody else's payment. Our own order decides instead.
  if (q.kind === 'missing' && q.foreign) return foreignNumber(ctx, txn)
  if (q.kind === 'state' && (q.state === 'REVOKED' || q.state === 'CLOSED')) {
    await approveReverse(ctx, q.data, `query: already ${q.state}`)
    return { kind: 'done' }
  }
  if (q.kind === 'state' && q.state === 'PAYERROR') {
    await approveReverse(ctx, q.data, 'query: PAYERROR, nothing to reverse')
    return { kind: 'done' }
  }
  const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
  if (r.kind === 'ok') {
    await approveReverse(ctx, r.data)
    return { kind: 'done' }
  }
  if (r.kind === 'fail' && r.errCode === w.codes.notExist) {
    await approveReverse(ctx, r.data, 'reverse: not found — nothing moved')
    return { kind: 'done' }
  }
  if (r.kind === 'fail' && (r.errCode === w.codes.tooEarly || r.data.recall === 'Y' || isUnknownCode(w, r.errCode))) return { kind: 'retry', error: r.errCode }
  if (r.kind === 'unknown') return { kind: 'retry', error: r.reason }
  if (r.kind === 'auth') return { kind: 'retry', error: 'not activated: waiting for the admin' }
  await ctx.commit({
    state: ctx.op.compensates ? 'declined' : 'needs-attention',
    message: failMsg(r),
    error: { code: r.kind === 'fail' ? r.errCode : r.code },
    note: 'reverse refused',
  })
  return { kind: 'done' }
}

/** The queue's reverse found its number under another order: never reverse by it; look our order up by its id. */
async function foreignNumber(ctx: Ctx, txn: number): Promise<QueueVerdict> {
  const order = orderOf(ctx.op)
  const o = order ? await queryBy(ctx, { orderId: order }) : ({ kind: 'missing' } as const)
  if (o.kind === 'unknown') return { kind: 'retry', error: o.reason }
  if (o.kind === 'state' && (o.state === 'REVOKED' || o.state === 'CLOSED' || o.state === 'PAYERROR')) {
    await approveReverse(ctx, o.data, `number ${txn} is another order's; ours is ${o.state}`)
    return { kind: 'done' }
  }
  if (o.kind === 'missing' && ctx.op.compensates) {
    await approveReverse(ctx, {}, `number ${txn} is another order's and ours is not there: nothing of ours moved`)
    return { kind: 'done' }
  }
  // Ours exists under another number, or a cashier's cancel of a payment whose number is not its own: a person decides.
  await ctx.commit({
    state: 'needs-attention',
    message: msg('common.unknownAttention'),
    note: `number ${txn} is another order's; our order: ${o.kind === 'state' ? o.state : 'not found'}`,
  })
  return { kind: 'done' }
}
