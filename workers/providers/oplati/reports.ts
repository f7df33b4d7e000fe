// E8 read for the shift (docs/protocols/oplati.md § 4.4, § 4.9): reconciliation, the probe and «Проверить связь».
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { ConnectionCheck, ProbeCtx, ReconcileOptions } from '../types.ts'
import { reconcile, reportSlip } from './reconcile.ts'
import type { OplatiConfig } from './config.ts'
import { shiftOf } from './codec.ts'
import { reports } from './call.ts'

/** § 4.9: E8 for the shift (optionally limited by Minsk dates), matched against the journal. */
export async function reconcileShift(ctx: ProbeCtx<OplatiConfig>, journal: readonly Operation[], opts: ReconcileOptions) {
  const shift = shiftOf(ctx.clock.now())
  const range = opts.start && opts.end ? { start: opts.start, end: opts.end } : undefined
  const r = await reports(ctx, shift, range)
  if (!r.ok) return { ok: false as const, message: r.reply.kind === 'unknown' ? msg('oplati.serverError') : r.reply.message }
  const mine = journal.filter((o) => shiftOf(o.createdAt) === shift)
  const result = reconcile(r.list, mine)
  const slip = reportSlip(
    result,
    { regNum: ctx.config.regNum, shift, ...(range ? { period: `${range.start} — ${range.end}` } : {}), queued: opts.queued },
    'BYN',
  )
  return { ok: true as const, slip, net: result.net, mismatches: result.mismatches.length }
}

/** § 4.4: E8 for the current shift proves reachability and auth. */
export async function probe(ctx: ProbeCtx<OplatiConfig>): Promise<boolean> {
  const r = await reports(ctx, shiftOf(ctx.clock.now()))
  return r.ok
}

/** «Проверить связь»: E8 for today needs the token (issued here if none) or the password. */
export async function checkConnection(ctx: ProbeCtx<OplatiConfig>): Promise<ConnectionCheck> {
  const r = await reports(ctx, shiftOf(ctx.clock.now()))
  if (r.ok) return { verdict: 'ok' }
  if (r.reply.kind === 'unknown') return { verdict: 'unreachable', reason: r.reply.reason }
  return { verdict: 'refused', detail: r.reply.message }
}
