// The ClickPass client (docs/protocols/clickpass.md § 4): confirm-mode switch once, pay, confirm
// at once, resolve unknown outcomes by status queries, reverse, and queue attempts. Every
// state change goes through ctx.commit before the next request.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { OpCtx, QueueVerdict } from '../types.ts'
import type { ClickPassConfig } from './config.ts'
import { authHeader } from './auth.ts'
import { CLICK_PATHS, confirmBody, datesToQuery, decodeReply, maskAuth, maskPhone, paymentBody, type ClickReply } from './codec.ts'
import { maskCode } from '../../../src/domain/ids.ts'
import { checkRefusal, type OwnLookup } from '../replay.ts'
import { classify, type Parsed } from '../common/reply.ts'
import { poll } from '../common/poll.ts'

/** docs/rules.md R7 [C]: status is polled every 2 s. */
export const POLL_MS = 2_000
/** docs/rules.md R7 [C]: without confirm mode a pending payment is awaited 60 s. */
export const PENDING_WINDOW_MS = 60_000
/** § 4.3.3.3: a confirm is (re)sent only while less than 25 s have passed since the payment was sent. */
export const CONFIRM_RESEND_MS = 25_000
/** § 4.3.3.3: Click cancels unconfirmed payments at 30 s; the client decides at 35 s. */
export const CONFIRM_DECIDE_MS = 35_000

type Ctx = OpCtx<ClickPassConfig>

type Call = { kind: 'reply'; status: number; reply: ClickReply } | { kind: 'refused'; status: number; message: Msg } | { kind: 'unknown'; reason: string }

/** A Click body for the shared R3 classification: `error_code` 0 is a result (PROCESSING 0/1 in progress), else an error. */
function parseClick(text: string): Parsed<ClickReply> {
  const d = decodeReply(text)
  if (d.kind === 'malformed') return d
  if (d.reply.errorCode !== 0) return { kind: 'error', value: d.reply }
  const s = d.reply.paymentStatus
  return { kind: s === 0 || s === 1 ? 'pending' : 'final', value: d.reply }
}

type Route = keyof typeof CLICK_PATHS

async function call(ctx: Ctx, route: Route, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string, logBody?: string): Promise<Call> {
  const c = ctx.config
  const auth = await authHeader(c.merchantUserId, c.secretKey, Math.floor(ctx.clock.now() / 1000))
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', Auth: auth }
  const res = await ctx.http.send({
    route,
    method,
    url: c.url.replace(/\/+$/, '') + path,
    headers,
    timeoutMs: c.timeout * 1000,
    opId: ctx.op.id,
    logHeaders: { Auth: maskAuth(auth) },
    ...(body !== undefined ? { body } : {}),
    ...(logBody !== undefined ? { logBody } : {}),
  })
  const r = classify(res, parseClick, { route, authMessage: (status) => msg('clickpass.authHttp', { status }) })
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  // A refusal without a Click body: a 4xx that does not parse (the message names the status).
  if (r.kind === 'refusal' && r.value === undefined) return { kind: 'refused', status: r.status, message: r.message }
  return { kind: 'reply', status: r.status, reply: r.value! }
}

/** Click writes its `error_note` in Russian: a till in another language shows «Rad etildi (kod …)» instead. */
export function clickDeclined(code: number, note: string | undefined): Msg {
  const m = msg('common.declined', { code }, note)
  return m.server ? { ...m, serverLang: 'ru' } : m
}

function declineMessage(r: Call) {
  if (r.kind === 'refused') return r.message
  if (r.kind === 'reply') {
    if (r.status === 401 || r.reply.errorCode === -9001) return msg('clickpass.auth')
    return clickDeclined(r.reply.errorCode, r.reply.errorNote)
  }
  return msg('common.unknownAttention')
}

function errorOf(r: Call): OpPatch['error'] {
  if (r.kind === 'reply') return { code: String(r.reply.errorCode), ...(r.reply.errorNote ? { note: r.reply.errorNote } : {}), httpStatus: r.status }
  if (r.kind === 'refused') return { code: `HTTP ${r.status}`, httpStatus: r.status }
  return { code: 'unknown', note: r.reason }
}

function detailsOf(reply: ClickReply): Record<string, string | number> {
  const d: Record<string, string | number> = {}
  if (reply.cardNumber) d.cardNumber = reply.cardNumber
  if (reply.processingType) d.processingType = reply.processingType
  if (reply.cardType) d.cardType = reply.cardType
  if (reply.phoneNumber) d.phone = maskPhone(reply.phoneNumber)
  if (reply.confirmMode !== undefined) d.confirmMode = reply.confirmMode
  return d
}

