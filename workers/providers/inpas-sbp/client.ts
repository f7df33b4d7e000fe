// The inpas-sbp adapter between the engine and the pure client machine (machine.ts): it runs one pay, refund or
// status session over a PinpadPort through the engine's OpCtx (docs/protocols/inpas-sbp.md § 6). Owns: opening the
// port per operation (§ 4.2), the persisted ecrNo counter (§ 6.3 step 2), committing `sent` before the first byte
// (§ 6.3 step 4), the timers of both layers on the engine's clock, the cashier's hints and the mirrored SBP QR
// (`op.display`), unplug/replug (§ 4.5), the outcome → journal mapping (§ 6.5), and resolution after a reload or
// from the queue (§ 6.4). No DOM, no Dexie: only OpCtx.
//
// Readings (PDK):
// - The runner sleeps at most IDLE_POLL_MS at a time so that it sees the cashier's «stop waiting»
//   (`ctx.waiting()`); that is the § 6.6 cancel: EOT and `unknown` → resolution (never straight to `declined`).
// - Port refused (not granted, busy, unsupported) before a payment: the engine has already written the row, so
//   the row ends `declined` with the port message and nothing is sent (§ 7.8 asks for "no journal row"; the
//   engine writes the row before any provider code runs).
// - An operation left `unknown` because the port stayed away longer than RECONNECT_WAIT_MS is handed to the
//   engine's queue (`queueSelf`); `runQueued` retries the resolution with the engine's backoff.
// - "Same day" for a refund (B6, B7) = the device's local calendar date of the payment's `sentAt` equals today's.
// - `details.method` holds the cashier's choice until the outcome and the method the terminal reports after it;
//   `details.requested` keeps the choice (the status request needs the op code that was sent: `details.reqOp`).
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { hex } from '../../../src/domain/hex.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { Slip } from '../../../src/domain/slip.ts'
import type { OpCtx, ProbeCtx, Provider, QueueVerdict, StatusAnswer } from '../types.ts'
import { OP, STATUS, tlvText, type SaMessage } from './codec/index.ts'
import { createLinkState, linkStep, type LinkTimer } from './link.ts'
import { clientStep, createClient, type ClientEffect, type ClientEvent, type ClientTimer } from './machine.ts'
import { INPAS_MSG, INPAS_SETTLE_MSG, INPAS_STATUS_MSG } from './messages.ts'
import { PinpadPortError, type PinpadPort } from '../../transport/serial.ts'
import {
  checkLinkFields,
  createSession,
  slipOf as sessionSlipOf,
  type InpasRequest,
  type Method,
  type OriginalPayment,
  type SessionOutcome,
} from './session.ts'
import { toSessionConfig, type InpasConfig } from './config.ts'
import { buildMessage, type TlvValue } from './codec/index.ts'

/** How often the runner looks at the cashier's «stop waiting» while nothing else happens. */
export const IDLE_POLL_MS = 500
/** PDK: how long an operation waits for an unplugged pin-pad before it goes to the queue (§ 4.5). */
export const RECONNECT_WAIT_MS = 120_000
/** PDK: how many journaled RRNs the receipt-copy match remembers (§ 6.4 step 3). */
const KNOWN_RRNS_MAX = 500

export type PortFactory = (config: InpasConfig) => PinpadPort

type RunResult = { kind: 'refused'; message: Msg } | { kind: 'final'; outcome: Exclude<SessionOutcome, { kind: 'unknown' }> } | { kind: 'stalled' }

/** The device's local time as the terminal writes it, `YYYYMMDDhhmmss` (§ 2.6). */
export function localStamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

function sameLocalDay(a: number, b: number): boolean {
  return localStamp(a).slice(0, 8) === localStamp(b).slice(0, 8)
}

function portMessage(e: unknown): Msg {
  const kind = e instanceof PinpadPortError ? e.kind : 'failed'
  if (kind === 'busy') return msg(INPAS_MSG.portBusy)
  if (kind === 'unsupported') return msg(INPAS_MSG.browserUnsupported)
  if (kind === 'not-granted') return msg(INPAS_MSG.portNotGranted)
  return msg(INPAS_MSG.portDisconnected)
}

