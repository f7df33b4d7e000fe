// The O!plati client (docs/protocols/oplati.md § 4): token or password auth, pay in the three
// modes with E3 polling at the 5 s floor, the cashbox cancel (C5), reversals (E7) for
// cancels and partial refunds, cancel-refund, and the durable resolution of every lost
// reply through E3 / E8 — never a second charge, never a reversal sent twice.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { HttpRequest } from '../../transport/http.ts'
import type { ConnectionCheck, OpCtx, ProbeCtx, QueueVerdict, ReconcileOptions } from '../types.ts'
import { reconcile, reportSlip } from './reconcile.ts'
import { checkRefusal, type OwnLookup } from '../replay.ts'
import { classify } from '../common/reply.ts'
import { poll } from '../common/poll.ts'
import type { OplatiConfig } from './config.ts'
import {
  CONSUMER_POLL_MS,
  decodeEnvelope,
  decodeJson,
  decodePaymentInfo,
  decodeReports,
  type Decoded,
  type Envelope,
  MAX_WAIT_MS,
  paymentBody,
  type PaymentInfo,
  PAYMENT_TYPE,
  POLL_FLOOR_MS,
  SESSION_WAIT_MS,
  shiftOf,
  STATUS,
  UNREACHABLE_KEY,
  WIRE,
} from './codec.ts'

type Ctx = OpCtx<OplatiConfig>
type AnyCtx = ProbeCtx<OplatiConfig> & { op?: Operation }

/** § 4.3: E8 misses needed before a lost E4/E7 counts as never arrived. */
const MISSES_TO_DECLINE = 2

// ---- store keys (per payment type; the `token.conf` equivalent, never exported) ----------------
const tokenKey = (c: OplatiConfig) => `token:${c.regNum}`
const tokenStateKey = (c: OplatiConfig) => `tokenState:${c.regNum}`
const LAST_POLL_KEY = 'lastStatusPoll'

type Failure =
  { kind: 'refused'; status: number; env: Envelope | undefined; message: Msg } | { kind: 'auth'; message: Msg } | { kind: 'unknown'; reason: string }
type Reply<T = string> = { kind: 'ok'; value: T } | Failure

/** The body as it came: for replies whose fields the caller reads itself (E5, E6, C6). */
const asText = (text: string): Decoded<string> => ({ ok: true, value: text })

/** The seed's messages A and B (§ 1.4), as the server words them when it does. */
const TOKEN_EXISTS_RU = 'Токен уже существует или касса работает в режиме пароля'
const TOKEN_RESET_RU = 'Необходимо получить новый токен в кассовом ПО либо касса не зарегистрирована в личном кабинете юр. лица'

function serverMsg(key: string, env: Envelope | undefined, params?: Record<string, string | number>): Msg {
  const m = msg(key, params, env?.ru)
  return env?.en ? { ...m, serverByLang: { ...(env.ru ? { ru: env.ru } : {}), en: env.en } } : m
}

async function setUnreachable(ctx: AnyCtx, value: boolean) {
  if ((await ctx.store.get<boolean>(UNREACHABLE_KEY)) !== value) await ctx.store.put(UNREACHABLE_KEY, value)
}