function slipFor(op: Operation, title: string): Slip {
  const d = op.details ?? {}
  const lines: Slip['lines'] = [
    { label: 'slip.operation', value: title, format: 'key', strong: true },
    { label: 'slip.time', value: op.updatedAt, format: 'datetime' },
    { label: 'slip.amount', value: op.amount, format: 'money', strong: true },
    { label: 'slip.paymentId', value: op.ref ?? '' },
  ]
  if (d.cardNumber) lines.push({ label: 'slip.card', value: String(d.cardNumber) })
  if (d.processingType) lines.push({ label: 'slip.processing', value: String(d.processingType) })
  if (d.cardType) lines.push({ label: 'slip.cardType', value: String(d.cardType) })
  if (d.phone) lines.push({ label: 'slip.phone', value: String(d.phone) })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title, provider: 'ClickPass', currency: op.currency, lines, copies: 1 }
}

async function approve(ctx: Ctx, patch: OpPatch = {}) {
  // A queued reversal that finds nothing left to reverse never left `created`.
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  // The slip is written with the approval, in one commit (one strict transaction fewer per payment).
  const title = ctx.op.kind === 'pay' ? 'slip.pay' : ctx.op.kind === 'cancel' ? 'slip.cancel' : 'slip.refund'
  const slip = slipFor({ ...ctx.op, ...patch, details: patch.details ?? ctx.op.details, updatedAt: ctx.clock.now() } as Operation, title)
  await ctx.commit({ ...patch, state: 'approved', message: msg('common.approved'), slip })
}

/** A payment found paid: the cashier still waiting gets it; one who left gets it reversed (R4.4). */
async function paid(ctx: Ctx, patch: OpPatch = {}) {
  if (ctx.waiting()) await approve(ctx, patch)
  else await ctx.compensate({ ...patch, message: msg('clickpass.unknownConfirm'), note: 'found paid after the cashier left' })
}

// ---- confirm-mode switch (§ 4.2) -----------------------------------------------------------

interface AppliedMode {
  serviceId: number
  confirmMode: boolean
  appliedAt: number
}

async function ensureMode(ctx: Ctx): Promise<boolean> {
  const c = ctx.config
  const applied = await ctx.store.get<AppliedMode>('confirmMode')
  if (applied && applied.serviceId === c.serviceId && applied.confirmMode === c.confirmMode) return true
  const route = c.confirmMode ? 'confirmOn' : 'confirmOff'
  const r = await call(ctx, route, c.confirmMode ? 'PUT' : 'DELETE', CLICK_PATHS[route](c.serviceId))
  if (r.kind === 'reply' && r.reply.errorCode === 0) {
    await ctx.store.put('confirmMode', { serviceId: c.serviceId, confirmMode: c.confirmMode, appliedAt: ctx.clock.now() } satisfies AppliedMode)
    ctx.log.info('clickpass', 'confirm mode applied', { serviceId: c.serviceId, confirmMode: c.confirmMode }, ctx.op.id)
    return true
  }
  const auth = (r.kind === 'reply' && (r.status === 401 || r.reply.errorCode === -9001)) || (r.kind === 'refused' && r.status === 401)
  await ctx.commit({
    state: 'declined',
    message: auth ? msg('clickpass.auth') : msg('clickpass.modeFailed'),
    error: errorOf(r),
    note: 'confirm mode could not be set: payment not sent',
  })
  return false
}

// ---- pay (§ 4.3) -----------------------------------------------------------------------------

