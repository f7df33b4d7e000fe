// Approval with its slip in one commit, and a payment found paid after the cashier left (docs/rules.md R4.4).
import { msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { Ctx } from './call.ts'

function slipFor(op: Operation, title: string): Slip {
  const d = op.details ?? {}
  const lines: Slip['lines'] = [
    { label: 'slip.operation', value: title, format: 'key', strong: true },
    { label: 'slip.time', value: op.updatedAt, format: 'datetime' },
    { label: 'slip.amount', value: op.amount, format: 'money', strong: true },
    { label: 'slip.paymentId', value: op.ref ?? '' },
  ]
  if (d.cardNumber) lines.push({ label: 'slip.card', value: String(d.cardNumber) })
  if (d.processingType) lines.push({ label: 'slip.processing', value: String(d.processingType) })
  if (d.cardType) lines.push({ label: 'slip.cardType', value: String(d.cardType) })
  if (d.phone) lines.push({ label: 'slip.phone', value: String(d.phone) })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title, provider: 'ClickPass', currency: op.currency, lines, copies: 1 }
}

export async function approve(ctx: Ctx, patch: OpPatch = {}) {
  // A queued reversal that finds nothing left to reverse never left `created`.
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  // The slip is written with the approval, in one commit (one strict transaction fewer per payment).
  const title = ctx.op.kind === 'pay' ? 'slip.pay' : ctx.op.kind === 'cancel' ? 'slip.cancel' : 'slip.refund'
  const slip = slipFor({ ...ctx.op, ...patch, details: patch.details ?? ctx.op.details, updatedAt: ctx.clock.now() } as Operation, title)
  await ctx.commit({ ...patch, state: 'approved', message: msg('common.approved'), slip })
}

/** A payment found paid: the cashier still waiting gets it; one who left gets it reversed (R4.4). */
export async function paid(ctx: Ctx, patch: OpPatch = {}) {
  if (ctx.waiting()) await approve(ctx, patch)
  else await ctx.compensate({ ...patch, message: msg('clickpass.unknownConfirm'), note: 'found paid after the cashier left' })
}
