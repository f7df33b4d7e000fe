// The loyalty card (docs/protocols/oplati.md § 4.10, C6): no money moves, nothing is ever queued.
import { msg } from '../../../src/domain/messages.ts'
import { poll } from '../common/poll.ts'
import { decodeJson, MAX_WAIT_MS, POLL_FLOOR_MS, STATUS, WIRE } from './codec.ts'
import { asText, call, type Ctx, statusMessage } from './call.ts'
import { start } from './pay.ts'

// ---- loyalty card (§ 4.10, C6) ------------------------------------------------------------------

interface LoyaltyInfo {
  requestId: string
  status: number
  cardNumber?: string
  confirmationCode?: string
}

function loyaltyInfo(text: string): LoyaltyInfo | undefined {
  const d = decodeJson(text)
  if (!d.ok) return undefined
  const o = d.value
  const requestId = typeof o.requestId === 'string' ? o.requestId : typeof o.requestId === 'number' ? String(o.requestId) : undefined
  if (!requestId || typeof o.status !== 'number') return undefined
  return {
    requestId,
    status: o.status,
    ...(typeof o.cardNumber === 'string' ? { cardNumber: o.cardNumber } : {}),
    ...(typeof o.confirmationCode === 'string' ? { confirmationCode: o.confirmationCode } : {}),
  }
}

/** Add the customer's loyalty card, following `mode` (§ 4.10). No money moves: nothing is ever queued. */
export async function loyalty(ctx: Ctx, code: string): Promise<void> {
  const mode = await start(ctx, code)
  if (!mode) return
  const sent = ctx.clock.now()
  await ctx.commit({
    display: undefined,
    deadline: sent + MAX_WAIT_MS,
    message: msg('oplati.waiting'),
    ...(ctx.op.code ? { code: { ...ctx.op.code, spent: true } } : {}),
  })
  const r = await call(ctx, 'loyalty', 'POST', WIRE.loyaltyPath, { orderNumber: ctx.op.order ?? ctx.op.id, ...mode }, asText)
  let info = r.kind === 'ok' ? loyaltyInfo(r.value) : undefined
  if (!info) {
    const message = r.kind === 'unknown' ? msg('oplati.serverError') : r.kind === 'ok' ? msg('common.badReply') : r.message
    await ctx.commit({ state: 'declined', message, note: r.kind === 'unknown' ? r.reason : 'loyalty refused' })
    return
  }
  if (info.confirmationCode)
    await ctx.commit({ display: { kind: 'code', code: info.confirmationCode }, message: msg('oplati.code', { code: info.confirmationCode }) })
  if (info.status === STATUS.inProgress) {
    const requestId = info.requestId
    const end = await poll(ctx, {
      every: POLL_FLOOR_MS,
      until: ctx.op.deadline ?? sent + MAX_WAIT_MS,
      stopped: () => !ctx.waiting(),
      step: async () => {
        const s = await call(ctx, 'loyaltyStatus', 'GET', WIRE.loyaltyStatusPath(requestId), undefined, asText)
        const next = s.kind === 'ok' ? loyaltyInfo(s.value) : undefined
        if (next) info = next
        return next && next.status !== STATUS.inProgress ? next : undefined
      },
    })
    if (end.kind === 'final') info = end.value
  }
  if (info.status === STATUS.ok && info.cardNumber) {
    await ctx.commit({
      state: 'approved',
      display: undefined,
      ref: info.requestId,
      message: msg('oplati.cardAdded', { card: info.cardNumber }),
      details: { ...ctx.op.details, cardNumber: info.cardNumber },
    })
    return
  }
  const message = info.status === STATUS.inProgress ? msg('oplati.cancelled') : statusMessage(info.status)
  await ctx.commit({ state: 'declined', display: undefined, ref: info.requestId, message })
}