async function pay(ctx: Ctx, code: string): Promise<void> {
  if (!(await ensureMode(ctx))) return
  const c = ctx.config
  const op = ctx.op
  await ctx.commit({
    state: 'sent',
    sentAt: ctx.clock.now(),
    message: msg('common.sending'),
    details: { ...op.details, expectConfirm: c.confirmMode ? 1 : 0 },
    ...(op.code ? { code: { ...op.code, spent: true } } : {}),
  })
  const body = paymentBody({ serviceId: c.serviceId, code, amount: op.amount, transactionId: op.id, ...(c.cashboxCode ? { cashboxCode: c.cashboxCode } : {}) })
  const r = await call(ctx, 'payment', 'POST', CLICK_PATHS.payment(), body, body.replace(JSON.stringify(code), JSON.stringify(maskCode(code))))
  if (r.kind === 'unknown') return resolveUnknown(ctx, r.reason)
  if (r.kind === 'reply' && REPLAY_CODES.includes(r.reply.errorCode)) return refusedMaybeReplay(ctx, r)
  if (r.kind === 'refused' || r.reply.errorCode !== 0) {
    await ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) })
    return
  }
  const reply = r.reply
  if (!reply.paymentId) return resolveUnknown(ctx, 'payment: reply without payment_id')
  const patch: OpPatch = { ref: reply.paymentId, details: { ...ctx.op.details, ...detailsOf(reply) } }
  if ((reply.confirmMode === 1) !== c.confirmMode)
    ctx.log.warn(
      'clickpass',
      'the service confirm mode differs from the setting (another till switched it?)',
      { confirmMode: reply.confirmMode, setting: c.confirmMode },
      op.id,
    )
  if (reply.confirmMode === 1) {
    await ctx.commit(patch)
    return confirmPhase(ctx, false)
  }
  if (reply.paymentStatus === 2) return approve(ctx, patch)
  if (reply.paymentStatus !== undefined && reply.paymentStatus < 0) {
    await ctx.commit({ ...patch, state: 'declined', message: clickDeclined(reply.paymentStatus, reply.errorNote) })
    return
  }
  await ctx.commit({ ...patch, state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS, message: msg('common.checking') })
  return pollPending(ctx)
}

function elapsed(ctx: Ctx): number {
  return ctx.clock.now() - (ctx.op.sentAt ?? ctx.op.createdAt)
}

function expectsConfirm(op: Operation): boolean {
  const d = op.details ?? {}
  return (d.confirmMode ?? d.expectConfirm) === 1
}

async function statusOf(ctx: Ctx): Promise<number | undefined> {
  const r = await call(ctx, 'status', 'GET', CLICK_PATHS.status(ctx.config.serviceId, ctx.op.ref!))
  return r.kind === 'reply' && r.reply.errorCode === 0 ? r.reply.paymentStatus : undefined
}

/** § 4.3.3: confirm at once; on a refusal or unknown, decide by status within the 35 s window. */
async function confirmPhase(ctx: Ctx, statusFirst: boolean): Promise<void> {
  if (!statusFirst && ctx.waiting()) {
    const r = await call(ctx, 'confirm', 'POST', CLICK_PATHS.confirm(), confirmBody(ctx.config.serviceId, ctx.op.ref!))
    if (r.kind === 'reply' && r.reply.errorCode === 0) return approve(ctx)
    ctx.log.warn('clickpass', 'confirm not acknowledged: checking status', { error: errorOf(r) }, ctx.op.id)
  }
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + CONFIRM_DECIDE_MS, message: msg('common.checking') })
  let last: number | undefined
  let s = undefined as number | undefined
  // Polls on after the cashier left: the final status decides between the payment and its reversal (R4.4).
  const end = await poll(ctx, {
    every: POLL_MS,
    until: (ctx.op.sentAt ?? ctx.op.createdAt) + CONFIRM_DECIDE_MS,
    first: 'step',
    step: async (): Promise<number | 'confirmed' | undefined> => {
      s = await statusOf(ctx)
      if (s !== undefined) last = s
      if (s === 2 || (s !== undefined && s < 0)) return s
      if ((s === 0 || s === 1) && elapsed(ctx) < CONFIRM_RESEND_MS && ctx.waiting()) {
        const r = await call(ctx, 'confirm', 'POST', CLICK_PATHS.confirm(), confirmBody(ctx.config.serviceId, ctx.op.ref!))
        if (r.kind === 'reply' && r.reply.errorCode === 0) return 'confirmed'
      }
      return undefined
    },
  })
  if (end.kind === 'final') return end.value === 'confirmed' ? approve(ctx) : end.value === 2 ? paid(ctx) : declineNotConfirmed(ctx, end.value)
  // The server cancels an unconfirmed payment at 30 s: a status read now that is not PAID is no payment.
  // Without a status nothing proves that: the outcome is unknown and goes to compensation.
  if (s === undefined) return unknownToCompensate(ctx, last === undefined ? 'no status after the confirm window' : `last status ${last}, then none`)
  return declineNotConfirmed(ctx, s)
}

/** No status could prove where the money is: reverse it through the queue (its status check decides). */
async function unknownToCompensate(ctx: Ctx, note: string) {
  await ctx.compensate({ message: msg('clickpass.unknownConfirm'), error: { code: 'no status' }, note })
}