/** Auth headers for one call: password mode, or the stored token (issued here on first access, C1). */
async function authHeaders(ctx: AnyCtx): Promise<{ ok: true; headers: Record<string, string>; log: Record<string, string> } | { ok: false; reply: Failure }> {
  const c = ctx.config
  if (c.password) return { ok: true, headers: { regNum: c.regNum, password: c.password }, log: { regNum: c.regNum, password: '****' } }
  let token = await ctx.store.get<string>(tokenKey(c))
  if (!token) {
    const res = await ctx.http.send({
      route: 'tokenIssue',
      method: 'POST',
      url: c.url + WIRE.tokenIssuePath,
      timeoutMs: c.timeout * 1000,
      ...(ctx.op ? { opId: ctx.op.id } : {}),
      headers: { 'Content-Type': 'application/json', regNum: c.regNum },
      body: '{}',
      logHeaders: { regNum: c.regNum },
      logReply: (t) => t.replace(/("token"\s*:\s*")[^"]*"/, '$1****"'),
    })
    if (res.kind === 'failed') {
      await setUnreachable(ctx, true)
      return { ok: false, reply: { kind: 'unknown', reason: `token: ${res.reason}` } }
    }
    const d = decodeJson(res.text)
    const issued = res.status === 200 && d.ok && typeof d.value.token === 'string' && d.value.token !== '' ? d.value.token : undefined
    if (!issued) {
      if (res.status >= 500) return { ok: false, reply: { kind: 'unknown', reason: `token: HTTP ${res.status}` } }
      const env = decodeEnvelope(res.text, res.status)
      await setUnreachable(ctx, false)
      if (res.status === 409 || env?.ru === TOKEN_EXISTS_RU) {
        // Rule 1.3.3: desync. Every new attempt retries C1 once, until the cabinet resets it.
        await ctx.store.put(tokenStateKey(c), 'desync')
        return { ok: false, reply: { kind: 'auth', message: serverMsg('oplati.tokenExists', env) } }
      }
      return { ok: false, reply: { kind: 'refused', status: res.status, env, message: serverMsg('oplati.error', env, { code: env?.code ?? res.status }) } }
    }
    token = issued
    await ctx.store.put(tokenKey(c), token)
    await ctx.store.put(tokenStateKey(c), 'ok')
    await setUnreachable(ctx, false)
    ctx.log.info('oplati', 'token issued', { regNum: c.regNum }, ctx.op?.id)
  }
  return { ok: true, headers: { regNum: c.regNum, [WIRE.tokenHeader]: token }, log: { regNum: c.regNum, [WIRE.tokenHeader]: '****' } }
}

/**
 * One request, its reply classified by the shared R3 rules: a 2xx body read by `decode` (one that does not read is
 * unknown), an error envelope on any other status a refusal — except 429 (too frequent: a wait) and a token the
 * server no longer knows (the admin resets it).
 */
async function call<T>(
  ctx: AnyCtx,
  route: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  decode: (text: string) => Decoded<T>,
): Promise<Reply<T>> {
  const c = ctx.config
  const auth = await authHeaders(ctx)
  if (!auth.ok) return auth.reply
  const req: HttpRequest = {
    route,
    method,
    url: c.url + path,
    timeoutMs: c.timeout * 1000,
    ...(ctx.op ? { opId: ctx.op.id } : {}),
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...auth.headers },
    logHeaders: auth.log,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }
  const res = await ctx.http.send(req)
  // No answer or a 5xx: the server counts as unreachable (§ 4.4) until it answers again.
  await setUnreachable(ctx, res.kind === 'failed' || res.status >= 500)
  const r = classify<{ value?: T; env?: Envelope }>(
    res,
    (text, status) => {
      if (status >= 200 && status < 300) {
        const d = decode(text)
        return d.ok ? { kind: 'final', value: { value: d.value } } : { kind: 'malformed', why: d.why }
      }
      const env = decodeEnvelope(text, status)
      return env ? { kind: 'error', value: { env } } : { kind: 'malformed', why: 'no error envelope' }
    },
    { route },
  )
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  if (r.kind !== 'refusal') return { kind: 'ok', value: r.value.value as T }
  const env = r.value?.env
  // § 3.5: too frequent is a wait, not a refusal.
  if (r.status === 429) return { kind: 'unknown', reason: `${route}: too frequent` }
  if (r.status === 401 && (env?.internalCode === 'TOKEN_INVALID' || env?.ru === TOKEN_RESET_RU)) {
    // Rule 1.3.4: the token is kept (B can also mean "not registered"); the admin resets it.
    await ctx.store.put(tokenStateKey(c), 'invalid')
    return { kind: 'auth', message: serverMsg('oplati.tokenReset', env) }
  }
  return { kind: 'refused', status: r.status, env, message: serverMsg('oplati.error', env, { code: env?.code ?? r.status }) }
}

async function info(ctx: AnyCtx, route: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ kind: 'info'; info: PaymentInfo } | Failure> {
  const r = await call(ctx, route, method, path, body, decodePaymentInfo)
  return r.kind === 'ok' ? { kind: 'info', info: r.value } : r
}

/**
 * E3 with the 5 s floor kept per paymentId across operations and reloads (§ 2.6): the last poll
 * time is stored, and a poll that would come too soon waits for the rest of the floor first.
 */
