// The cashier's «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51): the resolution's session, journaling nothing.
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { OpCtx, ProbeCtx, StatusAnswer } from '../types.ts'
import { INPAS_MSG, INPAS_STATUS_MSG } from './messages.ts'
import type { InpasRequest } from './session.ts'
import type { InpasConfig } from './config.ts'
import { localStamp, methodOf, runSession, type PortFactory, withPort } from './run.ts'
import { knownRrns, rememberRrn } from './store.ts'
import { approvedPatch, declinedPatch } from './outcome.ts'

// ---- the cashier's «Проверить статус» (§ 7.51) ------------------------------------------------------------

/**
 * Ask the pin-pad for the status of a journaled payment or refund (check-link, then the PDK status by ecrNo, or the
 * receipt copy): the same session as the resolution (§ 6.4), but nothing is journaled here. For an operation in
 * `needs-attention` a definitive answer comes back as `settle`, for the engine to journal.
 */
export async function statusCheck(ports: PortFactory, pctx: ProbeCtx<InpasConfig>, op: Operation): Promise<StatusAnswer> {
  const d = op.details ?? {}
  if (typeof d.ecrNo !== 'number') return { ok: false, message: msg(INPAS_STATUS_MSG.noEcrNo) }
  const ecrNo = d.ecrNo
  const ctx: OpCtx<InpasConfig> = {
    ...pctx,
    op,
    // A read: the session only commits for open operations; anything else is logged and dropped.
    commit: async (patch) => {
      pctx.log.info('inpas-sbp', 'status check: patch not journaled', { keys: Object.keys(patch).join(',') }, op.id)
      return op
    },
    compensate: async () => undefined,
    queueSelf: async () => undefined,
    waiting: () => true,
    pause: (ms) => pctx.clock.sleep(ms),
  }
  const attention = op.state === 'needs-attention'
  return withPort<StatusAnswer>(
    ports,
    pctx,
    async (port) => {
      const request: InpasRequest = {
        kind: 'status',
        of: op.kind === 'refund' ? 'refund' : 'pay',
        method: methodOf(d.requested ?? d.method),
        amount: op.amount,
        ecrNo,
        sentAt: typeof d.sentStamp === 'string' ? d.sentStamp : localStamp(op.sentAt ?? op.createdAt),
        ...(typeof d.reqOp === 'number' ? { op: d.reqOp } : {}),
        knownRrns: (await knownRrns(ctx)).filter((r) => r !== d.rrn),
      }
      const r = await runSession(ctx, port, request, async () => undefined)
      if (r.kind === 'refused') return { ok: false, message: r.message }
      if (r.kind === 'stalled') return { ok: false, message: msg(INPAS_MSG.portDisconnected) }
      const o = r.outcome
      pctx.log.info('inpas-sbp', 'status check', { state: op.state, outcome: o.kind, via: 'via' in o ? o.via : '' }, op.id)
      if (o.kind === 'approved') {
        const rrn = o.ref.rrn
        const matches = op.state === 'approved' && (typeof d.rrn !== 'string' || rrn === undefined || rrn === d.rrn)
        const message = msg(INPAS_STATUS_MSG.approved, { ecrNo, rrn: rrn ?? '—' })
        if (!attention) return { ok: true, outcome: 'approved', message, matches }
        await rememberRrn(ctx, rrn)
        if (op.kind === 'refund' && op.original) {
          const key = `refunded:${op.original}`
          await ctx.store.put(key, ((await ctx.store.get<number>(key)) ?? 0) + op.amount)
        }
        return {
          ok: true,
          outcome: 'approved',
          message,
          matches: false,
          settle: { ...approvedPatch(ctx, o), note: `settled by status check: approved (${o.via})` },
        }
      }
      if (o.kind === 'declined') {
        const notFound = o.code === '0/not-found'
        const message = notFound ? msg(INPAS_STATUS_MSG.notFound, { ecrNo }) : msg(INPAS_STATUS_MSG.declined, { ecrNo, text: o.message.server ?? o.code })
        const outcome = notFound ? 'not-found' : 'declined'
        if (!attention) return { ok: true, outcome, message, matches: op.state === 'declined' }
        return { ok: true, outcome, message, matches: false, settle: { ...declinedPatch(ctx, o), note: `settled by status check: declined (${o.code})` } }
      }
      return { ok: true, outcome: 'unknown', message: msg(INPAS_STATUS_MSG.unknown, { ecrNo }), matches: false }
    },
    async (m) => ({ ok: false, message: m }),
  )
}
