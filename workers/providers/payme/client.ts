// The PaymeGO client (docs/protocols/payme.md § 4): receipts.create, receipts.pay with the
// scanned token, polling receipts.check every `frequency` for `payDuration`, a durable
// receipts.cancel after a timeout (unless the code is in `ignoredErrors`), and two slips.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import { maskCode } from '../../../src/domain/ids.ts'
import type { OpCtx, QueueVerdict } from '../types.ts'
import { checkRefusal, type OwnLookup } from '../replay.ts'
import type { PaymeConfig } from './config.ts'
import { CODE_LIFETIME_MS, createParams, decodeRpc, maskPayerPhone, maskXAuth, renderAccount, rpcBody, xAuth, type Receipt, type RpcReply } from './codec.ts'
import { classify, type Parsed } from '../common/reply.ts'
import { poll } from '../common/poll.ts'

/** Seed rule 1.3.5: the bank slip is printed twice. */
export const SLIP_COPIES = 2
/** § 2.3: states that end a receipt. */
const PAID = 4
const CANCELLED = 50
const CANCEL_QUEUE = 21

type Ctx = OpCtx<PaymeConfig>
type Method = 'receipts.create' | 'receipts.pay' | 'receipts.check' | 'receipts.get' | 'receipts.cancel'
const ROUTE: Record<Method, string> = {
  'receipts.create': 'create',
  'receipts.pay': 'pay',
  'receipts.check': 'check',
  'receipts.get': 'get',
  'receipts.cancel': 'cancel',
}

type Call = { kind: 'result'; receipt?: Receipt; state?: number } | { kind: 'error'; code: number; message: Msg } | { kind: 'unknown'; reason: string }

let rpcId = 0

type Rpc = Exclude<RpcReply, { kind: 'malformed' }>

/** A JSON-RPC body for the shared R3 classification: an `error` refuses; a receipt paid (4) or cancelled (50) is final. */
function parseRpc(text: string): Parsed<Rpc> {
  const d = decodeRpc(text)
  if (d.kind === 'malformed') return d
  if (d.kind === 'error') return { kind: 'error', value: d }
  return { kind: d.state === PAID || d.state === CANCELLED ? 'final' : 'pending', value: d }
}

async function rpc(ctx: Ctx, method: Method, params: Record<string, unknown>, logParams?: Record<string, unknown>): Promise<Call> {
  const c = ctx.config
  const id = ++rpcId
  const res = await ctx.http.send({
    route: ROUTE[method],
    method: 'POST',
    url: c.url,
    timeoutMs: c.timeout * 1000,
    opId: ctx.op.id,
    headers: { 'Content-Type': 'application/json', 'X-Auth': xAuth(c.posId, c.posKey) },
    body: rpcBody(id, method, params),
    logHeaders: { 'X-Auth': maskXAuth(c.posId) },
    ...(logParams ? { logBody: rpcBody(id, method, logParams) } : {}),
  })
  const r = classify(res, parseRpc, { route: method })
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  // A refusal without a JSON-RPC body (a 4xx that does not parse): the message names the HTTP status.
  if (r.kind === 'refusal' && !r.value) return { kind: 'error', code: -r.status, message: r.message }
  const d = r.value!
  if (d.kind === 'error') {
    const message =
      d.messageByLang && Object.keys(d.messageByLang).length
        ? { ...msg('payme.error', { code: d.code }), serverByLang: d.messageByLang }
        : msg('payme.error', { code: d.code }, d.message)
    return { kind: 'error', code: d.code, message }
  }
  return d
}

const ignored = (ctx: Ctx, code: number) => ctx.config.ignoredErrors.includes(code)