async function paymentStatus(ctx: Ctx, id: string) {
  const polls = (await ctx.store.get<Record<string, number>>(LAST_POLL_KEY)) ?? {}
  const since = ctx.clock.now() - (polls[id] ?? -Infinity)
  if (since < POLL_FLOOR_MS) await ctx.pause(POLL_FLOOR_MS - since)
  const now = ctx.clock.now()
  const kept = Object.fromEntries(Object.entries(polls).filter(([, at]) => now - at < POLL_FLOOR_MS * 12))
  await ctx.store.put(LAST_POLL_KEY, { ...kept, [id]: now })
  return info(ctx, 'paymentStatus', 'GET', WIRE.paymentPath(id))
}

/** E8: every payment of a shift (sales and reversals). */
async function reports(
  ctx: AnyCtx,
  shift: string,
  range?: { start: string; end: string },
): Promise<{ ok: true; list: PaymentInfo[] } | { ok: false; reply: Failure }> {
  const q = new URLSearchParams({ shift, ...(range ? { shiftStart: range.start, shiftEnd: range.end } : {}) })
  const r = await call(ctx, 'reports', 'GET', `${WIRE.reportsPath}?${q.toString()}`, undefined, decodeReports)
  return r.kind === 'ok' ? { ok: true, list: r.value } : { ok: false, reply: r }
}

/** § 2.4: the public display text of a final status. */
export function statusMessage(status: number): Msg {
  return msg(`oplati.status${status}`)
}

function body(ctx: Ctx, amount = ctx.op.amount) {
  return paymentBody({
    amount,
    orderNumber: ctx.op.id,
    regNum: ctx.config.regNum,
    shift: shiftOf(ctx.op.createdAt),
    receiptNumber: ctx.op.order ?? ctx.op.id,
    items: ctx.op.kind === 'pay' ? ctx.op.items : undefined,
  })
}

// ---- pay (§ 4.3) -------------------------------------------------------------------------------

async function pay(ctx: Ctx, code: string): Promise<void> {
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
async function start(ctx: Ctx, code: string): Promise<Record<string, unknown> | undefined> {
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

async function resume(ctx: Ctx): Promise<void> {
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
async function loyalty(ctx: Ctx, code: string): Promise<void> {
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

// ---- cancel, refund, cancel-refund (§ 4.5–4.7) ----------------------------------------------------

async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const now = ctx.clock.now()
  const saleId = original.kind === 'pay' ? original.ref : (original.details?.salePaymentId as string | undefined)
  await ctx.commit({
    state: 'sent',
    sentAt: now,
    details: { salePaymentId: saleId ?? '', originalKind: original.kind, ...(original.kind === 'refund' ? { refundPaymentId: original.ref ?? '' } : {}) },
    message: msg('common.sending'),
  })
  if (original.kind === 'refund') {
    // § 4.7: cancel a refund with C5 on the refund's own paymentId.
    const r = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(original.ref!), {})
    if (r.kind === 'info' && r.info.status === STATUS.cancelled) return approveReversal(ctx, r.info)
    if (r.kind === 'unknown') return ctx.queueSelf({ state: 'unknown', message: msg('oplati.cancelQueued'), note: r.reason })
    await ctx.commit({
      state: 'declined',
      message: r.kind === 'info' ? statusMessage(r.info.status) : r.message,
      error: { code: r.kind === 'refused' ? (r.env?.internalCode ?? String(r.status)) : r.kind },
    })
    return
  }
  const r = await info(ctx, 'reversals', 'POST', WIRE.reversalsPath(saleId!), body(ctx))
  if (r.kind === 'info') {
    if (r.info.status === STATUS.ok) return approveReversal(ctx, r.info)
    await ctx.commit({ state: 'declined', message: statusMessage(r.info.status), ref: r.info.paymentId })
    return
  }
  if (r.kind === 'unknown') {
    // A cancel must happen: warning E, queued (blocks). A refund is over for the cashier: C, resolved (§ 4.6).
    const message = ctx.op.kind === 'cancel' ? msg('oplati.cancelQueued') : msg('oplati.serverError')
    return ctx.queueSelf({ state: 'unknown', message, note: r.reason })
  }
  await ctx.commit({ state: 'declined', message: r.message, error: { code: r.kind === 'refused' ? (r.env?.internalCode ?? String(r.status)) : 'auth' } })
}

async function approveReversal(ctx: Ctx, i: PaymentInfo, note?: string): Promise<void> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  await ctx.commit({ state: 'approved', ref: i.paymentId, message: msg('common.approved'), ...(note ? { note } : {}) })
}

// ---- the durable queue (§ 4.3–4.7) -------------------------------------------------------------

async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  if (ctx.op.kind === 'pay') return resolvePay(ctx)
  if (ctx.op.compensates || (ctx.op.kind === 'cancel' && ctx.op.details?.originalKind !== 'refund')) return reverseSale(ctx)
  if (ctx.op.kind === 'cancel') return cancelRefundQueued(ctx)
  return resolveRefund(ctx)
}

