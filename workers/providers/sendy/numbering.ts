// Through numbering (docs/protocols/sendy.md § 4.3): the counters before every transaction, the number journaled
// with the operation before the request, and a numbering refusal that refreshes the local copy.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { OpPatch } from '../../../src/domain/operation.ts'
import { COUNTERS, type LocalCounters } from './store.ts'
import { num } from './codec.ts'
import { type AnyCtx, call, type Ctx, failMsg, type Reply, wire } from './call.ts'

export async function counters(ctx: AnyCtx): Promise<{ ok: true; c: LocalCounters } | { ok: false; message: Msg; reason: string }> {
  const r = await call(ctx, 'counters', 'GET')
  if (r.kind !== 'ok')
    return {
      ok: false,
      message: r.kind === 'auth' ? msg('sendy.notActivated') : msg('sendy.noServer'),
      reason: r.kind === 'unknown' ? r.reason : `counters: ${r.kind}`,
    }
  const last = num(r.data.lastTransactionNumber)
  const shift = num(r.data.shiftNumber)
  if (last === undefined || shift === undefined) return { ok: false, message: msg('sendy.noServer'), reason: 'counters: malformed' }
  const c = { last, shift, open: r.data.shiftOpen === true }
  await ctx.store.put(COUNTERS, c)
  return { ok: true, c }
}

/** Counters, then the operation committed `sent` with its number and shift (§ 4.3 steps 1–3). */
export async function number(ctx: Ctx, extra: OpPatch = {}): Promise<{ txn: number; shift: number } | undefined> {
  const c = await counters(ctx)
  if (!c.ok) {
    await ctx.commit({ state: 'declined', display: undefined, message: c.message, note: `no money moved: ${c.reason}` })
    return undefined
  }
  const txn = c.c.last + 1
  const now = ctx.clock.now()
  await ctx.commit({
    state: 'sent',
    sentAt: now,
    ref: String(txn),
    message: msg('common.sending'),
    ...extra,
    details: { ...ctx.op.details, ...(extra.details ?? {}), transactionNumber: txn, shiftNumber: c.c.shift },
    ...(ctx.op.code ? { code: { ...ctx.op.code, spent: true } } : {}),
  })
  await ctx.store.put(COUNTERS, { last: txn, shift: c.c.shift, open: true })
  return { txn, shift: c.c.shift }
}

/** § 4.3 step 4: a numbering refusal refreshes the local copy; the cashier scans again. */
export async function declineFail(ctx: Ctx, r: Exclude<Reply, { kind: 'ok' }>): Promise<void> {
  const w = wire(ctx)
  if (r.kind === 'fail' && (r.errCode === w.codes.txnMismatch || r.errCode === w.codes.shiftMismatch)) await counters(ctx)
  await ctx.commit({
    state: 'declined',
    display: undefined,
    message: failMsg(r),
    error: { code: r.kind === 'fail' ? r.errCode : r.kind === 'refused' ? r.code : r.kind },
  })
}
