// Pay (docs/protocols/payme.md § 4.2): receipts.create, receipts.pay, polling receipts.check (§ 4.3), and the resume.
import { msg } from '../../../src/domain/messages.ts'
import type { OpPatch } from '../../../src/domain/operation.ts'
import { maskCode } from '../../../src/domain/ids.ts'
import { checkRefusal } from '../replay.ts'
import { CODE_LIFETIME_MS, createParams, renderAccount } from './codec.ts'
import { poll } from '../common/poll.ts'
import { CANCELLED, type Ctx, ignored, PAID, rpc } from './call.ts'
import { approve } from './slips.ts'
import { fetchReceipt, receiptState } from './query.ts'

// ---- pay (§ 4.2) ---------------------------------------------------------------------------

export async function pay(ctx: Ctx, code: string): Promise<void> {
  const c = ctx.config
  const account = renderAccount(c.accountTemplate, { operationId: ctx.op.id, posId: c.posId, receiptNumber: ctx.op.order ?? ctx.op.id })
  if (!account) {
    await ctx.commit({ state: 'declined', message: msg('payme.badAccountTemplate') })
    return
  }
  await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), message: msg('common.sending') })
  const created = await rpc(ctx, 'receipts.create', createParams(ctx.op.amount, account, `Paydesk ${ctx.op.order ?? ctx.op.id}`, ctx.op.items))
  if (created.kind !== 'result' || !created.receipt) {
    // receipts.pay was never sent: no money moved, and the scan stays usable while fresh (R6).
    const message = created.kind === 'error' ? created.message : msg('payme.createFailed')
    await ctx.commit({
      state: 'declined',
      message,
      error: created.kind === 'error' ? { code: String(created.code) } : { code: 'create', note: created.kind === 'unknown' ? created.reason : 'no receipt' },
    })
    return
  }
  await ctx.commit({ ref: created.receipt.id, note: 'receipt created' })
  const scannedAt = ctx.op.code?.scannedAt ?? ctx.op.createdAt
  if (ctx.clock.now() - scannedAt > CODE_LIFETIME_MS) {
    await ctx.commit({ state: 'declined', message: msg('payme.qrExpired'), error: { code: 'qr expired before pay' } })
    return
  }
  const now = ctx.clock.now()
  await ctx.commit({ ...(ctx.op.code ? { code: { ...ctx.op.code, spent: true } } : {}), sentAt: now, deadline: now + c.payDuration })
  const r = await rpc(ctx, 'receipts.pay', { id: ctx.op.ref, token: code }, { id: ctx.op.ref, token: maskCode(code) })
  if (r.kind === 'result' && r.state === PAID) return approve(ctx, r.receipt)
  if (r.kind === 'result' && r.state === CANCELLED) {
    await ctx.commit({ state: 'declined', message: msg('payme.cancelled') })
    return
  }
  if (r.kind === 'error') {
    // A resent copy of a pay that went through meets "wrong state": the receipt's own state decides first.
    return checkRefusal(() => receiptState(ctx, PAID), {
      found: async () => approve(ctx, await fetchReceipt(ctx), { note: `pay refused (${r.code}) but the receipt is paid` }),
      believe: async () => {
        const patch: OpPatch = { state: 'declined', message: r.message, error: { code: String(r.code) } }
        // § 4.5: a safety cancel of the unpaid receipt, unless the code is in ignoredErrors.
        if (ignored(ctx, r.code)) await ctx.commit(patch)
        else await ctx.compensate({ ...patch, note: `safety cancel after error ${r.code}` })
      },
      unknown: async (reason) => {
        await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: `pay refused (${r.code}), receipt state unavailable: ${reason}` })
        return pollPaid(ctx)
      },
    })
  }
  if (r.kind === 'unknown') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: r.reason })
  return pollPaid(ctx)
}

/** § 4.3: check every `frequency` until `payDuration` after the pay was sent (stored deadline). */
async function pollPaid(ctx: Ctx): Promise<void> {
  if (ctx.op.state !== 'resolving') await ctx.commit({ state: 'resolving', message: msg('common.checking') })
  const end = await poll(ctx, {
    every: ctx.config.frequency,
    until: ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + ctx.config.payDuration,
    stopped: () => !ctx.waiting(),
    step: async () => {
      const r = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
      return r.kind === 'result' && (r.state === PAID || r.state === CANCELLED) ? r.state : undefined
    },
  })
  if (end.kind === 'final') {
    if (end.value === PAID) return approve(ctx, await fetchReceipt(ctx))
    await ctx.commit({ state: 'declined', message: msg('payme.cancelled') })
    return
  }
  // The window ended or the cashier stopped: the seed's message, and a durable cancel (rule 1.3.9).
  await ctx.compensate({ message: msg('payme.timeout'), note: ctx.waiting() ? 'payDuration ended without state 4' : 'cashier stopped waiting' })
}

/**
 * After a restart, by the operation's kind: a cancel or refund never spends a customer code, so
 * the code says nothing about it; what the journal proves is that it left (`sent`), and the queue decides it
 * by the receipt's state (check first, so a receipt is never cancelled twice).
 */
export async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({
      state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state,
      message: msg('payme.refundQueued'),
      note: 'resumed after a restart: the receipt state decides',
    })
  if (!ctx.op.ref || !ctx.op.code?.spent) {
    // Stopped before receipts.pay left: no money can have moved.
    await ctx.commit({ state: 'declined', message: msg('common.interrupted'), note: 'resumed: receipts.pay was never sent' })
    return
  }
  return pollPaid(ctx)
}