const retry = (r: Failure): QueueVerdict => ({
  kind: 'retry',
  error: r.kind === 'unknown' ? r.reason : r.kind === 'auth' ? 'token not valid: waiting for the admin' : `refused ${r.status}`,
})

/** Find an operation by its `orderNumber` in the shift's E8 list; counts the misses on the op. */
async function findByOrder(ctx: Ctx, orderNumber: string, shift: string): Promise<{ found: PaymentInfo | undefined; gone: boolean } | { retry: QueueVerdict }> {
  const r = await reports(ctx, shift)
  if (!r.ok) return { retry: retry(r.reply) }
  const found = r.list.find((p) => p.orderNumber === orderNumber)
  if (found) return { found, gone: false }
  const misses = Number(ctx.op.details?.e8Misses ?? 0) + 1
  await ctx.commit({ details: { ...ctx.op.details, e8Misses: misses } })
  return { found: undefined, gone: misses >= MISSES_TO_DECLINE }
}

/** A pay whose E4 reply was lost: E3 when the id is known, else E8 by `orderNumber` (§ 4.3 step 3–4). */
async function resolvePay(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  let found: PaymentInfo | undefined
  if (ctx.op.ref) {
    const r = await paymentStatus(ctx, ctx.op.ref)
    if (r.kind !== 'info') return r.kind === 'refused' && r.status === 404 ? declineUnsent(ctx) : retry(r)
    found = r.info
  } else {
    const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
    if ('retry' in f) return f.retry
    if (!f.found) return f.gone ? declineUnsent(ctx) : { kind: 'retry', error: `order ${ctx.op.id} not in E8 yet` }
    found = f.found
    await ctx.commit({ ref: found.paymentId, details: { ...ctx.op.details, paymentId: found.paymentId } })
  }
  if (found.status === STATUS.ok) {
    await ctx.compensate({ message: msg('oplati.foundPaid'), note: 'lost E4: found paid, full reversal queued' })
    return { kind: 'done' }
  }
  if (found.status === STATUS.inProgress) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(found.paymentId), {})
    if (c.kind !== 'info') return retry(c)
    if (c.info.status === STATUS.ok) {
      await ctx.compensate({ message: msg('oplati.foundPaid'), note: 'C5 raced a confirm: full reversal queued' })
      return { kind: 'done' }
    }
    if (c.info.status === STATUS.inProgress) return { kind: 'retry', error: 'still in progress after C5' }
    found = c.info
  }
  await ctx.commit({ state: 'declined', display: undefined, message: statusMessage(found.status), note: `resolved: status ${found.status}` })
  return { kind: 'done' }
}

async function declineUnsent(ctx: Ctx): Promise<QueueVerdict> {
  await ctx.commit({ state: 'declined', display: undefined, message: msg('oplati.notReceived'), note: 'the server never received it' })
  return { kind: 'done' }
}

/**
 * Reverse a sale in full: a compensation, or the cashier's cancel queued after a transport failure
 * (§ 4.5 step 3). E3 first; for a paid sale, E8 looks for this reversal's own `orderNumber` so a
 * reversal whose reply was lost is never sent twice.
 */