async function declineNotConfirmed(ctx: Ctx, status: number | undefined) {
  await ctx.commit({
    state: 'declined',
    message: ctx.waiting() ? msg('clickpass.notConfirmed') : msg('clickpass.unknownConfirm'),
    error: { code: status === undefined ? 'no status' : `status ${status}` },
  })
}

/** § 4.3.4: a payment processing without confirm mode: poll up to 60 s, then reverse it. */
async function pollPending(ctx: Ctx): Promise<void> {
  const end = await poll(ctx, {
    every: POLL_MS,
    until: ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS,
    first: 'step',
    step: async () => {
      const s = await statusOf(ctx)
      return s === 2 || (s !== undefined && s < 0) ? s : undefined
    },
  })
  if (end.kind !== 'final') return ctx.compensate({ message: msg('clickpass.unknownConfirm'), note: 'still processing when the window ended' })
  const s = end.value
  if (s === 2) return paid(ctx)
  await ctx.commit({ state: 'declined', message: msg('common.declined', { code: s }), error: { code: `status ${s}` } })
}

/** § 4.4: the payment reply was lost: find the payment by our transaction id. */
async function resolveUnknown(ctx: Ctx, reason: string): Promise<void> {
  if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: reason })
  return findByMti(ctx)
}

type Found = { paymentId: string; status: number | undefined }

/**
 * One pass of `status_by_mti` over the dates to query (§ 4.4): our payment found by its transaction id
 * (`mti`, the paying operation's id; a compensation looks up the payment it compensates).
 */
async function lookupByMti(ctx: Ctx, mti = ctx.op.id, since = ctx.op.sentAt ?? ctx.op.createdAt): Promise<OwnLookup<Found>> {
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

async function settleFound(ctx: Ctx, status: number | undefined): Promise<void> {
  if (status === 2) return paid(ctx)
  if (status !== undefined && status < 0) return declineNotConfirmed(ctx, status)
  return expectsConfirm(ctx.op) ? confirmPhase(ctx, true) : pollPending(ctx)
}

async function findByMti(ctx: Ctx): Promise<void> {
  const confirm = expectsConfirm(ctx.op)
  const window = confirm ? CONFIRM_DECIDE_MS : PENDING_WINDOW_MS
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + window, message: msg('common.checking') })
  let found = { kind: 'absent' } as OwnLookup<Found>
  const end = await poll(ctx, {
    every: POLL_MS,
    until: ctx.op.deadline!,
    first: 'step',
    step: async () => {
      found = await lookupByMti(ctx)
      return found.kind === 'found' ? found.value : undefined
    },
  })
  if (end.kind === 'final') return settleFound(ctx, end.value.status)
  // Only a look-up that answered "absent" proves absence; a failed one leaves it unknown.
  if (found.kind === 'unavailable') return unknownToCompensate(ctx, `not found, look-up unavailable: ${found.reason}`)
  if (confirm) {
    // Click cancels any unconfirmed payment after 30 s: no money can have stayed (§ 4.4).
    await ctx.commit({ state: 'declined', message: ctx.waiting() ? msg('clickpass.notFound') : msg('clickpass.unknownConfirm'), error: { code: 'not found' } })
  } else {
    await ctx.commit({
      state: 'needs-attention',
      message: msg('common.unknownAttention'),
      error: { code: 'not found' },
      note: 'not found by transaction id: money may have moved',
    })
  }
}

/**
 * "Code already used" (-9021) or "transaction_id repeated" (-9030) may answer a second copy
 * of our own request: a browser silently resends a request whose connection closed before
 * the reply (Chromium does so on reused sockets). Before declining, look for our payment.
 */
const REPLAY_CODES = [-9021, -9030]

function refusedMaybeReplay(ctx: Ctx, r: Call): Promise<void> {
  return checkRefusal(() => lookupByMti(ctx), {
    found: (f) => {
      ctx.log.warn('clickpass', 'refusal answered a resent copy: our payment exists', { error: errorOf(r) }, ctx.op.id)
      return settleFound(ctx, f.status)
    },
    believe: () => ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) }).then(() => undefined),
    unknown: () => resolveUnknown(ctx, 'refusal of a possibly resent request; status unavailable'),
  })
}

/**
 * After a restart, an operation is resumed by its kind from what the journal proves was sent:
 * a cancel or refund by the state of the reversal — it carries the payment's reference, so reading the
 * payment as if it were being paid would approve a reversal that never happened. The queue decides it:
 * status first, and the reversal only while the payment is still PAID.
 */
