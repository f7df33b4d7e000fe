// The Sendy client (docs/protocols/sendy.md § 4): activation, counters before every transaction
// (through numbering, server shifts), offline pay with the micropay rules (USERPAYING and
// SYSTEMERROR → query, then a durable reverse), online pay with a QR and a token, cancel
// (reverse, with the 15 s wait), the optional full refund, day close (shift close: paid
// receipts only) and reports without closing. Money never moves twice: the number is
// journaled before the request, and every unknown ends in a query or a queued reverse.
import { maskCode } from '../../../src/domain/ids.ts'
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { OpCtx, ProbeCtx, QueueVerdict, ReconcileOptions } from '../types.ts'
import type { SendyConfig } from './config.ts'
import { ACTIVATION, type Activation, COUNTERS, KEY, type LocalCounters, REVOKED, systemsFor } from './store.ts'
import {
  decodeEnvelope,
  decodeReport,
  moscowTime,
  moscowToIso,
  num,
  reportText,
  type SlipFacts,
  slipText,
  str,
  systemOfCode,
  SYSTEM_NAMES,
  type Wire,
  wireOf,
} from './codec.ts'

type Ctx = OpCtx<SendyConfig>
type AnyCtx = ProbeCtx<SendyConfig> & { op?: Operation }

type Reply =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'fail'; errCode: string; des: string | undefined; data: Record<string, unknown> }
  | { kind: 'auth' }
  | { kind: 'refused'; message: Msg; code: string }
  | { kind: 'unknown'; reason: string }

const wire = (ctx: AnyCtx): Wire => wireOf(ctx.config.wire)

function failMsg(r: Exclude<Reply, { kind: 'ok' }>): Msg {
  if (r.kind === 'fail') return msg('sendy.error', { code: r.errCode }, r.des)
  if (r.kind === 'auth') return msg('sendy.notActivated')
  if (r.kind === 'refused') return r.message
  return msg('sendy.noServer')
}

/** Mask what the log must not show (R6, R10): customer codes, activation codes. */
function logBodyOf(body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return undefined
  const b = { ...body }
  if (typeof b.authCode === 'string') b.authCode = maskCode(b.authCode)
  if ('activationCode' in b) b.activationCode = '****'
  return JSON.stringify(b)
}