function slipFor(op: Operation, title: string, r: Receipt | undefined): Slip {
  const m = r?.merchant ?? {}
  const lines: Slip['lines'] = []
  if (m.name) lines.push({ label: 'slip.merchant', value: m.name, strong: true })
  if (m.organization) lines.push({ label: 'slip.organization', value: m.organization })
  if (m.address) lines.push({ label: 'slip.address', value: m.address })
  if (m.merchantId) lines.push({ label: 'slip.merchantId', value: m.merchantId })
  if (m.terminalId) lines.push({ label: 'slip.terminalId', value: m.terminalId })
  lines.push({ label: 'slip.receiptId', value: op.ref ?? r?.id ?? '' })
  lines.push({ label: 'slip.time', value: (title === 'slip.pay' ? r?.payTime : r?.cancelTime) ?? op.updatedAt, format: 'datetime' })
  lines.push({ label: 'slip.amount', value: op.amount, format: 'money', strong: true })
  const card = r?.cardNumber ?? (op.details?.cardNumber as string | undefined)
  if (card) lines.push({ label: 'slip.card', value: card })
  const phone = r?.phone ?? (op.details?.phone as string | undefined)
  if (phone) lines.push({ label: 'slip.phone', value: maskPayerPhone(phone) })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title, provider: 'Payme', currency: op.currency, lines, copies: SLIP_COPIES }
}

function detailsOf(r: Receipt | undefined): Record<string, string | number> {
  const d: Record<string, string | number> = {}
  if (r?.cardNumber) d.cardNumber = r.cardNumber
  if (r?.phone) d.phone = maskPayerPhone(r.phone)
  return d
}

async function approve(ctx: Ctx, receipt: Receipt | undefined, patch: OpPatch = {}) {
  // A queued cancel that finds the receipt already cancelled never left `created`.
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  const op = await ctx.commit({ ...patch, state: 'approved', message: msg('common.approved'), details: { ...ctx.op.details, ...detailsOf(receipt) } })
  const title = op.kind === 'pay' ? 'slip.pay' : op.kind === 'cancel' ? 'slip.cancel' : 'slip.refund'
  await ctx.commit({ slip: slipFor(op, title, receipt) })
}

/** `receipts.get` for the slip after a lost pay reply: read-only, retried a few times (§ 4.3). */
async function fetchReceipt(ctx: Ctx): Promise<Receipt | undefined> {
  for (let i = 0; i < 3; i++) {
    const r = await rpc(ctx, 'receipts.get', { id: ctx.op.ref })
    if (r.kind === 'result' && r.receipt) return r.receipt
  }
  return undefined
}

// ---- pay (§ 4.2) ---------------------------------------------------------------------------

async function pay(ctx: Ctx, code: string): Promise<void> {
  const c = ctx.config
  const account = renderAccount(c.accountTemplate, { operationId: ctx.op.id, posId: c.posId, receiptNumber: ctx.op.order ?? ctx.op.id })
  if (!account) {
    await ctx.commit({ state: 'declined', message: msg('payme.badAccountTemplate') })
    return
  }
  await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), message: msg('common.sending') })
  const created = await rpc(ctx, 'receipts.create', createParams(ctx.op.amount, account, `Paydesk ${ctx.op.order ?? ctx.op.id}`, ctx.op.items))
  if (created.kind !== 'result' || !created.receipt) {
    // receipts.pay was never sent: no money moved, and the scan stays usable while fresh (R6).
    const message = created.kind === 'error' ? created.message : msg('payme.createFailed')
    await ctx.commit({
      state: 'declined',
      message,
      error: created.kind === 'error' ? { code: String(created.code) } : { code: 'create', note: created.kind === 'unknown' ? created.reason : 'no receipt' },
    })
    return
  }
  await ctx.commit({ ref: created.receipt.id, note: 'receipt created' })
  const scannedAt = ctx.op.code?.scannedAt ?? ctx.op.createdAt
  if (ctx.clock.now() - scannedAt > CODE_LIFETIME_MS) {
    await ctx.commit({ state: 'declined', message: msg('payme.qrExpired'), error: { code: 'qr expired before pay' } })
    return
  }
  const now = ctx.clock.now()
  await ctx.commit({ ...(ctx.op.code ? { code: { ...ctx.op.code, spent: true } } : {}), sentAt: now, deadline: now + c.payDuration })
  const r = await rpc(ctx, 'receipts.pay', { id: ctx.op.ref, token: code }, { id: ctx.op.ref, token: maskCode(code) })
  if (r.kind === 'result' && r.state === PAID) return approve(ctx, r.receipt)
  if (r.kind === 'result' && r.state === CANCELLED) {
    await ctx.commit({ state: 'declined', message: msg('payme.cancelled') })
    return
  }
  if (r.kind === 'error') {
    // A resent copy of a pay that went through meets "wrong state": the receipt's own state decides first.
    return checkRefusal(() => receiptState(ctx, PAID), {
      found: async () => approve(ctx, await fetchReceipt(ctx), { note: `pay refused (${r.code}) but the receipt is paid` }),
      believe: async () => {
        const patch: OpPatch = { state: 'declined', message: r.message, error: { code: String(r.code) } }
        // § 4.5: a safety cancel of the unpaid receipt, unless the code is in ignoredErrors.
        if (ignored(ctx, r.code)) await ctx.commit(patch)
        else await ctx.compensate({ ...patch, note: `safety cancel after error ${r.code}` })
      },
      unknown: async (reason) => {
        await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: `pay refused (${r.code}), receipt state unavailable: ${reason}` })
        return pollPaid(ctx)
      },
    })
  }
  if (r.kind === 'unknown') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: r.reason })
  return pollPaid(ctx)
}

