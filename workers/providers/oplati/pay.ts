// Pay in the three modes (docs/protocols/oplati.md § 4.3): E4, E3 polling, the cashbox cancel (C5) and the resume.
import { msg } from '../../../src/domain/messages.ts'
import { checkRefusal, type OwnLookup } from '../replay.ts'
import { poll } from '../common/poll.ts'
import { CONSUMER_POLL_MS, decodeJson, MAX_WAIT_MS, type PaymentInfo, PAYMENT_TYPE, POLL_FLOOR_MS, SESSION_WAIT_MS, shiftOf, STATUS, WIRE } from './codec.ts'
import { asText, body, call, type Ctx, info, paymentStatus, reports, statusMessage } from './call.ts'

// ---- pay (§ 4.3) -------------------------------------------------------------------------------

export async function pay(ctx: Ctx, code: string): Promise<void> {
  const mode = await start(ctx, code)
  if (!mode) return

  const sent = ctx.clock.now()
  await ctx.commit({
    sentAt: sent,
    deadline: sent + MAX_WAIT_MS,
    display: undefined,
    message: msg('oplati.waiting'),
    details: { ...ctx.op.details, e4: true },
    ...(ctx.op.code ? { code: { ...ctx.op.code, spent: true } } : {}),
  })
  const r = await info(ctx, 'payments', 'POST', WIRE.paymentsPath, { ...body(ctx), ...mode })
  if (r.kind === 'unknown') {
    // Rule 1.3.5: message C; the payment is over for the cashier, the queue resolves it (§ 4.3).
    return ctx.queueSelf({ state: 'unknown', message: msg('oplati.serverError'), note: r.reason })
  }
  if (r.kind !== 'info') {
    const decline = () =>
      ctx
        .commit({ state: 'declined', message: r.message, error: { code: r.kind === 'refused' ? (r.env?.internalCode ?? String(r.status)) : 'auth' } })
        .then(() => undefined)
    if (r.kind !== 'refused' || !REPLAYABLE.includes(r.env?.internalCode ?? '')) return decline()
    // DUPLICATE_ORDER may answer the browser's resent copy of this very E4: look our orderNumber up first.
    return checkRefusal(() => ownSale(ctx), {
      found: async (found) => {
        ctx.log.warn('oplati', 'refusal answered a resent copy: our payment exists', { error: r.env?.internalCode ?? r.status }, ctx.op.id)
        return carryOn(ctx, found)
      },
      believe: decline,
      unknown: (reason) =>
        ctx.queueSelf({ state: 'unknown', message: msg('oplati.serverError'), note: `refusal of a possibly resent E4; E8 unavailable: ${reason}` }),
    })
  }
  return carryOn(ctx, r.info)
}

/** Refusals that can answer a resent copy of our own request. */
const REPLAYABLE = ['DUPLICATE_ORDER']

/** Our own sale in the shift's E8 list, by its `orderNumber` (the operation id). */
async function ownSale(ctx: Ctx): Promise<OwnLookup<PaymentInfo>> {
  const r = await reports(ctx, shiftOf(ctx.op.createdAt))
  if (!r.ok) return { kind: 'unavailable', reason: r.reply.kind === 'unknown' ? r.reply.reason : r.reply.kind }
  const found = r.list.find((p) => p.orderNumber === ctx.op.id && p.paymentType === PAYMENT_TYPE.sale)
  return found ? { kind: 'found', value: found } : { kind: 'absent' }
}

/** E4 answered (or our payment was found): show its code, settle a final status, or poll. */
async function carryOn(ctx: Ctx, found: PaymentInfo): Promise<void> {
  const r = { info: found }
  const codeShown = r.info.confirmationCode
  await ctx.commit({
    ref: r.info.paymentId,
    details: { ...ctx.op.details, paymentId: r.info.paymentId },
    ...(codeShown ? { display: { kind: 'code', code: codeShown }, message: msg('oplati.code', { code: codeShown }) } : {}),
  })
  if (await settlePay(ctx, r.info)) return
  await ctx.commit({ state: 'resolving' })
  return pollPay(ctx)
}

/**
 * Commit `sent` and get the mode's part of the request: the scanned code (0), the static QR flag (1),
 * or a session the customer has scanned (2; undefined when that ended without a scan).
 */
export async function start(ctx: Ctx, code: string): Promise<Record<string, unknown> | undefined> {
  await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), message: msg('common.sending') })
  if (ctx.config.mode === 2) {
    const session = await openSession(ctx)
    return session ? { sessionId: session } : undefined
  }
  return ctx.config.mode === 1 ? { [WIRE.staticQrField]: true } : { [WIRE.consumerQrField]: code }
}