async function reverseSale(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const saleId = (ctx.op.details?.salePaymentId as string | undefined) || ctx.op.ref
  if (!saleId) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'no paymentId to reverse' })
    return { kind: 'done' }
  }
  if (!ctx.op.details?.salePaymentId) await ctx.commit({ details: { ...ctx.op.details, salePaymentId: saleId } })
  const s = await paymentStatus(ctx, saleId)
  if (s.kind !== 'info') return refusedOrRetry(ctx, s)
  if (s.info.status === STATUS.inProgress) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(saleId), {})
    if (c.kind !== 'info') return refusedOrRetry(ctx, c)
    if (c.info.status !== STATUS.ok) {
      await approveReversal(ctx, c.info, `sale status ${c.info.status} after C5: nothing to reverse`)
      return { kind: 'done' }
    }
  } else if (s.info.status !== STATUS.ok) {
    await approveReversal(ctx, s.info, `sale status ${s.info.status}: nothing to reverse`)
    return { kind: 'done' }
  }
  const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
  if ('retry' in f) return f.retry
  if (f.found && f.found.status === STATUS.ok) {
    await approveReversal(ctx, f.found, 'the reversal was already made (found in E8)')
    return { kind: 'done' }
  }
  const r = await info(ctx, 'reversals', 'POST', WIRE.reversalsPath(saleId), body(ctx))
  if (r.kind !== 'info') return refusedOrRetry(ctx, r)
  if (r.info.status === STATUS.ok) {
    await approveReversal(ctx, r.info)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `reversal status ${r.info.status}`, definitive: true }
}

/** A queued cancel-refund: C5 on the refund (§ 4.7). */
async function cancelRefundQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const id = ctx.op.details?.refundPaymentId as string | undefined
  if (!id) return { kind: 'retry', error: 'no refund paymentId', definitive: true }
  const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(id), {})
  if (c.kind !== 'info') return refusedOrRetry(ctx, c)
  if (c.info.status === STATUS.cancelled) {
    await approveReversal(ctx, c.info)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `refund status ${c.info.status} after C5`, definitive: true }
}

/** A refund whose E7 reply was lost (§ 4.6): found paid → undone with C5; not there → declined. */
async function resolveRefund(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const f = await findByOrder(ctx, ctx.op.id, shiftOf(ctx.op.createdAt))
  if ('retry' in f) return f.retry
  if (!f.found) return f.gone ? declineUnsent(ctx) : { kind: 'retry', error: `refund ${ctx.op.id} not in E8 yet` }
  if (f.found.status === STATUS.ok && f.found.paymentType === PAYMENT_TYPE.saleReturn) {
    const c = await info(ctx, 'cancel', 'POST', WIRE.cancelPath(f.found.paymentId), {})
    if (c.kind !== 'info') return refusedOrRetry(ctx, c)
    if (c.info.status !== STATUS.cancelled) return { kind: 'retry', error: `refund status ${c.info.status} after C5`, definitive: true }
  }
  await ctx.commit({
    state: 'declined',
    ref: f.found.paymentId,
    message: msg('oplati.refundUndone'),
    note: `lost E7: refund found with status ${f.found.status}, cancelled`,
  })
  return { kind: 'done' }
}

/** A definitive refusal from the queue ends the entry (§ 4.5: the original needs a person); 401 and transport wait. */
async function refusedOrRetry(ctx: Ctx, r: Failure): Promise<QueueVerdict> {
  if (r.kind !== 'refused') return retry(r)
  await ctx.commit({
    state: ctx.op.compensates ? 'declined' : 'needs-attention',
    message: r.message,
    error: { code: r.env?.internalCode ?? String(r.status) },
    note: 'refused from the queue',
  })
  return { kind: 'done' }
}

/** § 4.9: E8 for the shift (optionally limited by Minsk dates), matched against the journal. */
async function reconcileShift(ctx: ProbeCtx<OplatiConfig>, journal: readonly Operation[], opts: ReconcileOptions) {
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
async function probe(ctx: ProbeCtx<OplatiConfig>): Promise<boolean> {
  const r = await reports(ctx, shiftOf(ctx.clock.now()))
  return r.ok
}

/** «Проверить связь»: E8 for today needs the token (issued here if none) or the password. */
async function checkConnection(ctx: ProbeCtx<OplatiConfig>): Promise<ConnectionCheck> {
  const r = await reports(ctx, shiftOf(ctx.clock.now()))
  if (r.ok) return { verdict: 'ok' }
  if (r.reply.kind === 'unknown') return { verdict: 'unreachable', reason: r.reply.reason }
  return { verdict: 'refused', detail: r.reply.message }
}

export const oplatiClient = { pay, resume, reverse, runQueued, probe, reconcile: reconcileShift, loyalty, checkConnection }
