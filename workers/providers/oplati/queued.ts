// The durable queue (docs/protocols/oplati.md § 4.3–4.7): every lost reply resolved through E3 / E8, never sent twice.
import { msg } from '../../../src/domain/messages.ts'
import type { QueueVerdict } from '../types.ts'
import { type PaymentInfo, PAYMENT_TYPE, shiftOf, STATUS, WIRE } from './codec.ts'
import { body, type Ctx, type Failure, info, paymentStatus, reports, statusMessage } from './call.ts'
import { approveReversal } from './reverse.ts'

// ---- the durable queue (§ 4.3–4.7) -------------------------------------------------------------

/** § 4.3: E8 misses needed before a lost E4/E7 counts as never arrived. */
const MISSES_TO_DECLINE = 2

export async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  if (ctx.op.kind === 'pay') return resolvePay(ctx)
  if (ctx.op.compensates || (ctx.op.kind === 'cancel' && ctx.op.details?.originalKind !== 'refund')) return reverseSale(ctx)
  if (ctx.op.kind === 'cancel') return cancelRefundQueued(ctx)
  return resolveRefund(ctx)
}

const retry = (r: Failure): QueueVerdict => ({
  kind: 'retry',
  error: r.kind === 'unknown' ? r.reason : r.kind === 'auth' ? 'token not valid: waiting for the admin' : `refused ${r.status}`,
})

/** Find an operation by its `orderNumber` in the shift's E8 list; counts the misses on the op. */
async function findByOrder(ctx: Ctx, orderNumber: string, shift: string): Promise<{ found: PaymentInfo | undefined; gone: boolean } | { retry: QueueVerdict }> {
  const r = await reports(ctx, shift)
  if (!r.ok) return { retry: retry(r.reply) }
  const found = r.list.find((p) => p.orderNumber === orderNumber)
  if (found) return { found, gone: false }
  const misses = Number(ctx.op.details?.e8Misses ?? 0) + 1
  await ctx.commit({ details: { ...ctx.op.details, e8Misses: misses } })
  return { found: undefined, gone: misses >= MISSES_TO_DECLINE }
}

/** A pay whose E4 reply was lost: E3 when the id is known, else E8 by `orderNumber` (§ 4.3 step 3–4). */
async function resolvePay(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  let found: PaymentInfo | undefined
  if (ctx.op.ref) {
    const r = await paymentStatus(ctx, ctx.op.ref)
    if (r.kind !== 'info') return r.kind === 'refused' && r.status === 404 ? declineUnsent(ctx) : retry(r)
    found = r.info
  } else {
    const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
    if ('retry' in f) return f.retry
    if (!f.found) return f.gone ? declineUnsent(ctx) : { kind: 'retry', error: `order ${ctx.op.id} not in E8 yet` }
    found = f.found
    await ctx.commit({ ref: found.paymentId, details: { ...ctx.op.details, paymentId: found.paymentId } })
  }
  if (found.status === STATUS.ok) {
    await ctx.compensate({ message: msg('oplati.foundPaid'), note: 'lost E4: found paid, full reversal queued' })
    return { kind: 'done' }
  }
  if (found.status === STATUS.inProgress) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(found.paymentId), {})
    if (c.kind !== 'info') return retry(c)
    if (c.info.status === STATUS.ok) {
      await ctx.compensate({ message: msg('oplati.foundPaid'), note: 'C5 raced a confirm: full reversal queued' })
      return { kind: 'done' }
    }
    if (c.info.status === STATUS.inProgress) return { kind: 'retry', error: 'still in progress after C5' }
    found = c.info
  }
  await ctx.commit({ state: 'declined', display: undefined, message: statusMessage(found.status), note: `resolved: status ${found.status}` })
  return { kind: 'done' }
}

async function declineUnsent(ctx: Ctx): Promise<QueueVerdict> {
  await ctx.commit({ state: 'declined', display: undefined, message: msg('oplati.notReceived'), note: 'the server never received it' })
  return { kind: 'done' }
}

