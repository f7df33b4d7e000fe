// Approval and its slip, printed twice (docs/protocols/payme.md § 4): the merchant, the receipt and the payer.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import { maskPayerPhone, type Receipt } from './codec.ts'
import type { Ctx } from './call.ts'

/** Seed rule 1.3.5: the bank slip is printed twice. */
export const SLIP_COPIES = 2

function slipFor(op: Operation, title: string, r: Receipt | undefined): Slip {
  const m = r?.merchant ?? {}
  const lines: Slip['lines'] = []
  if (m.name) lines.push({ label: 'slip.merchant', value: m.name, strong: true })
  if (m.organization) lines.push({ label: 'slip.organization', value: m.organization })
  if (m.address) lines.push({ label: 'slip.address', value: m.address })
  if (m.merchantId) lines.push({ label: 'slip.merchantId', value: m.merchantId })
  if (m.terminalId) lines.push({ label: 'slip.terminalId', value: m.terminalId })
  lines.push({ label: 'slip.receiptId', value: op.ref ?? r?.id ?? '' })
  lines.push({ label: 'slip.time', value: (title === 'slip.pay' ? r?.payTime : r?.cancelTime) ?? op.updatedAt, format: 'datetime' })
  lines.push({ label: 'slip.amount', value: op.amount, format: 'money', strong: true })
  const card = r?.cardNumber ?? (op.details?.cardNumber as string | undefined)
  if (card) lines.push({ label: 'slip.card', value: card })
  const phone = r?.phone ?? (op.details?.phone as string | undefined)
  if (phone) lines.push({ label: 'slip.phone', value: maskPayerPhone(phone) })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title, provider: 'Payme', currency: op.currency, lines, copies: SLIP_COPIES }
}

function detailsOf(r: Receipt | undefined): Record<string, string | number> {
  const d: Record<string, string | number> = {}
  if (r?.cardNumber) d.cardNumber = r.cardNumber
  if (r?.phone) d.phone = maskPayerPhone(r.phone)
  return d
}

export async function approve(ctx: Ctx, receipt: Receipt | undefined, patch: OpPatch = {}) {
  // A queued cancel that finds the receipt already cancelled never left `created`.
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  const op = await ctx.commit({ ...patch, state: 'approved', message: msg('common.approved'), details: { ...ctx.op.details, ...detailsOf(receipt) } })
  const title = op.kind === 'pay' ? 'slip.pay' : op.kind === 'cancel' ? 'slip.cancel' : 'slip.refund'
  await ctx.commit({ slip: slipFor(op, title, receipt) })
}
