// Pay (docs/protocols/sendy.md § 4.4 offline, § 4.5 online) and the resume after a restart: the customer's code
// or the till's QR, status by the shared poll loop, and every unknown ending in a query or a queued reverse.
// The online reverse's retries (closeOnline, reverseUnshown) wait what the server says (`retryAfterMs`): a money
// request repeated, not a status asked at a cadence, so they are not the shared poll loop.
import { msg } from '../../../src/domain/messages.ts'
import { poll } from '../common/poll.ts'
import { systemsFor } from './store.ts'
import { num, str, SYSTEM_NAMES, systemOfCode } from './codec.ts'
import { call, type Ctx, isUnknownCode, wire } from './call.ts'
import { declineFail, number } from './numbering.ts'
import { approve } from './slips.ts'
import { mayAnswerOurCopy, ourOrder, query, type Trade } from './query.ts'

export async function pay(ctx: Ctx, code: string): Promise<void> {
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
  const end = await pollTrade(ctx, txn, t.OFFLINE_POLL_MS, deadline)
  if (end.kind === 'final' && end.value.kind === 'foreign') return notOurNumber(ctx, txn)
  if (end.kind === 'final' && end.value.kind === 'state') {
    const q = end.value
    if (q.state === 'SUCCESS') return approve(ctx, q.data, 'found paid by query')
    await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.tradeState', { state: q.state }), note: `query: ${q.state}` })
    return
  }
  return ctx.compensate({ display: undefined, message: msg('sendy.notConfirmed'), note: 'not confirmed in the window: reverse queued' })
}

const FINAL_STATES = ['SUCCESS', 'CLOSED', 'REVOKED', 'PAYERROR']

/**
 * The shared poll loop (docs/rules.md R4.3, R7) over `query` by our number, every `every` ms until `deadline` or the
 * cashier stops waiting. Ends with a final trade state, our number under another order (`foreign`), or not at all.
 * The window's end is the reverse's moment, not one more query: a pause that reaches it asks nothing.
 */
async function pollTrade(ctx: Ctx, txn: number, every: number, deadline: number) {
  return poll<{ kind: 'state'; state: string; data: Record<string, unknown> } | { kind: 'foreign' } | { kind: 'window' }>(ctx, {
    every,
    until: deadline,
    stopped: () => !ctx.waiting(),
    step: async () => {
      if (ctx.clock.now() >= deadline) return { kind: 'window' }
      const q = await query(ctx, txn)
      if (q.kind === 'missing' && q.foreign) return { kind: 'foreign' }
      return q.kind === 'state' && FINAL_STATES.includes(q.state) ? q : undefined
    },
  })
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
  const end = await pollTrade(ctx, txn, t.ONLINE_POLL_MS, deadline)
  if (end.kind === 'final' && end.value.kind === 'foreign') return notOurNumber(ctx, txn)
  if (end.kind === 'final' && end.value.kind === 'state') {
    const q = end.value
    if (q.state === 'SUCCESS') return approve(ctx, q.data)
    await ctx.commit({ state: 'declined', display: undefined, message: msg('sendy.tradeState', { state: q.state }) })
    return
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
  // Two misses 5 s apart decide "never arrived"; a server that keeps not answering is bounded too (then queued):
  // the shared poll loop asks at once, then every 5 s, with no window but eight asks.
  let misses = 0
  let tries = 0
  const end = await poll<Trade | { kind: 'gaveUp' }>(ctx, {
    every: 5_000,
    until: Infinity,
    first: 'step',
    step: async () => {
      if (++tries > 8) return { kind: 'gaveUp' }
      const q = await query(ctx, txn)
      if (q.kind === 'missing' && ++misses >= 2) return q
      return q.kind === 'state' ? q : undefined
    },
  })
  const q = end.kind === 'final' ? end.value : undefined
  if (q?.kind === 'gaveUp') return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: status unknown, reverse queued' })
  if (q?.kind === 'state') {
    if (q.state === 'SUCCESS') return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: found paid, reverse queued' })
    if (q.state !== 'CLOSED' && q.state !== 'REVOKED' && q.state !== 'PAYERROR') {
      const reversed = await reverseUnshown(ctx, txn)
      if (reversed === 'paid') return ctx.compensate({ message: msg('sendy.notConfirmed'), note: 'lost online reply: paid behind, reverse queued' })
      // The order is open at the server and its reverse went unanswered: it may still be paid, so the queue closes it
      // (a reverse by the queue returns a payment made meanwhile) — never `declined` while it is open.
      if (reversed === 'unknown')
        return ctx.compensate({ message: msg('sendy.notConfirmed'), note: `lost online reply: ${q.state}, its reverse unanswered: queued` })
    }
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

export async function resume(ctx: Ctx): Promise<void> {
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
