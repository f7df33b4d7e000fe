// Resolution after a reload or from the queue (docs/protocols/inpas-sbp.md § 6.4): check-link, then status.
import { msg } from '../../../src/domain/messages.ts'
import type { OpCtx } from '../types.ts'
import { INPAS_MSG } from './messages.ts'
import type { InpasRequest } from './session.ts'
import type { InpasConfig } from './config.ts'
import { localStamp, methodOf, runSession, type PortFactory, withPort } from './run.ts'
import { knownRrns } from './store.ts'
import { settle } from './outcome.ts'

/** § 6.4: resolve an operation left `sent`/`unknown`/`resolving` by check-link and status. True when final. */
export async function resolve(ports: PortFactory, ctx: OpCtx<InpasConfig>): Promise<boolean> {
  const d = ctx.op.details ?? {}
  if (typeof d.ecrNo !== 'number') {
    await ctx.commit({ state: 'needs-attention', message: msg(INPAS_MSG.resultNeedsAttention), note: 'no ecrNo journaled: cannot ask the pin-pad' })
    return true
  }
  const ecrNo = d.ecrNo
  return withPort(
    ports,
    ctx,
    async (port) => {
      const request: InpasRequest = {
        kind: 'status',
        of: ctx.op.kind === 'refund' ? 'refund' : 'pay',
        method: methodOf(d.requested ?? d.method),
        amount: ctx.op.amount,
        ecrNo,
        sentAt: typeof d.sentStamp === 'string' ? d.sentStamp : localStamp(ctx.op.sentAt ?? ctx.op.createdAt),
        ...(typeof d.reqOp === 'number' ? { op: d.reqOp } : {}),
        knownRrns: await knownRrns(ctx),
      }
      return settle(ctx, await runSession(ctx, port, request, async () => undefined))
    },
    async (m) => {
      ctx.log.warn('inpas-sbp', 'resolve: port not available', { key: m.key }, ctx.op.id)
      if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg(INPAS_MSG.resultUnknown), note: 'resolve: port not available' })
      return false
    },
  )
}