async function call(
  ctx: AnyCtx,
  route: keyof Wire['paths'],
  method: 'GET' | 'POST',
  body?: Record<string, unknown>,
  query?: Record<string, string>,
): Promise<Reply> {
  const c = ctx.config
  const w = wire(ctx)
  const headers: Record<string, string> = { Accept: 'application/json', [w.headers.language]: c.language }
  const logHeaders: Record<string, string> = {}
  if (route !== 'activate') {
    const key = await ctx.store.get<string>(KEY)
    if (!key) return { kind: 'auth' }
    headers[w.headers.terminalId] = c.terminalId
    headers[w.headers.authorization] = w.headers.bearer + key
    logHeaders[w.headers.terminalId] = c.terminalId
    logHeaders[w.headers.authorization] = `${w.headers.bearer.trim()} ****`
  }
  if (body) headers['Content-Type'] = 'application/json'
  const qs = query ? `?${new URLSearchParams(query).toString()}` : ''
  const res = await ctx.http.send({
    route,
    method,
    url: c.url + w.paths[route] + qs,
    timeoutMs: c.timeout * 1000,
    headers,
    logHeaders,
    ...(ctx.op ? { opId: ctx.op.id } : {}),
    ...(body ? { body: JSON.stringify(body), logBody: logBodyOf(body) } : {}),
    logReply: (t) => t.replace(/("terminalKey"\s*:\s*")[^"]*"/, '$1****"'),
  })
  if (res.kind === 'failed') return { kind: 'unknown', reason: `${route}: ${res.reason}` }
  if (res.status === 401) {
    await ctx.store.put(REVOKED, true)
    return { kind: 'auth' }
  }
  if (res.status >= 500) return { kind: 'unknown', reason: `${route}: HTTP ${res.status}` }
  if (res.status !== 200) return { kind: 'refused', code: `HTTP ${res.status}`, message: msg('common.httpStatus', { status: res.status }) }
  const env = decodeEnvelope(res.text, w)
  if (!env) return { kind: 'unknown', reason: `${route}: malformed reply` }
  if ('paramError' in env) return { kind: 'refused', code: 'PARAM_ERROR', message: msg('sendy.error', { code: 'PARAM_ERROR' }, env.paramError) }
  if (env.ok) return { kind: 'ok', data: env.data }
  const errCode = env.errCode ?? 'FAIL'
  return { kind: 'fail', errCode, des: env.errCodeDes, data: env.data }
}

const isUnknownCode = (w: Wire, code: string) => code === w.codes.systemError || code === w.codes.bankError

// ---- activation (§ 4.2) ------------------------------------------------------------------------

export async function activate(ctx: ProbeCtx<SendyConfig>, input: Record<string, string>): Promise<Msg> {
  const code = input.activationCode ?? ''
  if (!/^[\w-]{4,64}$/.test(code)) return msg('sendy.codeRequired')
  // § 4.2: a key held already → the admin must confirm first (the confirm input), before any request.
  if ((await ctx.store.get<string>(KEY)) && input.confirm !== 'yes') return msg('sendy.maybeActivated')
  const w = wire(ctx)
  const r = await call(ctx, 'activate', 'POST', { terminalId: ctx.config.terminalId, serial: ctx.config.terminalSerial, activationCode: code })
  if (r.kind === 'ok') {
    const key = str(r.data.terminalKey)
    if (!key) return msg('common.badReply')
    const reg = (r.data.registration ?? {}) as Record<string, unknown>
    const allowed = Array.isArray(r.data.allowedSystems) ? r.data.allowedSystems.filter((s): s is string => typeof s === 'string') : ['sendy']
    await ctx.store.put(KEY, key)
    await ctx.store.put(REVOKED, false)
    await ctx.store.put(ACTIVATION, {
      terminalId: ctx.config.terminalId,
      serial: ctx.config.terminalSerial,
      merchantName: str(r.data.merchantName) ?? '',
      allowedSystems: allowed,
      activatedAt: str(reg.activatedAt) ?? new Date(ctx.clock.now()).toISOString(),
    } satisfies Activation)
    ctx.log.info('sendy', 'terminal activated', { terminalId: ctx.config.terminalId, allowedSystems: allowed.join(',') })
    return msg('sendy.activated', { merchant: str(r.data.merchantName) ?? ctx.config.terminalId })
  }
  if (r.kind === 'fail') {
    if (r.errCode === w.codes.codeInvalid) return msg('sendy.badCode', { n: num(r.data.attemptsLeft) ?? 0 })
    if (r.errCode === w.codes.codeExpired) return msg('sendy.codeExpired')
    if (r.errCode === w.codes.terminalNotFound) return msg('sendy.terminalNotFound', {}, r.des)
  }
  return failMsg(r)
}

/** «Информация» (§ 4.2): the server's `info`, as lines for the admin. */
export async function information(ctx: ProbeCtx<SendyConfig>): Promise<Msg> {
  const r = await call(ctx, 'info', 'GET')
  if (r.kind !== 'ok') return failMsg(r)
  const d = r.data
  const systems = Array.isArray(d.allowedSystems) ? d.allowedSystems.map((s) => SYSTEM_NAMES[String(s)] ?? String(s)).join(', ') : ''
  const prev = await ctx.store.get<Activation>(ACTIVATION)
  if (prev && Array.isArray(d.allowedSystems)) await ctx.store.put(ACTIVATION, { ...prev, allowedSystems: d.allowedSystems.map(String) })
  return msg('sendy.info', {
    terminalId: str(d.terminalId) ?? '',
    serial: str(d.serial) ?? '',
    merchant: str(d.merchantName) ?? '',
    systems,
    modes: Array.isArray(d.modes) ? d.modes.join(', ') : '',
  })
}

// ---- counters (§ 4.3) ---------------------------------------------------------------------------

async function counters(ctx: AnyCtx): Promise<{ ok: true; c: LocalCounters } | { ok: false; message: Msg; reason: string }> {
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
async function number(ctx: Ctx, extra: OpPatch = {}): Promise<{ txn: number; shift: number } | undefined> {
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
async function declineFail(ctx: Ctx, r: Exclude<Reply, { kind: 'ok' }>): Promise<void> {
  const w = wire(ctx)
  if (r.kind === 'fail' && (r.errCode === w.codes.txnMismatch || r.errCode === w.codes.shiftMismatch)) await counters(ctx)
  await ctx.commit({
    state: 'declined',
    display: undefined,
    message: failMsg(r),
    error: { code: r.kind === 'fail' ? r.errCode : r.kind === 'refused' ? r.code : r.kind },
  })
}

async function merchant(ctx: AnyCtx): Promise<string> {
  return (await ctx.store.get<Activation>(ACTIVATION))?.merchantName || 'Sendy'
}

async function slipOf(ctx: AnyCtx, op: Operation, kind: SlipFacts['kind'], paymentId: string | undefined): Promise<Slip> {
  const c = ctx.config
  const text = slipText(
    {
      kind,
      merchant: await merchant(ctx),
      terminalId: c.terminalId,
      shift: num(op.details?.shiftNumber),
      txn: num(op.details?.transactionNumber),
      system: typeof op.details?.system === 'string' ? op.details.system : undefined,
      at: ctx.clock.now(),
      amount: op.amount,
      paymentId,
    },
    c.language,
    c.slipWidth,
  )
  return {
    title: `slip.${kind}`,
    provider: 'Sendy',
    currency: 'RUB',
    copies: c.slipCopies,
    text,
    lines: [
      { label: 'slip.amount', value: op.amount, format: 'money', strong: true },
      { label: 'slip.result', value: 'slip.approved', strong: true },
    ],
  }
}

async function approve(ctx: Ctx, d: Record<string, unknown>, note?: string): Promise<void> {
  const paymentId = str(d.paymentId) ?? (typeof ctx.op.details?.paymentId === 'string' ? ctx.op.details.paymentId : undefined)
  const system = str(d.system) ?? ctx.op.details?.system
  const details = { ...ctx.op.details, ...(paymentId ? { paymentId } : {}), ...(typeof system === 'string' ? { system } : {}) }
  const slip = await slipOf(ctx, { ...ctx.op, details }, 'pay', paymentId)
  await ctx.commit({
    state: 'approved',
    display: undefined,
    message: msg('common.approved'),
    details,
    ...(ctx.op.kind === 'pay' && ctx.config.slipCopies > 0 ? { slip } : {}),
    ...(note ? { note } : {}),
  })
}

// ---- query ---------------------------------------------------------------------------------------

type Trade =
  | { kind: 'state'; state: string; data: Record<string, unknown> }
  /** Not there, or (`foreign`) the number carries another order: ours never took it. */
  | { kind: 'missing'; foreign?: true }
  | { kind: 'unknown'; reason: string }

/**
 * The order id this operation's transaction was sent with: a payment's or a refund's own id;
 * a cancel or a compensation reverses the payment, sent with the payment's id.
 */
function orderOf(op: Operation | undefined): string | undefined {
  if (!op) return undefined
  return op.kind === 'pay' || op.kind === 'refund' ? op.id : (op.compensates ?? op.original)
}

/**
 * `query` by our transaction number. A transaction under that number that carries another
 * order id is not ours (our request never took the number): for us it is missing.
 */
async function query(ctx: AnyCtx, txn: number): Promise<Trade> {
  const t = await queryBy(ctx, { transactionNumber: String(txn) })
  const mine = orderOf(ctx.op)
  if (t.kind === 'state' && mine && typeof t.data.orderId === 'string' && t.data.orderId !== mine) return { kind: 'missing', foreign: true }
  return t
}

async function queryBy(ctx: AnyCtx, q: Record<string, string>): Promise<Trade> {
  const r = await call(ctx, 'query', 'GET', undefined, q)
  if (r.kind === 'ok')
    return typeof r.data.tradeState === 'string'
      ? { kind: 'state', state: r.data.tradeState, data: r.data }
      : { kind: 'unknown', reason: 'query: no tradeState' }
  if (r.kind === 'fail' && r.errCode === wire(ctx).codes.notExist) return { kind: 'missing' }
  return { kind: 'unknown', reason: r.kind === 'unknown' ? r.reason : `query: ${r.kind === 'fail' ? r.errCode : r.kind}` }
}

/**
 * A refusal that may answer the browser's own resent copy of a request whose reply
 * was lost — the number already taken (by our first copy), the order already there, the
 * customer's code already spent, the refund already made — is not believed before our own
 * order is looked up: `missing` → the refusal stands; found or unreadable → not a refusal.
 */
function mayAnswerOurCopy(ctx: AnyCtx, r: Reply): r is Extract<Reply, { kind: 'fail' }> {
  const c = wire(ctx).codes
  return r.kind === 'fail' && [c.txnMismatch, c.duplicateOrder, c.codeUsed, c.orderRefunded].includes(r.errCode)
}

async function ourOrder(ctx: Ctx): Promise<Trade> {
  return queryBy(ctx, { orderId: ctx.op.id })
}

// ---- pay (§ 4.4, § 4.5) ---------------------------------------------------------------------------

async function pay(ctx: Ctx, code: string): Promise<void> {
  return ctx.config.mode === 'online' ? payOnline(ctx) : payOffline(ctx, code)
}

async function payOffline(ctx: Ctx, code: string): Promise<void> {
  const t = wire(ctx).timing
  const system = systemOfCode(code)
  const n = await number(ctx, { details: { ...(system ? { system } : {}) } })
  if (!n) return
  await ctx.commit({ deadline: (ctx.op.sentAt ?? ctx.clock.now()) + t.OFFLINE_WINDOW_MS })
  const r = await call(ctx, 'offline', 'POST', {
    transactionNumber: n.txn,
    shiftNumber: n.shift,
    orderId: ctx.op.id,
    amount: ctx.op.amount,
    currency: 'RUB',
    authCode: code,
  })
  if (r.kind === 'ok') return approve(ctx, r.data)
  const w = wire(ctx)
  if (r.kind === 'fail' && r.errCode === w.codes.userPaying) {
    await ctx.commit({
      state: 'resolving',
      message: msg('sendy.userPaying'),
      details: { ...ctx.op.details, ...(str(r.data.paymentId) ? { paymentId: str(r.data.paymentId)! } : {}) },
    })
    return pollOffline(ctx)
  }
  if (r.kind === 'unknown' || (r.kind === 'fail' && isUnknownCode(w, r.errCode))) {
    await ctx.commit({ state: 'resolving', message: msg('common.checking'), note: r.kind === 'unknown' ? r.reason : r.errCode })
    return pollOffline(ctx)
  }
  if (mayAnswerOurCopy(ctx, r)) {
    const mine = await ourOrder(ctx)
    if (mine.kind === 'missing') return declineFail(ctx, r)
    await ctx.commit({
      state: 'resolving',
      message: msg('common.checking'),
      note: `${r.errCode} may answer our own resent copy: our order ${mine.kind === 'state' ? `is ${mine.state}` : 'could not be read'}`,
    })
    if (mine.kind === 'state' && mine.state === 'SUCCESS') return approve(ctx, mine.data, 'found paid by our order')
    return pollOffline(ctx)
  }
  return declineFail(ctx, r)
}

/** § 4.4 step 3: query every 5 s within the window; then (or on stop) the reverse is queued. */
async function pollOffline(ctx: Ctx): Promise<void> {
  const t = wire(ctx).timing
  const txn = Number(ctx.op.ref)
  const deadline = ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + t.OFFLINE_WINDOW_MS
  while (ctx.waiting() && ctx.clock.now() < deadline) {
    await ctx.pause(Math.min(t.OFFLINE_POLL_MS, Math.max(0, deadline - ctx.clock.now())))
    // The window's end is the reverse's moment, not one more query.
    if (!ctx.waiting() || ctx.clock.now() >= deadline) break
    const q = await query(ctx, txn)
    if (q.kind === 'missing' && q.foreign) return notOurNumber(ctx, txn)
    if (q.kind !== 'state') continue
    if (q.state === 'SUCCESS') return approve(ctx, q.data, 'found paid by query')
    if (q.state === 'CLOSED' || q.state === 'REVOKED' || q.state === 'PAYERROR') {
      await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.tradeState', { state: q.state }), note: `query: ${q.state}` })
      return
    }
  }
  return ctx.compensate({ display: undefined, message: msg('sendy.notConfirmed'), note: 'not confirmed in the window: reverse queued' })
}

async function payOnline(ctx: Ctx): Promise<void> {
  const t = wire(ctx).timing
  const systems = await systemsFor(ctx)
  const chosen = typeof ctx.op.details?.choice === 'string' ? ctx.op.details.choice : systems[0]
  if (!chosen || !systems.includes(chosen)) {
    await ctx.commit({ state: 'declined', message: msg('sendy.systemNotOffered'), note: 'no allowed system chosen: nothing sent' })
    return
  }
  // `mode` on the operation: a resume decides online or offline by how the sale was sent, not by today's settings.
  const n = await number(ctx, { details: { system: chosen, mode: 'online' } })
  if (!n) return
  const r = await call(ctx, 'online', 'POST', {
    transactionNumber: n.txn,
    shiftNumber: n.shift,
    orderId: ctx.op.id,
    amount: ctx.op.amount,
    currency: 'RUB',
    system: chosen,
  })
  if (r.kind === 'ok') {
    const qr = str(r.data.qrCode)
    if (!qr) return lostOnline(ctx, 'online: no qrCode')
    const sent = ctx.op.sentAt ?? ctx.clock.now()
    const expires = typeof r.data.expiresAt === 'string' ? Date.parse(r.data.expiresAt) : NaN
    // § 4.5 step 4: the earlier of the window and the server's `expiresAt`.
    const until = Math.min(sent + t.ONLINE_WINDOW_MS, !Number.isNaN(expires) && expires > sent ? expires : Infinity)
    await ctx.commit({
      state: 'resolving',
      deadline: until,
      display: { kind: 'qr', payload: qr, until },
      message: msg('sendy.showQr', { system: SYSTEM_NAMES[chosen] ?? chosen }),
      details: { ...ctx.op.details, ...(str(r.data.paymentId) ? { paymentId: str(r.data.paymentId)! } : {}), ...(ctx.config.printQr ? { printQr: true } : {}) },
    })
    return pollOnline(ctx)
  }
  if (r.kind === 'unknown' || (r.kind === 'fail' && isUnknownCode(wire(ctx), r.errCode))) return lostOnline(ctx, r.kind === 'unknown' ? r.reason : r.errCode)
  // Our own resent copy refused: the first copy made a QR nobody saw; it is found and closed as a lost answer.
  if (mayAnswerOurCopy(ctx, r) && (await ourOrder(ctx)).kind !== 'missing') return lostOnline(ctx, `${r.errCode} may answer our own resent copy`)
  return declineFail(ctx, r)
}

/** § 4.5 step 3–4: query every 3 s; the window ends or the cashier cancels → reverse (closes it). */
async function pollOnline(ctx: Ctx): Promise<void> {
  const t = wire(ctx).timing
  const txn = Number(ctx.op.ref)
  const deadline = ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + t.ONLINE_WINDOW_MS
  while (ctx.waiting() && ctx.clock.now() < deadline) {
    await ctx.pause(Math.min(t.ONLINE_POLL_MS, Math.max(0, deadline - ctx.clock.now())))
    if (!ctx.waiting() || ctx.clock.now() >= deadline) break
    const q = await query(ctx, txn)
    if (q.kind === 'missing' && q.foreign) return notOurNumber(ctx, txn)
    if (q.kind !== 'state') continue
    if (q.state === 'SUCCESS') return approve(ctx, q.data)
    if (q.state === 'CLOSED' || q.state === 'PAYERROR' || q.state === 'REVOKED') {
      await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.tradeState', { state: q.state }) })
      return
    }
  }
  return closeOnline(ctx)
}

/** Reverse an unpaid online payment: CLOSED → declined; REVOKED (it was paid) → compensated; no answer → queued. */
async function closeOnline(ctx: Ctx): Promise<void> {
  const t = wire(ctx).timing
  const w = wire(ctx)
  const txn = Number(ctx.op.ref)
  const cancelled = !ctx.waiting()
  // The reverse goes by number, so the number must still be ours (another sale may have taken it
  // when ours never arrived); unreadable → the queue decides, and it queries first too.
  const mine = await query(ctx, txn)
  if (mine.kind === 'missing' && mine.foreign) return notOurNumber(ctx, txn)
  if (mine.kind === 'unknown') return ctx.compensate({ display: undefined, message: msg('sendy.notConfirmed'), note: `close: ${mine.reason}: queued` })
  for (let i = 0; i < 10; i++) {
    const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
    if (r.kind === 'ok') {
      const state = str(r.data.tradeState)
      if (state === 'REVOKED') {
        await ctx.commit({ state: 'compensating', display: undefined, note: 'the reverse found it paid: refunded' })
        await ctx.commit({ state: 'compensated', message: msg('sendy.refundedRace') })
        return
      }
      await ctx.commit({
        state: 'declined',
        display: undefined,
        message: cancelled ? msg('sendy.cancelled') : msg('sendy.notPaid'),
        note: `reverse: ${state ?? '?'}`,
      })
      return
    }
    if (r.kind === 'fail' && (r.errCode === w.codes.tooEarly || r.data.recall === 'Y')) {
      const wait = num(r.data.retryAfterMs) ?? Math.max(1_000, t.REVERSE_MIN_AGE_MS - (ctx.clock.now() - (ctx.op.sentAt ?? ctx.clock.now())))
      await ctx.commit({ display: undefined, message: msg('sendy.reverseWait', { s: Math.ceil(wait / 1000) }) })
      await ctx.pause(Math.min(wait, t.REVERSE_MIN_AGE_MS))
      continue
    }
    if (r.kind === 'fail' && r.errCode === w.codes.notExist) {
      await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.notPaid'), note: 'reverse: not found' })
      return
    }
    break
  }
  return ctx.compensate({ display: undefined, message: msg('sendy.notConfirmed'), note: 'online reverse not confirmed: queued' })
}

/**
 * Our number carries another order — ours never took it (its request never arrived, and a later
 * sale, here or on another till, took the number). Never reverse by it: our own order, looked up by its id, decides.
 */
async function notOurNumber(ctx: Ctx, txn: number): Promise<void> {
  const o = await ourOrder(ctx)
  const note = `number ${txn} is another order's`
  if (o.kind === 'missing') {
    await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.notPaid'), note: `${note}: ours never arrived, nothing moved` })
    return
  }
  if (o.kind === 'state' && (o.state === 'CLOSED' || o.state === 'REVOKED' || o.state === 'PAYERROR')) {
    await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.tradeState', { state: o.state }), note: `${note}; ours is ${o.state}` })
    return
  }
  if (o.kind === 'state' && o.state === 'SUCCESS') {
    await ctx.commit({
      state: 'needs-attention',
      display: undefined,
      message: msg('common.unknownAttention'),
      note: `${note}; ours is paid under another number`,
    })
    return
  }
  // Unreadable or still open: the queue decides (its foreign-number rule never reverses by this number).
  return ctx.compensate({
    display: undefined,
    message: msg('sendy.notConfirmed'),
    note: `${note}; ours ${o.kind === 'state' ? `is ${o.state}` : 'could not be read'}: queued`,
  })
}

/** § 4.5 step 5: the `online` answer was lost — the QR was never shown, so nobody can pay it. */
async function lostOnline(ctx: Ctx, reason: string): Promise<void> {
  await ctx.commit({ state: 'resolving', display: undefined, message: msg('common.checking'), note: reason })
  const txn = Number(ctx.op.ref)
  // Two misses 5 s apart decide "never arrived"; a server that keeps not answering is bounded too (then queued).
  for (let misses = 0, tries = 0; misses < 2; tries++) {
    if (tries >= 8) return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: status unknown, reverse queued' })
    const q = await query(ctx, txn)
    if (q.kind === 'missing') misses++
    if (q.kind === 'state') {
      if (q.state === 'SUCCESS') return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: found paid, reverse queued' })
      if (q.state === 'CLOSED' || q.state === 'REVOKED' || q.state === 'PAYERROR') break
      const reversed = await reverseUnshown(ctx, txn)
      if (reversed === 'paid') return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: paid behind, reverse queued' })
      // The order is open at the server and its reverse went unanswered: it may still be paid, so the queue closes it
      // (a reverse by the queue returns a payment made meanwhile) — never `declined` while it is open.
      if (reversed === 'unknown')
        return ctx.compensate({ message: msg('sendy.notConfirmed'), note: `lost online reply: ${q.state}, its reverse unanswered: queued` })
      break
    }
    if (misses < 2) await ctx.pause(5_000)
  }
  await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.noServer'), note: 'lost online reply: not paid, the number stays used' })
}

async function reverseUnshown(ctx: Ctx, txn: number): Promise<'closed' | 'paid' | 'unknown'> {
  const w = wire(ctx)
  for (let i = 0; i < 6; i++) {
    const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
    if (r.kind === 'ok') return str(r.data.tradeState) === 'REVOKED' ? 'paid' : 'closed'
    if (r.kind === 'fail' && (r.errCode === w.codes.tooEarly || r.data.recall === 'Y')) {
      await ctx.pause(num(r.data.retryAfterMs) ?? 5_000)
      continue
    }
    if (r.kind === 'fail' && r.errCode === w.codes.notExist) return 'closed'
    return 'unknown'
  }
  return 'unknown'
}

async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({ state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state, message: msg('common.checking'), note: 'resumed after a restart' })
  if (!ctx.op.ref) {
    await ctx.commit({ state: 'declined', display: undefined, message: msg('common.interrupted'), note: 'resumed: no number was taken' })
    return
  }
  // An online sale that never got its QR (the `online` reply was never read) is a lost request,
  // not a poll: nobody saw a QR to pay, and its number may since belong to another sale.
  const online = ctx.op.details?.mode !== undefined ? ctx.op.details.mode === 'online' : ctx.config.mode === 'online'
  if (online && !ctx.op.display) return lostOnline(ctx, 'resumed: the online reply was never read')
  if (ctx.op.state !== 'resolving') await ctx.commit({ state: 'resolving' })
  return online || ctx.op.display ? pollOnline(ctx) : pollOffline(ctx)
}

// ---- cancel and refund (§ 4.6, § 4.7) ---------------------------------------------------------------

async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  if (ctx.op.kind === 'refund') return refund(ctx, original)
  const w = wire(ctx)
  const t = w.timing
  const local = await ctx.store.get<LocalCounters>(COUNTERS)
  const shift = num(original.details?.shiftNumber)
  if (local && shift !== undefined && (local.shift !== shift || !local.open)) {
    await ctx.commit({ state: 'declined', message: msg('sendy.shiftClosed'), note: 'refused locally: the shift is closed' })
    return
  }
  const txn = Number(original.ref)
  await ctx.commit({
    state: 'sent',
    sentAt: ctx.clock.now(),
    message: msg('common.sending'),
    details: { originalTransactionNumber: txn, shiftNumber: shift ?? 0, system: String(original.details?.system ?? '') },
  })
  for (;;) {
    const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
    if (r.kind === 'ok') return approveReverse(ctx, r.data)
    if (r.kind === 'fail' && r.errCode === w.codes.tooEarly) {
      const wait = num(r.data.retryAfterMs) ?? Math.max(1_000, t.REVERSE_MIN_AGE_MS - (ctx.clock.now() - original.createdAt))
      await ctx.commit({ message: msg('sendy.reverseWait', { s: Math.ceil(wait / 1000) }), deadline: ctx.clock.now() + wait })
      await ctx.pause(wait)
      continue
    }
    if (r.kind === 'unknown' || (r.kind === 'fail' && (isUnknownCode(w, r.errCode) || r.data.recall === 'Y'))) {
      return ctx.queueSelf({ state: 'unknown', message: msg('sendy.cancelQueued'), note: r.kind === 'unknown' ? r.reason : r.errCode })
    }
    if (r.kind === 'fail' && r.errCode === w.codes.reverseNotAllowed) {
      await ctx.commit({ state: 'declined', message: failMsg(r), error: { code: r.errCode } })
      return
    }
    return declineFail(ctx, r)
  }
}

async function approveReverse(ctx: Ctx, d: Record<string, unknown>, note?: string): Promise<void> {
  const slip = await slipOf(ctx, ctx.op, ctx.op.kind === 'refund' ? 'refund' : 'cancel', str(d.refundId) ?? str(d.paymentId))
  await ctx.commit({
    state: 'approved',
    message: msg('common.approved'),
    ...(ctx.config.slipCopies > 0 && !ctx.op.compensates ? { slip } : {}),
    ...(note ? { note } : {}),
  })
}

async function refund(ctx: Ctx, original: Operation): Promise<void> {
  if (!ctx.config.allowRefund) {
    await ctx.commit({ state: 'declined', message: msg('sendy.refundOff'), note: 'refused locally: allowRefund is off' })
    return
  }
  const n = await number(ctx, { details: { originalTransactionNumber: Number(original.ref), system: String(original.details?.system ?? '') } })
  if (!n) return
  const r = await call(ctx, 'refund', 'POST', {
    transactionNumber: n.txn,
    shiftNumber: n.shift,
    orderId: ctx.op.id,
    originalTransactionNumber: Number(original.ref),
    amount: ctx.op.amount,
  })
  if (r.kind === 'ok') return approveReverse(ctx, r.data)
  const copy = mayAnswerOurCopy(ctx, r) ? await ourOrder(ctx) : undefined
  if (copy?.kind === 'state' && copy.state === 'SUCCESS')
    return approveReverse(ctx, copy.data, `${r.kind === 'fail' ? r.errCode : ''} answered our own resent copy: our refund is made`)
  if (r.kind === 'unknown' || (r.kind === 'fail' && isUnknownCode(wire(ctx), r.errCode)) || (copy && copy.kind !== 'missing')) {
    // § 4.7: query while the cashier waits, up to 30 s.
    let misses = 0
    const until = ctx.clock.now() + 30_000
    while (ctx.clock.now() < until) {
      await ctx.pause(5_000)
      const q = await query(ctx, n.txn)
      if (q.kind === 'state' && q.state === 'SUCCESS') return approveReverse(ctx, q.data, 'refund found by query')
      if (q.kind === 'missing' && ++misses >= 2) {
        await ctx.commit({ state: 'declined', message: msg('sendy.noServer'), note: 'refund not found twice' })
        return
      }
    }
    return ctx.queueSelf({ state: 'unknown', message: msg('common.checking'), note: 'refund unknown: queued' })
  }
  return declineFail(ctx, r)
}

// ---- the durable queue ------------------------------------------------------------------------------

async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const txn = Number(ctx.op.kind === 'refund' ? ctx.op.details?.transactionNumber : ctx.op.ref)
  if (!Number.isSafeInteger(txn) || txn <= 0) {
    await ctx.commit({ state: 'needs-attention', message: msg('common.unknownAttention'), note: 'no transaction number' })
    return { kind: 'done' }
  }
  if (ctx.op.kind === 'refund') {
    const q = await query(ctx, txn)
    if (q.kind === 'state' && q.state === 'SUCCESS') {
      await approveReverse(ctx, q.data, 'refund found by the queue')
      return { kind: 'done' }
    }
    const misses = Number(ctx.op.details?.misses ?? 0) + (q.kind === 'missing' ? 1 : 0)
    if (q.kind === 'missing') await ctx.commit({ details: { ...ctx.op.details, misses } })
    if (misses >= 2) {
      await ctx.commit({ state: 'declined', message: msg('sendy.noServer'), note: 'refund never arrived' })
      return { kind: 'done' }
    }
    return { kind: 'retry', error: q.kind === 'unknown' ? q.reason : 'refund not found yet' }
  }
  // A compensation or the cashier's cancel: query first (a lost reverse reply is never sent twice), then reverse.
  const w = wire(ctx)
  const q = await query(ctx, txn)
  if (q.kind === 'unknown') return { kind: 'retry', error: q.reason }
  // The number carries another order (a later sale took the number ours never took): a reverse by that number
  // would reverse somebody else's payment. Our own order decides instead.
  if (q.kind === 'missing' && q.foreign) return foreignNumber(ctx, txn)
  if (q.kind === 'state' && (q.state === 'REVOKED' || q.state === 'CLOSED')) {
    await approveReverse(ctx, q.data, `query: already ${q.state}`)
    return { kind: 'done' }
  }
  if (q.kind === 'state' && q.state === 'PAYERROR') {
    await approveReverse(ctx, q.data, 'query: PAYERROR, nothing to reverse')
    return { kind: 'done' }
  }
  const r = await call(ctx, 'reverse', 'POST', { transactionNumber: txn })
  if (r.kind === 'ok') {
    await approveReverse(ctx, r.data)
    return { kind: 'done' }
  }
  if (r.kind === 'fail' && r.errCode === w.codes.notExist) {
    await approveReverse(ctx, r.data, 'reverse: not found — nothing moved')
    return { kind: 'done' }
  }
  if (r.kind === 'fail' && (r.errCode === w.codes.tooEarly || r.data.recall === 'Y' || isUnknownCode(w, r.errCode))) return { kind: 'retry', error: r.errCode }
  if (r.kind === 'unknown') return { kind: 'retry', error: r.reason }
  if (r.kind === 'auth') return { kind: 'retry', error: 'not activated: waiting for the admin' }
  await ctx.commit({
    state: ctx.op.compensates ? 'declined' : 'needs-attention',
    message: failMsg(r),
    error: { code: r.kind === 'fail' ? r.errCode : r.code },
    note: 'reverse refused',
  })
  return { kind: 'done' }
}