/**
 * Run one session to its final outcome (or until the port stays away too long). `onCommit` journals the
 * request as `sent` before the first byte.
 */
async function runSession(
  ctx: OpCtx<InpasConfig>,
  port: PinpadPort,
  request: InpasRequest,
  onCommit: (ecrNo: number, reqOp: number) => Promise<void>,
): Promise<RunResult> {
  const config = toSessionConfig(ctx.config)
  let state = createClient(createSession(config, request, { portOpen: port.isOpen }))
  const timers = new Map<ClientTimer, number>()
  const inbox: ClientEvent[] = []
  let wake = new AbortController()
  let reconnect = false
  let result: RunResult | undefined
  let cancelled = false
  let stalledSince: number | undefined
  const opId = ctx.op.id
  const push = (e: ClientEvent) => {
    inbox.push(e)
    wake.abort()
  }
  const offData = port.onData((bytes) => push({ type: 'bytes', bytes }))
  const offEvent = port.onEvent((e) => {
    if (e.type === 'disconnect') push({ type: 'disconnected' })
    else {
      reconnect = true
      wake.abort()
    }
  })

  const perform = async (f: ClientEffect, follow: ClientEvent[]): Promise<void> => {
    const now = ctx.clock.now()
    switch (f.type) {
      case 'write':
        try {
          await port.write(f.bytes)
        } catch (e) {
          ctx.log.warn('inpas-sbp', 'write failed', { error: String(e) }, opId)
          if (!port.isOpen) follow.push({ type: 'disconnected' })
        }
        return
      case 'setTimer':
        timers.set(f.name, now + f.ms)
        return
      case 'cancelTimer':
        timers.delete(f.name)
        return
      case 'linkNote':
        ctx.log.info('inpas-sbp', 'link', { ...f.note }, opId)
        return
      case 'sent':
        ctx.log.info('inpas-sbp', `sent ${f.kind}`, { fields: f.fields.map(([t, v]) => (t === 70 ? [t, `${v.length} bytes`] : [t, v])) }, opId)
        return
      case 'refuse':
        result = { kind: 'refused', message: f.message }
        return
      case 'commit':
        await onCommit(f.ecrNo, f.op)
        follow.push({ type: 'committed' })
        return
      case 'showPrompt':
        if (!isFinalState(ctx.op)) await ctx.commit({ message: f.message })
        return
      case 'showQr':
        if (!isFinalState(ctx.op)) await ctx.commit({ display: { kind: 'qr', payload: f.link, until: ctx.op.deadline ?? now + ctx.config.timeout * 1000 } })
        return
      case 'notice':
        ctx.log.warn('inpas-sbp', 'admin notice', { key: f.message.key, ...(f.message.params ?? {}) }, opId)
        await ctx.store.put('notice', f.message)
        // § 6.5: another terminal answered: new operations stop until fixed (the provider's `unavailable`).
        if (f.message.key === INPAS_MSG.tidMismatch && f.message.params?.got !== undefined) await ctx.store.put('tid', String(f.message.params.got))
        return
      case 'resolving':
        if (ctx.op.state === 'sent' || ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving', note: 'resolving: check-link, then status' })
        return
      case 'outcome':
        if (f.outcome.kind === 'unknown') {
          const patch: OpPatch = { message: f.outcome.message, display: undefined, note: `unknown: ${f.outcome.reason}` }
          await ctx.commit(ctx.op.state === 'sent' ? { ...patch, state: 'unknown' } : patch)
        } else result = { kind: 'final', outcome: f.outcome }
        return
      case 'log':
        ctx.log[f.level]('inpas-sbp', f.text, f.hex ? { hex: f.hex } : {}, opId)
        return
    }
  }

  const feed = async (e: ClientEvent): Promise<void> => {
    const r = clientStep(state, e)
    state = r.state
    const follow: ClientEvent[] = []
    for (const f of r.effects) await perform(f, follow)
    for (const next of follow) await feed(next)
  }

  try {
    await feed({ type: 'start' })
    while (!result) {
      const e = inbox.shift()
      if (e) {
        await feed(e)
        continue
      }
      if (reconnect && !port.isOpen) {
        reconnect = false
        try {
          await port.open()
          ctx.log.info('inpas-sbp', 'port reopened', {}, opId)
          await feed({ type: 'connected' })
        } catch (err) {
          ctx.log.warn('inpas-sbp', 'reopen failed', { error: String(err) }, opId)
        }
        continue
      }
      const now = ctx.clock.now()
      let due: [ClientTimer, number] | undefined
      for (const t of timers) if (t[1] <= now && (!due || t[1] < due[1])) due = t
      if (due) {
        timers.delete(due[0])
        await feed({ type: 'timer', name: due[0] })
        continue
      }
      if (!cancelled && !ctx.waiting()) {
        cancelled = true
        await feed({ type: 'cancel' })
        continue
      }
      let next = Infinity
      for (const at of timers.values()) next = Math.min(next, at)
      if (next === Infinity && !port.isOpen) {
        stalledSince ??= now
        if (now - stalledSince >= RECONNECT_WAIT_MS) return { kind: 'stalled' }
      } else stalledSince = undefined
      wake = new AbortController()
      await ctx.clock.sleep(Math.max(0, Math.min(next - now, IDLE_POLL_MS)), wake.signal).catch(() => undefined)
    }
    return result
  } finally {
    offData()
    offEvent()
  }
}

function isFinalState(op: Operation): boolean {
  return op.state === 'approved' || op.state === 'declined' || op.state === 'compensated' || op.state === 'needs-attention'
}

// ---- durable provider state (ctx.store) ------------------------------------------------------------------

/**
 * § 6.3 step 2: the next field-26 number for this terminal id — monotonic, never reused. Read and advanced in
 * one transaction: a refund and a payment started in two tabs on one pin-pad type never share one.
 */
export async function nextEcrNo(ctx: Pick<OpCtx<InpasConfig>, 'config' | 'store'>): Promise<number> {
  return ctx.store.next(`ecrNo:${ctx.config.id}`)
}

async function knownRrns(ctx: OpCtx<InpasConfig>): Promise<string[]> {
  return (await ctx.store.get<string[]>('rrns')) ?? []
}

async function rememberRrn(ctx: OpCtx<InpasConfig>, rrn: string | undefined): Promise<void> {
  if (!rrn) return
  const list = await knownRrns(ctx)
  if (!list.includes(rrn)) await ctx.store.put('rrns', [...list, rrn].slice(-KNOWN_RRNS_MAX))
}

// ---- outcome → journal (§ 6.5) ---------------------------------------------------------------------------

function slipOf(ctx: Pick<OpCtx<InpasConfig>, 'op' | 'clock' | 'config'>, o: Extract<SessionOutcome, { kind: 'approved' }>): Slip {
  const r = o.ref
  const lines: Slip['lines'] = [
    { label: 'slip.operation', value: ctx.op.kind === 'refund' ? 'slip.refund' : 'slip.pay', format: 'key' },
    { label: 'slip.time', value: ctx.clock.now(), format: 'datetime' },
    { label: 'slip.amount', value: ctx.op.amount, format: 'money', strong: true },
    { label: 'slip.payMethod', value: r.method === 'sbp' ? 'slip.methodSbp' : 'slip.methodCard', format: 'key' },
    { label: 'slip.terminalId', value: r.terminalId ?? ctx.config.id },
  ]
  if (r.rrn) lines.push({ label: 'slip.rrn', value: r.rrn })
  if (r.authCode) lines.push({ label: 'slip.authCode', value: r.authCode })
  lines.push({ label: 'slip.result', value: 'slip.approved', format: 'key', strong: true })
  return { title: ctx.op.kind === 'refund' ? 'slip.refund' : 'slip.pay', provider: 'Inpas SmartSale', currency: ctx.op.currency, lines, copies: 1 }
}

async function settle(ctx: OpCtx<InpasConfig>, r: RunResult): Promise<boolean> {
  if (isFinalState(ctx.op)) return true
  if (r.kind === 'refused') {
    await ctx.commit({ state: 'declined', message: r.message, display: undefined, note: 'refused locally: nothing sent' })
    return true
  }
  if (r.kind === 'stalled') {
    ctx.log.warn('inpas-sbp', 'pin-pad away: resolution goes to the queue', {}, ctx.op.id)
    await ctx.queueSelf({ ...(ctx.op.state === 'sent' ? { state: 'unknown' as const } : {}), message: msg(INPAS_MSG.portDisconnected), display: undefined })
    return false
  }
  const o = r.outcome
  if (o.kind === 'approved') {
    await ctx.commit(approvedPatch(ctx, o))
    await rememberRrn(ctx, o.ref.rrn)
    return true
  }
  if (o.kind === 'declined') {
    await ctx.commit(declinedPatch(ctx, o))
    return true
  }
  await ctx.commit({ state: 'needs-attention', message: o.message, display: undefined, note: `needs attention: ${o.reason}` })
  return true
}

/** § 6.5: the journal patch of an approved outcome. */
function approvedPatch(ctx: Pick<OpCtx<InpasConfig>, 'op' | 'clock' | 'config'>, o: Extract<SessionOutcome, { kind: 'approved' }>): OpPatch {
  const ref = o.ref
  return {
    state: 'approved',
    ref: ref.rrn ?? `ecr-${ref.ecrNo}`,
    message: o.message,
    display: undefined,
    slip: slipOf(ctx, o),
    details: {
      ...ctx.op.details,
      ecrNo: ref.ecrNo,
      method: ref.method,
      switched: ref.switched,
      offline: ref.offline,
      via: o.via,
      ...(ref.rrn ? { rrn: ref.rrn } : {}),
      ...(ref.authCode ? { authCode: ref.authCode } : {}),
      ...(ref.terminalId ? { terminalId: ref.terminalId } : {}),
      ...(ref.terminalDateTime ? { terminalDateTime: ref.terminalDateTime } : {}),
      ...(o.slip?.customer ? { slipText: o.slip.customer } : {}),
      ...(o.review.length ? { review: o.review.join(',') } : {}),
    },
    note: `approved via ${o.via}${ref.switched ? ' (switched to SBP on the pin-pad)' : ''}`,
  }
}

/** § 6.5: the journal patch of a declined outcome. */
function declinedPatch(ctx: Pick<OpCtx<InpasConfig>, 'op'>, o: Extract<SessionOutcome, { kind: 'declined' }>): OpPatch {
  return {
    state: 'declined',
    message: o.message,
    display: undefined,
    error: { code: o.code },
    details: { ...ctx.op.details, via: o.via, notSent: o.notSent },
    note: `declined via ${o.via} (${o.code})${o.notSent ? ': not sent' : ''}`,
  }
}

// ---- procedures -------------------------------------------------------------------------------------------

async function withPort<T>(
  ports: PortFactory,
  ctx: Pick<OpCtx<InpasConfig>, 'config' | 'log'>,
  job: (port: PinpadPort) => Promise<T>,
  refused: (m: Msg) => Promise<T>,
): Promise<T> {
  const port = ports(ctx.config)
  try {
    try {
      await port.open()
    } catch (e) {
      ctx.log.warn('inpas-sbp', 'port not available', { error: String(e) })
      return await refused(portMessage(e))
    }
    return await job(port)
  } finally {
    await port.close()
  }
}

function methodOf(v: unknown): Method {
  return v === 'sbp' ? 'sbp' : 'card'
}

/** § 6.4: resolve an operation left `sent`/`unknown`/`resolving` by check-link and status. True when final. */
async function resolve(ports: PortFactory, ctx: OpCtx<InpasConfig>): Promise<boolean> {
  const d = ctx.op.details ?? {}
  if (typeof d.ecrNo !== 'number') {
    await ctx.commit({ state: 'needs-attention', message: msg(INPAS_MSG.resultNeedsAttention), note: 'no ecrNo journaled: cannot ask the pin-pad' })
    return true
  }
  const ecrNo = d.ecrNo
  return withPort(
    ports,
    ctx,
    async (port) => {
      const request: InpasRequest = {
        kind: 'status',
        of: ctx.op.kind === 'refund' ? 'refund' : 'pay',
        method: methodOf(d.requested ?? d.method),
        amount: ctx.op.amount,
        ecrNo,
        sentAt: typeof d.sentStamp === 'string' ? d.sentStamp : localStamp(ctx.op.sentAt ?? ctx.op.createdAt),
        ...(typeof d.reqOp === 'number' ? { op: d.reqOp } : {}),
        knownRrns: await knownRrns(ctx),
      }
      return settle(ctx, await runSession(ctx, port, request, async () => undefined))
    },
    async (m) => {
      ctx.log.warn('inpas-sbp', 'resolve: port not available', { key: m.key }, ctx.op.id)
      if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg(INPAS_MSG.resultUnknown), note: 'resolve: port not available' })
      return false
    },
  )
}