/** § 4.3: check every `frequency` until `payDuration` after the pay was sent (stored deadline). */
async function pollPaid(ctx: Ctx): Promise<void> {
  if (ctx.op.state !== 'resolving') await ctx.commit({ state: 'resolving', message: msg('common.checking') })
  const end = await poll(ctx, {
    every: ctx.config.frequency,
    until: ctx.op.deadline ?? (ctx.op.sentAt ?? ctx.clock.now()) + ctx.config.payDuration,
    stopped: () => !ctx.waiting(),
    step: async () => {
      const r = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
      return r.kind === 'result' && (r.state === PAID || r.state === CANCELLED) ? r.state : undefined
    },
  })
  if (end.kind === 'final') {
    if (end.value === PAID) return approve(ctx, await fetchReceipt(ctx))
    await ctx.commit({ state: 'declined', message: msg('payme.cancelled') })
    return
  }
  // The window ended or the cashier stopped: the seed's message, and a durable cancel (rule 1.3.9).
  await ctx.compensate({ message: msg('payme.timeout'), note: ctx.waiting() ? 'payDuration ended without state 4' : 'cashier stopped waiting' })
}

/**
 * Did our refused request go through? The receipt's state says: `found` when it is in the state our request
 * leads to (paid for a pay, cancelled for a cancel); `absent` when it is in a final or untouched state our
 * request did not produce; unavailable while it moves (1–3, 21) or cannot be read.
 */
async function receiptState(ctx: Ctx, target: typeof PAID | typeof CANCELLED): Promise<OwnLookup<number>> {
  const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
  if (s.kind === 'unknown') return { kind: 'unavailable', reason: s.reason }
  if (s.kind === 'error') return { kind: 'unavailable', reason: `check refused: ${s.code}` }
  if (s.state === target) return { kind: 'found', value: s.state }
  return s.state === 0 || s.state === PAID || s.state === CANCELLED ? { kind: 'absent' } : { kind: 'unavailable', reason: `receipt in state ${s.state}` }
}

/**
 * After a restart, by the operation's kind: a cancel or refund never spends a customer code, so
 * the code says nothing about it; what the journal proves is that it left (`sent`), and the queue decides it
 * by the receipt's state (check first, so a receipt is never cancelled twice).
 */
async function resume(ctx: Ctx): Promise<void> {
  if (ctx.op.kind !== 'pay')
    return ctx.queueSelf({
      state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state,
      message: msg('payme.refundQueued'),
      note: 'resumed after a restart: the receipt state decides',
    })
  if (!ctx.op.ref || !ctx.op.code?.spent) {
    // Stopped before receipts.pay left: no money can have moved.
    await ctx.commit({ state: 'declined', message: msg('common.interrupted'), note: 'resumed: receipts.pay was never sent' })
    return
  }
  return pollPaid(ctx)
}

// ---- cancel and refund (§ 4.4) -------------------------------------------------------------