/** The queue's reverse found its number under another order: never reverse by it; look our order up by its id. */
async function foreignNumber(ctx: Ctx, txn: number): Promise<QueueVerdict> {
  const order = orderOf(ctx.op)
  const o = order ? await queryBy(ctx, { orderId: order }) : ({ kind: 'missing' } as const)
  if (o.kind === 'unknown') return { kind: 'retry', error: o.reason }
  if (o.kind === 'state' && (o.state === 'REVOKED' || o.state === 'CLOSED' || o.state === 'PAYERROR')) {
    await approveReverse(ctx, o.data, `number ${txn} is another order's; ours is ${o.state}`)
    return { kind: 'done' }
  }
  if (o.kind === 'missing' && ctx.op.compensates) {
    await approveReverse(ctx, {}, `number ${txn} is another order's and ours is not there: nothing of ours moved`)
    return { kind: 'done' }
  }
  // Ours exists under another number, or a cashier's cancel of a payment whose number is not its own: a person decides.
  await ctx.commit({
    state: 'needs-attention',
    message: msg('common.unknownAttention'),
    note: `number ${txn} is another order's; our order: ${o.kind === 'state' ? o.state : 'not found'}`,
  })
  return { kind: 'done' }
}

// ---- day close and reports (§ 4.8, § 4.9) -----------------------------------------------------------