/**
 * Reverse a sale in full: a compensation, or the cashier's cancel queued after a transport failure
 * (§ 4.5 step 3). E3 first; for a paid sale, E8 looks for this reversal's own `orderNumber` so a
 * reversal whose reply was lost is never sent twice.
 */
async function reverseSale(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const saleId = (ctx.op.details?.salePaymentId as string | undefined) || ctx.op.ref
  if (!saleId) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'no paymentId to reverse' })
    return { kind: 'done' }
  }
  if (!ctx.op.details?.salePaymentId) await ctx.commit({ details: { ...ctx.op.details, salePaymentId: saleId } })
  const s = await paymentStatus(ctx, saleId)
  if (s.kind !== 'info') return refusedOrRetry(ctx, s)
  if (s.info.status === STATUS.inProgress) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(saleId), {})
    if (c.kind !== 'info') return refusedOrRetry(ctx, c)
    if (c.info.status !== STATUS.ok) {
      await approveReversal(ctx, c.info, `sale status ${c.info.status} after C5: nothing to reverse`)
      return { kind: 'done' }
    }
  } else if (s.info.status !== STATUS.ok) {
    await approveReversal(ctx, s.info, `sale status ${s.info.status}: nothing to reverse`)
    return { kind: 'done' }
  }
  const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
  if ('retry' in f) return f.retry
  if (f.found && f.found.status === STATUS.ok) {
    await approveReversal(ctx, f.found, 'the reversal was already made (found in E8)')
    return { kind: 'done' }
  }
  const r = await info(ctx, 'reversals', 'POST', WIRE.reversalsPath(saleId), body(ctx))
  if (r.kind !== 'info') return refusedOrRetry(ctx, r)
  if (r.info.status === STATUS.ok) {
    await approveReversal(ctx, r.info)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `reversal status ${r.info.status}`, definitive: true }
}

/** A queued cancel-refund: C5 on the refund (§ 4.7). */
async function cancelRefundQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const id = ctx.op.details?.refundPaymentId as string | undefined
  if (!id) return { kind: 'retry', error: 'no refund paymentId', definitive: true }
  const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(id), {})
  if (c.kind !== 'info') return refusedOrRetry(ctx, c)
  if (c.info.status === STATUS.cancelled) {
    await approveReversal(ctx, c.info)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `refund status ${c.info.status} after C5`, definitive: true }
}

/** A refund whose E7 reply was lost (§ 4.6): found paid → undone with C5; not there → declined. */
async function resolveRefund(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
  if ('retry' in f) return f.retry
  if (!f.found) return f.gone ? declineUnsent(ctx) : { kind: 'retry', error: `refund ${ctx.op.id} not in E8 yet` }
  if (f.found.status === STATUS.ok && f.found.paymentType === PAYMENT_TYPE.saleReturn) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(f.found.paymentId), {})
    if (c.kind !== 'info') return refusedOrRetry(ctx, c)
    if (c.info.status !== STATUS.cancelled) return { kind: 'retry', error: `refund status ${c.info.status} after C5`, definitive: true }
  }
  await ctx.commit({
    state: 'declined',
    ref: f.found.paymentId,
    message: msg('oplati.refundUndone'),
    note: `lost E7: refund found with status ${f.found.status}, cancelled`,
  })
  return { kind: 'done' }
}

/** A definitive refusal from the queue ends the entry (§ 4.5: the original needs a person); 401 and transport wait. */
async function refusedOrRetry(ctx: Ctx, r: Failure): Promise<QueueVerdict> {
  if (r.kind !== 'refused') return retry(r)
  await ctx.commit({
    state: ctx.op.compensates ? 'declined' : 'needs-attention',
    message: r.message,
    error: { code: r.env?.internalCode ?? String(r.status) },
    note: 'refused from the queue',
  })
  return { kind: 'done' }
}
