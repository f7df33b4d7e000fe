// A session's outcome → the journal (docs/protocols/inpas-sbp.md § 6.5): the patches and the slip.
import { msg } from '../../../src/domain/messages.ts'
import type { OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { OpCtx } from '../types.ts'
import { INPAS_MSG } from './messages.ts'
import type { SessionOutcome } from './session.ts'
import type { InpasConfig } from './config.ts'
import { isFinalState, type RunResult } from './run.ts'
import { rememberRrn } from './store.ts'

// ---- outcome → journal (§ 6.5) ---------------------------------------------------------------------------

function slipOf(ctx: Pick<OpCtx<InpasConfig>, 'op' | 'clock' | 'config'>, o: Extract<SessionOutcome, { kind: 'approved' }>): Slip {
  const r = o.ref
  const lines: Slip['lines'] = [
    { label: 'slip.operation', value: ctx.op.kind === 'refund' ? 'slip.refund' : 'slip.pay', format: 'key' },
    { label: 'slip.time', value: ctx.clock.now(), format: 'datetime' },
    { label: 'slip.amount', value: ctx.op.amount, format: 'money', strong: true },
    { label: 'slip.payMethod', value: r.method === 'sbp' ? 'slip.methodSbp' : 'slip.methodCard', format: 'key' },
    { label: 'slip.terminalId', value: r.terminalId ?? ctx.config.id },
  ]
  if (r.rrn) lines.push({ label: 'slip.rrn', value: r.rrn })
  if (r.authCode) lines.push({ label: 'slip.authCode', value: r.authCode })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title: ctx.op.kind === 'refund' ? 'slip.refund' : 'slip.pay', provider: 'Inpas SmartSale', currency: ctx.op.currency, lines, copies: 1 }
}

export async function settle(ctx: OpCtx<InpasConfig>, r: RunResult): Promise<boolean> {
  if (isFinalState(ctx.op)) return true
  if (r.kind === 'refused') {
    await ctx.commit({ state: 'declined', message: r.message, display: undefined, note: 'refused locally: nothing sent' })
    return true
  }
  if (r.kind === 'stalled') {
    ctx.log.warn('inpas-sbp', 'pin-pad away: resolution goes to the queue', {}, ctx.op.id)
    await ctx.queueSelf({ ...(ctx.op.state === 'sent' ? { state: 'unknown' as const } : {}), message: msg(INPAS_MSG.portDisconnected), display: undefined })
    return false
  }
  const o = r.outcome
  if (o.kind === 'approved') {
    await ctx.commit(approvedPatch(ctx, o))
    await rememberRrn(ctx, o.ref.rrn)
    return true
  }
  if (o.kind === 'declined') {
    await ctx.commit(declinedPatch(ctx, o))
    return true
  }
  await ctx.commit({ state: 'needs-attention', message: o.message, display: undefined, note: `needs attention: ${o.reason}` })
  return true
}

/** § 6.5: the journal patch of an approved outcome. */
export function approvedPatch(ctx: Pick<OpCtx<InpasConfig>, 'op' | 'clock' | 'config'>, o: Extract<SessionOutcome, { kind: 'approved' }>): OpPatch {
  const ref = o.ref
  return {
    state: 'approved',
    ref: ref.rrn ?? `ecr-${ref.ecrNo}`,
    message: o.message,
    display: undefined,
    slip: slipOf(ctx, o),
    details: {
      ...ctx.op.details,
      ecrNo: ref.ecrNo,
      method: ref.method,
      switched: ref.switched,
      offline: ref.offline,
      via: o.via,
      ...(ref.rrn ? { rrn: ref.rrn } : {}),
      ...(ref.authCode ? { authCode: ref.authCode } : {}),
      ...(ref.terminalId ? { terminalId: ref.terminalId } : {}),
      ...(ref.terminalDateTime ? { terminalDateTime: ref.terminalDateTime } : {}),
      ...(o.slip?.customer ? { slipText: o.slip.customer } : {}),
      ...(o.review.length ? { review: o.review.join(',') } : {}),
    },
    note: `approved via ${o.via}${ref.switched ? ' (switched to SBP on the pin-pad)' : ''}`,
  }
}

/** § 6.5: the journal patch of a declined outcome. */
export function declinedPatch(ctx: Pick<OpCtx<InpasConfig>, 'op'>, o: Extract<SessionOutcome, { kind: 'declined' }>): OpPatch {
  return {
    state: 'declined',
    message: o.message,
    display: undefined,
    error: { code: o.code },
    details: { ...ctx.op.details, via: o.via, notSent: o.notSent },
    note: `declined via ${o.via} (${o.code})${o.notSent ? ': not sent' : ''}`,
  }
}