/** Mode 2 (§ 4.3): E5, show the QR with text F, poll E6 every 3 s; the session id, or undefined when it ended. */
async function openSession(ctx: Ctx): Promise<string | undefined> {
  const r = await call(ctx, 'demandPayment', 'POST', WIRE.demandPaymentPath, { paymentMode: WIRE.demandPaymentMode }, asText)
  const d = r.kind === 'ok' ? decodeJson(r.value) : undefined
  const sessionId = d?.ok && typeof d.value.sessionId === 'string' ? d.value.sessionId : undefined
  const qr = d?.ok && typeof d.value.dynamicQR === 'string' ? d.value.dynamicQR : undefined
  if (!sessionId || !qr) {
    // E5 moves no money: any failure ends the attempt, and the cashier may retry.
    const message = r.kind === 'unknown' ? msg('oplati.serverError') : r.kind === 'ok' ? msg('common.badReply') : r.message
    await ctx.commit({ state: 'declined', message, note: r.kind === 'unknown' ? r.reason : 'demandPayment refused' })
    return undefined
  }
  const until = ctx.clock.now() + SESSION_WAIT_MS
  await ctx.commit({
    display: { kind: 'qr', payload: qr, until },
    deadline: until,
    message: msg('oplati.scanToPay'),
    details: { ...ctx.op.details, sessionId },
  })
  const end = await poll(ctx, {
    every: CONSUMER_POLL_MS,
    until,
    stopped: () => !ctx.waiting(),
    step: async () => {
      const s = await call(ctx, 'consumerStatus', 'GET', `${WIRE.consumerStatusPath}?${new URLSearchParams({ sessionId }).toString()}`, undefined, decodeJson)
      return s.kind === 'ok' && s.value.isConsumerReady === true ? sessionId : undefined
    },
  })
  if (end.kind === 'final') return end.value
  await ctx.commit({
    state: 'declined',
    display: undefined,
    message: ctx.waiting() ? msg('oplati.notScanned') : msg('oplati.cancelled'),
    note: 'no E4 was sent',
  })
  return undefined
}

/** A final status ends the payment; true when it did. */
async function settlePay(ctx: Ctx, i: PaymentInfo): Promise<boolean> {
  if (i.status === STATUS.inProgress) return false
  if (i.status === STATUS.ok) {
    await ctx.commit({
      state: 'approved',
      display: undefined,
      message: msg('common.approved'),
      details: { ...ctx.op.details, ...(i.pursePublicId ? { pursePublicId: i.pursePublicId } : {}) },
    })
    return true
  }
  await ctx.commit({ state: 'declined', display: undefined, message: statusMessage(i.status), error: { code: `status ${i.status}` } })
  return true
}

/** E3 every ≥ 5 s from the previous poll's start, until final, the cap, or the cashier cancels (§ 4.3). */
async function pollPay(ctx: Ctx): Promise<void> {
  const id = ctx.op.ref!
  const end = await poll(ctx, {
    every: POLL_FLOOR_MS,
    until: ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + MAX_WAIT_MS,
    stopped: () => !ctx.waiting(),
    step: async () => {
      const r = await paymentStatus(ctx, id)
      return r.kind === 'info' && (await settlePay(ctx, r.info)) ? true : undefined
    },
  })
  if (end.kind === 'final') return
  return cancelInProgress(ctx)
}

/** The cashier pressed cancel, or the cap passed: C5; a race with the customer's confirm is compensated. */
async function cancelInProgress(ctx: Ctx): Promise<void> {
  const r = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(ctx.op.ref!), {})
  if (r.kind === 'info') {
    if (r.info.status === STATUS.ok)
      return ctx.compensate({ display: undefined, message: msg('oplati.cancelRace'), note: 'C5 found the payment confirmed: full reversal queued' })
    if (r.info.status !== STATUS.inProgress) {
      await ctx.commit({
        state: 'declined',
        display: undefined,
        message: r.info.status === STATUS.cancelled ? msg('oplati.cancelled') : statusMessage(r.info.status),
      })
      return
    }
  }
  // No answer (or still in progress): rule 1.3.6, warning E; the queued cancel blocks new payments.
  return ctx.compensate({ display: undefined, message: msg('oplati.cancelQueued'), note: r.kind === 'unknown' ? r.reason : `cancel: ${r.kind}` })
}

export async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind === 'loyalty') {
    await ctx.commit({ state: 'declined', display: undefined, message: msg('common.interrupted'), note: 'loyalty request interrupted: nothing to resolve' })
    return
  }
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({ state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state, message: msg('common.checking'), note: 'resumed after a restart' })
  if (!ctx.op.details?.e4) {
    // Stopped before E4 left: no money can have moved.
    await ctx.commit({ state: 'declined', display: undefined, message: msg('common.interrupted'), note: 'resumed: E4 was never sent' })
    return
  }
  if (!ctx.op.ref) return ctx.queueSelf({ state: 'unknown', message: msg('oplati.serverError'), note: 'resumed: E4 reply unknown' })
  if (ctx.op.state !== 'resolving') await ctx.commit({ state: 'resolving' })
  return pollPay(ctx)
}
