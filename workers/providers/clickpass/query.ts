// Status by payment id, and our payment found by its transaction id (docs/protocols/clickpass.md § 4.4).
import type { OwnLookup } from '../replay.ts'
import { CLICK_PATHS, datesToQuery } from './codec.ts'
import { call, type Ctx } from './call.ts'

export async function statusOf(ctx: Ctx): Promise<number | undefined> {
  const r = await call(ctx, 'status', 'GET', CLICK_PATHS.status(ctx.config.serviceId, ctx.op.ref!))
  return r.kind === 'reply' && r.reply.errorCode === 0 ? r.reply.paymentStatus : undefined
}

export type Found = { paymentId: string; status: number | undefined }

/**
 * One pass of `status_by_mti` over the dates to query (§ 4.4): our payment found by its transaction id
 * (`mti`, the paying operation's id; a compensation looks up the payment it compensates).
 */
export async function lookupByMti(ctx: Ctx, mti = ctx.op.id, since = ctx.op.sentAt ?? ctx.op.createdAt): Promise<OwnLookup<Found>> {
  let error: string | undefined
  for (const date of datesToQuery(since)) {
    const r = await call(ctx, 'statusByMti', 'GET', CLICK_PATHS.statusByMti(ctx.config.serviceId, mti, date))
    if (r.kind === 'reply' && r.reply.errorCode === 0 && r.reply.paymentId) {
      await ctx.commit({ ref: r.reply.paymentId, note: `found by transaction id on ${date}` })
      return { kind: 'found', value: { paymentId: r.reply.paymentId, status: r.reply.paymentStatus } }
    }
    if (r.kind === 'unknown') error = r.reason
  }
  return error !== undefined ? { kind: 'unavailable', reason: error } : { kind: 'absent' }
}