async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({
      state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state,
      message: msg('common.cancelQueued'),
      note: 'resumed after a restart: the reversal decides by status',
    })
  if (!ctx.op.ref) return resolveUnknown(ctx, 'resumed after a restart')
  if (expectsConfirm(ctx.op)) return confirmPhase(ctx, true)
  if (ctx.op.state !== 'resolving')
    await ctx.commit({ state: 'resolving', deadline: (ctx.op.sentAt ?? ctx.clock.now()) + PENDING_WINDOW_MS, message: msg('common.checking') })
  return pollPending(ctx)
}

// ---- cancel and refund (§ 4.5) -------------------------------------------------------------

async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const ref = original.ref
  if (!ref) {
    await ctx.commit({ state: 'declined', message: msg('common.noOperation') })
    return
  }
  await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), ref, details: { ...original.details }, message: msg('common.sending') })
  const r = await call(ctx, 'reversal', 'DELETE', CLICK_PATHS.reversal(ctx.config.serviceId, ref))
  if (r.kind === 'reply' && r.reply.errorCode === 0) return approve(ctx)
  if (r.kind === 'unknown') return ctx.queueSelf({ state: 'unknown', message: msg('common.cancelQueued'), note: r.reason })
  // A refusal may answer a resent copy of a reversal that went through: the status decides.
  const s = await statusOf(ctx)
  if (s !== undefined && s < 0) return approve(ctx, { note: `already reversed (status ${s})` })
  if (s === undefined) return ctx.queueSelf({ state: 'unknown', message: msg('common.cancelQueued'), note: 'reversal refused but status unavailable' })
  await ctx.commit({ state: 'declined', message: declineMessage(r), error: errorOf(r) })
}

/** One queue attempt: status first, then the reversal only if the payment is still PAID (§ 4.5). */
async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (!ctx.op.ref && ctx.op.compensates) {
    // A compensation of a payment whose reply never came: find the payment by its transaction id first.
    const f = await lookupByMti(ctx, ctx.op.compensates, ctx.op.createdAt)
    if (f.kind === 'unavailable') return { kind: 'retry', error: f.reason }
    if (f.kind === 'absent') {
      await approve(ctx, { note: 'the payment is not at Click: nothing to reverse' })
      return { kind: 'done' }
    }
  }
  const s = await (async () => {
    const r = await call(ctx, 'status', 'GET', CLICK_PATHS.status(ctx.config.serviceId, ctx.op.ref ?? '0'))
    if (r.kind === 'reply' && r.reply.errorCode === 0) return { status: r.reply.paymentStatus }
    if (r.kind === 'reply' && r.reply.errorCode === -9040) return { notFound: true }
    return { retry: r.kind === 'unknown' ? r.reason : `status refused: ${JSON.stringify(errorOf(r))}` }
  })()
  if ('retry' in s) return { kind: 'retry', error: s.retry ?? 'status' }
  if ('notFound' in s || !ctx.op.ref) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'payment not found for the reversal' })
    return { kind: 'done' }
  }
  if (s.status !== undefined && s.status < 0) {
    await approve(ctx, { note: `payment status ${s.status}: nothing left to reverse` })
    return { kind: 'done' }
  }
  if (s.status !== 2) return { kind: 'retry', error: `payment still processing (status ${s.status})` }
  await ctx.commit({ state: ctx.op.state === 'created' ? 'sent' : ctx.op.state === 'unknown' ? 'resolving' : ctx.op.state, sentAt: ctx.clock.now() })
  const r = await call(ctx, 'reversal', 'DELETE', CLICK_PATHS.reversal(ctx.config.serviceId, ctx.op.ref))
  if (r.kind === 'reply' && r.reply.errorCode === 0) {
    await approve(ctx)
    return { kind: 'done' }
  }
  if (r.kind === 'unknown') return { kind: 'retry', error: r.reason }
  // A refusal may answer a resent copy of this reversal that went through (docs/rules.md R2): the status decides.
  const after = await statusOf(ctx)
  if (after !== undefined && after < 0) {
    await approve(ctx, { note: `already reversed (status ${after})` })
    return { kind: 'done' }
  }
  if (after === undefined) return { kind: 'retry', error: `reversal refused but status unavailable: ${JSON.stringify(errorOf(r))}` }
  // A definitive refusal (e.g. -5017, -9050 while PAID): a person must look (§ 4.5).
  await ctx.commit({ state: ctx.op.compensates ? 'declined' : 'needs-attention', message: declineMessage(r), error: errorOf(r) })
  return { kind: 'done' }
}

export const clickpassClient = { pay, resume, reverse, runQueued }