export function inpasClient(ports: PortFactory): Required<Pick<Provider<InpasConfig>, 'pay' | 'resume' | 'reverse' | 'runQueued' | 'status'>> {
  /** Run a money request (pay or refund), committing `sent` before its first byte. */
  async function money(ctx: OpCtx<InpasConfig>, build: (ecrNo: number, sentAt: string, rrns: string[]) => InpasRequest, requested: Method): Promise<boolean> {
    return withPort(
      ports,
      ctx,
      async (port) => {
        const ecrNo = await nextEcrNo(ctx)
        const sentStamp = localStamp(ctx.clock.now())
        const request = build(ecrNo, sentStamp, await knownRrns(ctx))
        const r = await runSession(ctx, port, request, async (n, reqOp) => {
          const now = ctx.clock.now()
          await ctx.commit({
            state: 'sent',
            sentAt: now,
            deadline: now + ctx.config.timeout * 1000,
            details: { ...ctx.op.details, method: requested, requested, ecrNo: n, reqOp, sentStamp },
            note: `ecrNo ${n}, op ${reqOp}`,
          })
        })
        return settle(ctx, r)
      },
      async (m) => {
        await ctx.commit({ state: 'declined', message: m, note: 'not sent: pin-pad port not available' })
        return true
      },
    )
  }

  return {
    async pay(ctx) {
      const method = methodOf(ctx.op.details?.method)
      await money(ctx, (ecrNo, sentAt, rrns) => ({ kind: 'pay', method, amount: ctx.op.amount, ecrNo, sentAt, knownRrns: rrns }), method)
    },

    async reverse(ctx, original) {
      const od = original.details ?? {}
      const key = `refunded:${original.id}`
      const refunded = (await ctx.store.get<number>(key)) ?? 0
      const fields: Record<number, string> = {}
      if (typeof od.rrn === 'string') fields[14] = od.rrn
      if (typeof od.authCode === 'string') fields[13] = od.authCode
      const orig: OriginalPayment = {
        approved: original.state === 'approved',
        method: methodOf(od.method),
        switched: od.switched === true,
        amount: original.amount,
        refunded,
        sameDay: sameLocalDay(original.sentAt ?? original.createdAt, ctx.clock.now()),
        fields,
      }
      await money(ctx, (ecrNo, sentAt, rrns) => ({ kind: 'refund', amount: ctx.op.amount, ecrNo, sentAt, knownRrns: rrns, original: orig }), orig.method)
      if (ctx.op.state === 'approved') await ctx.store.put(key, refunded + ctx.op.amount)
    },

    async resume(ctx) {
      // By kind (a refund asks the pin-pad for the refund, a pay for the pay). Still unknown afterwards (no
      // port, no answer): the queue keeps asking — no answer is never "no money moved".
      if (!(await resolve(ports, ctx)) && !ctx.op.queued && (ctx.op.state === 'unknown' || ctx.op.state === 'resolving'))
        await ctx.queueSelf({ note: 'resumed: outcome still unknown, the queue keeps asking' })
    },

    async runQueued(ctx): Promise<QueueVerdict> {
      return (await resolve(ports, ctx)) ? { kind: 'done' } : { kind: 'retry', error: 'pin-pad not available or outcome still unknown' }
    },

    status: (pctx, op) => statusCheck(ports, pctx, op),
  }
}