async function reverse(ctx: Ctx, original: Operation): Promise<void> {
  const now = ctx.clock.now()
  await ctx.commit({
    state: 'sent',
    sentAt: now,
    deadline: now + ctx.config.payDuration,
    ref: original.ref,
    details: { ...original.details },
    message: msg('common.sending'),
  })
  const r = await rpc(ctx, 'receipts.cancel', { id: original.ref })
  if (r.kind === 'result' && r.state === CANCELLED) return approve(ctx, r.receipt)
  if (r.kind === 'error') {
    // A resent copy of a cancel that went through meets "already cancelled": the receipt's state decides first.
    return checkRefusal(() => receiptState(ctx, CANCELLED), {
      found: async () => approve(ctx, await fetchReceipt(ctx), { note: `cancel refused (${r.code}) but the receipt is cancelled` }),
      believe: async () => {
        if (ignored(ctx, r.code)) await ctx.commit({ state: 'declined', message: r.message, error: { code: String(r.code) } })
        else await ctx.queueSelf({ state: 'unknown', message: msg('payme.refundQueued'), error: { code: String(r.code) } })
      },
      unknown: () => ctx.queueSelf({ state: 'unknown', message: msg('payme.refundQueued'), error: { code: String(r.code) } }),
    })
  }
  // 21 (cancellation queue) or no answer: wait for 50 within payDuration.
  await ctx.commit({
    state: r.kind === 'unknown' ? 'unknown' : 'resolving',
    message: msg('common.checking'),
    ...(r.kind === 'unknown' ? { note: r.reason } : {}),
  })
  if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const end = await poll(ctx, {
    every: ctx.config.frequency,
    until: ctx.op.deadline!,
    step: async () => {
      const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
      return s.kind === 'result' && s.state === CANCELLED ? s.state : undefined
    },
  })
  if (end.kind === 'final') return approve(ctx, await fetchReceipt(ctx))
  // Rule 1.3.10: not done within payDuration: queued, and no slip is printed.
  return ctx.queueSelf({ message: msg('payme.refundQueued'), note: 'cancel not finished within payDuration' })
}

/** One queue attempt (§ 4.5): check first, so a receipt is never cancelled twice. */
async function runQueued(ctx: Ctx): Promise<QueueVerdict> {
  const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
  if (s.kind === 'unknown') return { kind: 'retry', error: s.reason }
  if (s.kind === 'error') return refusal(ctx, s.code, s.message)
  if (s.state === CANCELLED) {
    await approve(ctx, await fetchReceipt(ctx), { note: 'receipt already cancelled (50)' })
    return { kind: 'done' }
  }
  // 21: a cancel is already under way. Any other state gets the cancel: by the time a cancel is queued the
  // pay window has ended, and a receipt still in 1–3 (debiting) must be stopped rather than waited on for
  // ever (docs/protocols/payme.md scenario 21); what the server cannot cancel it refuses, and 10 refusals need a person.
  if (s.state === CANCEL_QUEUE) return { kind: 'retry', error: `receipt in state ${s.state}: waiting` }
  if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
  else if (ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving' })
  const c = await rpc(ctx, 'receipts.cancel', { id: ctx.op.ref })
  if (c.kind === 'unknown') return { kind: 'retry', error: c.reason }
  if (c.kind === 'error') return refusal(ctx, c.code, c.message)
  if (c.state === CANCELLED) {
    await approve(ctx, c.receipt)
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `cancel accepted (state ${c.state ?? CANCEL_QUEUE}): waiting for 50` }
}

async function refusal(ctx: Ctx, code: number, message: Msg): Promise<QueueVerdict> {
  if (ignored(ctx, code)) {
    // § 4.5: an ignored code drops the entry; the engine settles the original.
    await ctx.commit({
      state: ctx.op.compensates ? 'declined' : 'needs-attention',
      message,
      error: { code: String(code) },
      note: 'dropped: code in ignoredErrors',
    })
    return { kind: 'done' }
  }
  return { kind: 'retry', error: `error ${code}`, definitive: true }
}

export const paymeClient = { pay, resume, reverse, runQueued }