type ReportResult = { ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }

async function closeDay(ctx: ProbeCtx<SendyConfig>, journal: readonly Operation[], opts: ReconcileOptions): Promise<ReportResult> {
  const c = await counters(ctx)
  if (!c.ok) return { ok: false, message: c.message }
  const r = await call(ctx, 'closeShift', 'POST', { shiftNumber: c.c.shift, detail: true })
  if (r.kind !== 'ok') return { ok: false, message: failMsg(r) }
  const report = decodeReport(r.data)
  if (!report) return { ok: false, message: msg('common.badReply') }
  await ctx.store.put(COUNTERS, { last: c.c.last, shift: c.c.shift + 1, open: false })
  const shift = report.shiftNumber ?? c.c.shift
  const mismatches = compare(journal, shift, report.transactions ?? [])
  const text = reportText(report, {
    title: 'close',
    lang: ctx.config.language,
    width: ctx.config.slipWidth,
    merchant: await merchant(ctx),
    terminalId: ctx.config.terminalId,
    detail: ctx.config.detailedReport,
    mismatches,
    queued: opts.queued,
  })
  return {
    ok: true,
    slip: reportSlip(text, report.paid.amount - report.refunds.amount, 'slip.closeDay'),
    net: report.paid.amount - report.refunds.amount,
    mismatches: mismatches.length,
  }
}

