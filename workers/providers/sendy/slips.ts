// Slips (docs/protocols/sendy.md § 4.11) and the approvals that carry them: a payment's, a cancel's, a refund's.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import { ACTIVATION, type Activation } from './store.ts'
import { num, type SlipFacts, slipText, str } from './codec.ts'
import type { AnyCtx, Ctx } from './call.ts'

export async function merchant(ctx: AnyCtx): Promise<string> {
  return (await ctx.store.get<Activation>(ACTIVATION))?.merchantName || 'Sendy'
}

export async function slipOf(ctx: AnyCtx, op: Operation, kind: SlipFacts['kind'], paymentId: string | undefined): Promise<Slip> {
  const c = ctx.config
  const text = slipText(
    {
      kind,
      merchant: await merchant(ctx),
      terminalId: c.terminalId,
      shift: num(op.details?.shiftNumber),
      // A cancel reverses the payment's own number: its slip carries that number (§ 4.11).
      txn: num(op.details?.transactionNumber) ?? num(op.details?.originalTransactionNumber) ?? (kind === 'cancel' ? num(Number(op.ref)) : undefined),
      system: typeof op.details?.system === 'string' ? op.details.system : undefined,
      at: ctx.clock.now(),
      amount: op.amount,
      paymentId,
    },
    c.language,
    c.slipWidth,
  )
  return {
    title: `slip.${kind}`,
    provider: 'Sendy',
    currency: 'RUB',
    copies: c.slipCopies,
    text,
    lines: [
      { label: 'slip.amount', value: op.amount, format: 'money', strong: true },
      { label: 'slip.result', value: 'slip.approved', strong: true },
    ],
  }
}

export async function approve(ctx: Ctx, d: Record<string, unknown>, note?: string): Promise<void> {
  const paymentId = str(d.paymentId) ?? (typeof ctx.op.details?.paymentId === 'string' ? ctx.op.details.paymentId : undefined)
  const system = str(d.system) ?? ctx.op.details?.system
  const details = { ...ctx.op.details, ...(paymentId ? { paymentId } : {}), ...(typeof system === 'string' ? { system } : {}) }
  const slip = await slipOf(ctx, { ...ctx.op, details }, 'pay', paymentId)
  await ctx.commit({
    state: 'approved',
    display: undefined,
    message: msg('common.approved'),
    details,
    ...(ctx.op.kind === 'pay' && ctx.config.slipCopies > 0 ? { slip } : {}),
    ...(note ? { note } : {}),
  })
}

export async function approveReverse(ctx: Ctx, d: Record<string, unknown>, note?: string): Promise<void> {
  const slip = await slipOf(ctx, ctx.op, ctx.op.kind === 'refund' ? 'refund' : 'cancel', str(d.refundId) ?? str(d.paymentId))
  await ctx.commit({
    state: 'approved',
    message: msg('common.approved'),
    ...(ctx.config.slipCopies > 0 && !ctx.op.compensates ? { slip } : {}),
    ...(note ? { note } : {}),
  })
}