// ---- the cashier's «Проверить статус» (§ 7.51) ------------------------------------------------------------

/**
 * Ask the pin-pad for the status of a journaled payment or refund (check-link, then the PDK status by ecrNo, or the
 * receipt copy): the same session as the resolution (§ 6.4), but nothing is journaled here. For an operation in
 * `needs-attention` a definitive answer comes back as `settle`, for the engine to journal.
 */
async function statusCheck(ports: PortFactory, pctx: ProbeCtx<InpasConfig>, op: Operation): Promise<StatusAnswer> {
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

// ---- admin: check link (op 26) ----------------------------------------------------------------------------

/** PDK: one check-link exchange may take this long before the admin is told it failed. */
const CHECK_LINK_BUDGET_MS = 30_000

/** § 2.8/§ 6.6: send check-link through the link layer alone and return the terminal's reply. */
export async function checkLink(port: PinpadPort, ctx: ProbeCtx<InpasConfig>): Promise<SaMessage | undefined> {
  return exchange(port, ctx, checkLinkFields(toSessionConfig(ctx.config)), OP.checkLink, CHECK_LINK_BUDGET_MS)
}

/**
 * One request, one reply, through the link layer alone (no money moves: check-link, settlement). `undefined` when
 * the terminal did not answer with `op` within `budgetMs`, the link failed or the port went away.
 */
async function exchange(
  port: PinpadPort,
  ctx: ProbeCtx<InpasConfig>,
  fields: ReadonlyArray<readonly [number, string]>,
  op: number,
  budgetMs: number,
): Promise<SaMessage | undefined> {
  const built = buildMessage({}, { extra: fields as ReadonlyArray<readonly [number, TlvValue]> })
  if (!built.ok) return undefined
  let link = createLinkState()
  const timers = new Map<LinkTimer, number>()
  const inbox: Uint8Array[] = []
  let wake = new AbortController()
  let reply: SaMessage | undefined
  let failed = false
  const off = port.onData((b) => {
    inbox.push(b)
    wake.abort()
  })
  const step = async (e: Parameters<typeof linkStep>[1]) => {
    const r = linkStep(link, e)
    link = r.state
    for (const f of r.effects) {
      if (f.type === 'write') await port.write(f.bytes).catch(() => undefined)
      else if (f.type === 'setTimer') timers.set(f.name, ctx.clock.now() + f.ms)
      else if (f.type === 'cancelTimer') timers.delete(f.name)
      else if (f.type === 'deliver' && f.message.ok && f.message.value.op === op) reply = f.message.value
      else if (f.type === 'linkError') failed = true
    }
  }
  const end = ctx.clock.now() + budgetMs
  try {
    await step({ type: 'send', data: built.value, kind: 'query' })
    while (!reply && !failed && ctx.clock.now() < end && port.isOpen) {
      const b = inbox.shift()
      if (b) {
        await step({ type: 'bytes', bytes: b })
        continue
      }
      const now = ctx.clock.now()
      let due: [LinkTimer, number] | undefined
      for (const t of timers) if (t[1] <= now && (!due || t[1] < due[1])) due = t
      if (due) {
        timers.delete(due[0])
        await step({ type: 'timer', name: due[0] })
        continue
      }
      let next = end
      for (const at of timers.values()) next = Math.min(next, at)
      wake = new AbortController()
      await ctx.clock.sleep(Math.max(0, next - now), wake.signal).catch(() => undefined)
    }
  } finally {
    off()
  }
  if (reply) ctx.log.info('inpas-sbp', `op ${op} reply`, { status: reply.fields.status ?? null, tid: reply.fields.terminalId ?? null, hex: hex(built.value) })
  return reply
}

/** The admin action «Проверить связь»: open, check-link, compare field 27 with `id` (§ 4.5, § 7.10/§ 7.11). */
export async function checkLinkAction(ports: PortFactory, ctx: ProbeCtx<InpasConfig>): Promise<Msg> {
  return withPort(
    ports,
    ctx,
    async (port) => {
      const r = await checkLink(port, ctx)
      if (!r || r.fields.status !== STATUS.approved) return msg(INPAS_MSG.adminLinkFailed)
      const tid = r.fields.terminalId ?? tlvText(r.tlv, 27) ?? ''
      await ctx.store.put('tid', tid)
      if (tid && tid !== ctx.config.id) {
        const m = msg(INPAS_MSG.tidMismatch, { got: tid, want: ctx.config.id })
        await ctx.store.put('notice', m)
        return m
      }
      await ctx.store.put('notice', undefined)
      return msg(INPAS_MSG.adminLinkOk, { tid })
    },
    async (m) => m,
  )
}

// ---- day close: settlement (op 59, E20) -------------------------------------------------------------------

/** PDK: the settlement reaches the bank before it answers; past this the till's day close goes on without it. */
const SETTLEMENT_BUDGET_MS = 120_000

type CloseDayResult = { ok: true; slip: Slip; net: number; mismatches: number } | { ok: false; message: Msg }

interface Totals {
  debit: { count: number; sum: number }
  credit: { count: number; sum: number }
}

/** The journal's approved payments (debit) and refunds (credit) of the day, as the pin-pad counts them. */
export function journalTotals(journal: readonly Operation[]): Totals {
  const t: Totals = { debit: { count: 0, sum: 0 }, credit: { count: 0, sum: 0 } }
  for (const o of journal) {
    if (o.state !== 'approved' || o.provider !== 'inpas-sbp') continue
    const b = o.kind === 'pay' ? t.debit : o.kind === 'refund' ? t.credit : undefined
    if (!b) continue
    b.count++
    b.sum += o.amount
  }
  return t
}

/**
 * The till's day close for Inpas: the pin-pad's settlement (сверка итогов, op 59). No money moves and nothing is
 * queued: the pin-pad's debit/credit totals (fields 29–32) are compared with the journal's; a count or a sum that
 * differs is one mismatch. No answer → `{ ok: false }` with a message, and the till's day close goes on.
 */
export async function closeDay(ports: PortFactory, ctx: ProbeCtx<InpasConfig>, journal: readonly Operation[]): Promise<CloseDayResult> {
  return withPort<CloseDayResult>(
    ports,
    ctx,
    async (port) => {
      const fields: Array<readonly [number, string]> = [
        [25, String(OP.settlement)],
        [27, ctx.config.id],
      ]
      const r = await exchange(port, ctx, fields, OP.settlement, SETTLEMENT_BUDGET_MS)
      if (!r) return { ok: false, message: msg(INPAS_SETTLE_MSG.noAnswer) }
      if (r.fields.status !== STATUS.approved)
        return { ok: false, message: msg(INPAS_SETTLE_MSG.refused, { text: r.fields.textResponse ?? String(r.fields.status ?? '—') }) }
      const pad: Totals = {
        debit: { count: r.fields.debitCount ?? 0, sum: r.fields.debitAmount ?? 0 },
        credit: { count: r.fields.creditCount ?? 0, sum: r.fields.creditAmount ?? 0 },
      }
      const mine = journalTotals(journal)
      const mismatches =
        Number(pad.debit.count !== mine.debit.count) +
        Number(pad.debit.sum !== mine.debit.sum) +
        Number(pad.credit.count !== mine.credit.count) +
        Number(pad.credit.sum !== mine.credit.sum)
      const net = pad.debit.sum - pad.credit.sum
      ctx.log.info('inpas-sbp', 'settlement', {
        debitCount: pad.debit.count,
        debitSum: pad.debit.sum,
        creditCount: pad.credit.count,
        creditSum: pad.credit.sum,
        mismatches,
      })
      const printed = printedRows(r.fields.receiptData)
      const slip: Slip = {
        title: 'slip.closeDay',
        provider: 'Inpas SmartSale',
        currency: 'RUB',
        copies: 1,
        lines: [
          { label: 'slip.terminalId', value: r.fields.terminalId ?? ctx.config.id },
          { label: 'report.sales', value: String(pad.debit.count) },
          { label: 'report.salesSum', value: pad.debit.sum, format: 'money' },
          { label: 'report.refunds', value: String(pad.credit.count) },
          { label: 'report.refundsSum', value: pad.credit.sum, format: 'money' },
          { label: 'report.net', value: net, format: 'money', strong: true },
        ],
        ...(printed ? { text: printed } : {}),
      }
      return { ok: true, slip, net, mismatches }
    },
    async (m) => ({ ok: false, message: m }),
  )
}

/** Field 90 of the settlement: the pin-pad's totals slip as printed rows (the cashier copy, else the first). */
function printedRows(text: string | undefined): string[] | undefined {
  const s = sessionSlipOf(text)
  const body = s?.cashier ?? s?.customer ?? s?.raw
  return body ? body.split(/\r?\n/).filter((l, i, a) => l !== '' || (i > 0 && i < a.length - 1)) : undefined
}