/** § 4.8 step 3: approved payments of the shift in the journal against the server's paid list. */
function compare(journal: readonly Operation[], shift: number, server: { transactionNumber: number; amount: number }[]): string[] {
  const reversed = new Set(journal.filter((o) => o.kind === 'cancel' && o.state === 'approved' && o.original).map((o) => o.original!))
  const mine = journal.filter((o) => o.kind === 'pay' && o.state === 'approved' && num(o.details?.shiftNumber) === shift && !reversed.has(o.id))
  const out: string[] = []
  const theirs = new Map(server.map((t) => [t.transactionNumber, t]))
  for (const o of mine) {
    const t = theirs.get(Number(o.ref))
    if (!t) out.push(`#${o.ref}`)
    else if (t.amount !== o.amount) out.push(`#${o.ref} ${o.amount}/${t.amount}`)
    theirs.delete(Number(o.ref))
  }
  for (const t of theirs.values()) out.push(`#${t.transactionNumber}?`)
  return out
}

function reportSlip(text: string[], net: number, title: string): Slip {
  return { title, provider: 'Sendy', currency: 'RUB', copies: 1, text, lines: [{ label: 'slip.amount', value: net, format: 'money' }] }
}

/** «Печать отчета»: by shift (current when none given), or by a Moscow date-time range; the shift stays open. */
async function report(ctx: ProbeCtx<SendyConfig>, _journal: readonly Operation[], opts: ReconcileOptions): Promise<ReportResult> {
  const detail = opts.detail ?? ctx.config.detailedReport
  let q: Record<string, string>
  let period: string | undefined
  if (opts.start && opts.end) {
    const from = moscowToIso(opts.start)
    const to = moscowToIso(opts.end)
    if (!from || !to || from > to) return { ok: false, message: msg('sendy.badRange') }
    q = { from, to, detail: String(detail) }
    period = `${moscowTime(Date.parse(from))} — ${moscowTime(Date.parse(to))}`
  } else {
    let shift = opts.shift
    if (shift === undefined) {
      const c = await counters(ctx)
      if (!c.ok) return { ok: false, message: c.message }
      shift = c.c.shift
    }
    q = { shift: String(shift), detail: String(detail) }
  }
  const r = await call(ctx, 'reports', 'GET', undefined, q)
  if (r.kind !== 'ok') return { ok: false, message: failMsg(r) }
  const rep = decodeReport(r.data)
  if (!rep) return { ok: false, message: msg('common.badReply') }
  const text = reportText(rep, {
    title: 'report',
    lang: ctx.config.language,
    width: ctx.config.slipWidth,
    merchant: await merchant(ctx),
    terminalId: ctx.config.terminalId,
    detail,
    ...(period ? { period } : {}),
    mismatches: [],
    queued: opts.queued,
  })
  return { ok: true, slip: reportSlip(text, rep.paid.amount - rep.refunds.amount, 'slip.report'), net: rep.paid.amount - rep.refunds.amount, mismatches: 0 }
}

export const sendyClient = { pay, resume, reverse, runQueued, closeDay, reconcile: report }
