// The host POS adapter (contract v1, docs/host-contract.md; messages in
// src/domain/host-protocol.ts). A host — the sales software of a till or a self-checkout —
// opens or embeds Paydesk and talks to it by postMessage. Only origins allowed in Settings are
// heard (others are ignored and logged) and answered, always with that origin as the target,
// never '*'. Each operation the host started gets progress events and exactly one final
// result: the ids already reported are kept in localStorage, so neither a re-render, a reload
// nor a second tab repeats one.
import type { Subscription } from 'dexie'
import { db, dbReady, engine } from '../engine.ts'
import { isFinal, type Operation } from '../domain/operation.ts'
import {
  errorMessage,
  parseHostRequest,
  parseHostUrl,
  progressMessage,
  progressStage,
  resultMessage,
  statusMessage,
  type HostErrorCode,
  type HostRequest,
} from '../domain/host-protocol.ts'
import type { Msg } from '../domain/messages.ts'
import { printSlipOnce } from './slip-print.ts'

/** A payment the host asked for: the till or the self-checkout takes it with the customer. */
export interface HostPay {
  order: string
  amount: number
  /** The host's currency: only payment types of it are offered and taken. */
  currency?: string
  items?: unknown
  requestId?: string
  origin?: string
}

/**
 * `pending`: a payment asked for by URL only. Any page can open a URL, so it carries no
 * authority: nothing can be paid for it until an allowed origin asks the same by message.
 */
export type HostState = { kind: 'none' } | { kind: 'pending'; pay: HostPay } | { kind: 'pay'; pay: HostPay } | { kind: 'error'; message: Msg }

const REPORTED_KEY = 'paydesk.host.reported'
const TRACKED_KEY = 'paydesk.host.tracked'
const MAX_KEPT = 500

type Meta = { origin?: string; requestId?: string; order?: string }
type Tracked = Record<string, Meta>

const readJson = <T>(key: string, fallback: T): T => {
  try {
    return (JSON.parse(localStorage.getItem(key) ?? 'null') as T | null) ?? fallback
  } catch {
    return fallback
  }
}

let allowed: string[] = []
let state: HostState = { kind: 'none' }
const listeners = new Set<(s: HostState) => void>()
const lastStage = new Map<string, string>()
let watcher: Subscription | undefined
/** Bumped on each watch and stop: a subscription that arrives late (Dexie loads after the first paint) for an older one is dropped. */
let watching = 0
let started = 0

function setState(s: HostState) {
  state = s
  for (const fn of listeners) fn(s)
}

/** The host's current request; `fn` runs now and on every change. */
export function onHostState(fn: (s: HostState) => void): () => void {
  listeners.add(fn)
  fn(state)
  return () => listeners.delete(fn)
}

export const hostState = () => state

/** The windows that can be the host: the opener (Paydesk opened by the host) or the parent (embedded). */
function targets(): Window[] {
  const out: Window[] = []
  if (window.opener && window.opener !== window) out.push(window.opener as Window)
  if (window.parent !== window) out.push(window.parent)
  return out
}

/** Post to the host: to `origin` if given (and allowed), else to each allowed origin — a window of another origin drops it. */
function post(data: unknown, origin?: string, source?: MessageEventSource | null) {
  const origins = origin ? (allowed.includes(origin) ? [origin] : []) : allowed
  const wins = source && 'postMessage' in source ? [source as Window] : targets()
  for (const w of wins) {
    for (const o of origins) {
      try {
        w.postMessage(data, o)
      } catch {
        // A closed window: nothing to tell.
      }
    }
  }
}

function track(opId: string, meta: Meta) {
  const t = readJson<Tracked>(TRACKED_KEY, {})
  t[opId] = meta
  const ids = Object.keys(t)
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_KEPT))) delete t[old]
  localStorage.setItem(TRACKED_KEY, JSON.stringify(t))
  watch()
}

/** Marks the result reported before posting it: at most once, across re-renders, reloads and tabs. */
function claim(opId: string): boolean {
  const done = readJson<string[]>(REPORTED_KEY, [])
  if (done.includes(opId)) return false
  done.push(opId)
  localStorage.setItem(REPORTED_KEY, JSON.stringify(done.slice(-MAX_KEPT)))
  return true
}

async function demoOf(op: Operation): Promise<boolean> {
  const types = await engine.listPaymentTypes()
  return !!types.find((t) => t.id === op.paymentTypeId)?.sandbox
}

async function report(op0: Operation, meta: Meta) {
  // A cancel or refund carries the order of the payment it reverses.
  const op = op0.order || !meta.order ? op0 : { ...op0, order: meta.order }
  if (isFinal(op.state)) {
    const demo = await demoOf(op)
    if (readJson<string[]>(REPORTED_KEY, []).includes(op.id)) return
    // The slips print first: the host prints its fiscal receipt once it has the result.
    await printSlipOnce(op)
    if (!claim(op.id)) return
    post(resultMessage(op, { ...(meta.requestId ? { requestId: meta.requestId } : {}), demo }), meta.origin)
    return
  }
  const stage = progressStage(op)
  if (stage && lastStage.get(op.id) !== stage) {
    lastStage.set(op.id, stage)
    post(progressMessage(op, stage, meta.requestId), meta.origin)
  }
}

/** Follow every operation the host started until its one final result is out. */
function watch() {
  watcher?.unsubscribe()
  watcher = undefined
  const gen = ++watching
  // Only a window the host opened or embeds reports (and marks reported); another tab stays out.
  if (!targets().length) return
  const tracked = readJson<Tracked>(TRACKED_KEY, {})
  const reported = new Set(readJson<string[]>(REPORTED_KEY, []))
  const ids = Object.keys(tracked).filter((id) => !reported.has(id))
  if (!ids.length) return
  void Promise.all([import('dexie'), dbReady]).then(([{ liveQuery }]) => {
    if (gen !== watching) return
    watcher = liveQuery(() => db.operations.where('id').anyOf(ids).toArray()).subscribe({
      next: (ops) => {
        for (const op of ops) void report(op, tracked[op.id] ?? {})
      },
      error: (e: unknown) => console.error('paydesk host watch failed', e),
    })
  })
}

function fail(code: HostErrorCode, message: string, ctx: { requestId?: string; order?: string }, origin?: string, source?: MessageEventSource | null) {
  post(errorMessage(code, message, ctx), origin, source)
}

const textOf = (m: Msg) => m.server ?? m.key

/** The UI started the host's payment: its progress and result go to the host. */
export function hostPaymentStarted(opId: string) {
  if (state.kind !== 'pay') return
  track(opId, { ...(state.pay.origin ? { origin: state.pay.origin } : {}), ...(state.pay.requestId ? { requestId: state.pay.requestId } : {}) })
}

/** The customer pressed «Позвать сотрудника»: the host hears it too. */
export function hostStaffCalled(order?: string) {
  post({ type: 'paydesk.staff', protocol: 'paydesk/1', ...(order ? { order } : {}), at: Date.now() })
}

/** The approved, not reversed payment of an order, if any. */
async function paidOf(order: string): Promise<Operation | undefined> {
  const ops = await engine.orderOperations(order)
  return ops.filter((o) => o.kind === 'pay' && o.state === 'approved' && !o.reversedBy).at(-1)
}

async function startPay(req: Extract<HostRequest, { type: 'paydesk.pay' }>, origin?: string, source?: MessageEventSource | null) {
  const ctx = { ...(req.requestId ? { requestId: req.requestId } : {}), order: req.order }
  // A repeated request for a paid order answers with that payment: nothing is charged again. Only for
  // the same amount: another amount is not what was paid, and the host must hear so.
  const paid = await paidOf(req.order)
  if (paid && paid.amount !== req.amount) {
    fail('amount-mismatch', 'the order was paid with another amount', ctx, origin, source)
    return
  }
  if (paid) {
    post(resultMessage(paid, { ...(req.requestId ? { requestId: req.requestId } : {}), repeated: true, demo: await demoOf(paid) }), origin, source)
    return
  }
  const reg = await engine.registerHostOrder({ order: req.order, amount: req.amount, ...(origin ? { origin } : {}) })
  if (!reg.ok) {
    fail('amount-mismatch', 'amount differs from the earlier request for this order', ctx, origin, source)
    // The order on screen keeps its amount; a new screen shows why nothing can be paid.
    if (state.kind !== 'pay' || state.pay.order !== req.order) setState({ kind: 'error', message: reg.message })
    return
  }
  const open = (await engine.orderOperations(req.order)).find((o) => o.kind === 'pay' && !isFinal(o.state))
  if (open) {
    fail('busy', 'a payment for this order is in progress', ctx, origin, source)
    return
  }
  // The till or self-checkout now waits for the customer: the first progress event, before any operation exists.
  post({ type: 'paydesk.progress', protocol: 'paydesk/1', ...ctx, stage: 'waiting-scan' }, origin, source)
  setState({
    kind: 'pay',
    pay: {
      order: req.order,
      amount: req.amount,
      ...(req.currency ? { currency: req.currency } : {}),
      ...(req.items !== undefined ? { items: req.items } : {}),
      ...(req.requestId ? { requestId: req.requestId } : {}),
      ...(origin ? { origin } : {}),
    },
  })
}

/** The PIN guard's dialog loads only when money goes back (it stays out of the till's first load). */
const hostReversalApproved = async (pin: string | undefined) => (await import('./supervisor.ts')).hostReversalApproved(pin)

/** A repeat of an earlier request is answered with that request's operation: its result, or (still open) nothing now. */
async function answerRepeat(op: Operation, req: { requestId?: string; order: string }, origin: string, source: MessageEventSource | null) {
  const withOrder = op.order ? op : { ...op, order: req.order }
  if (isFinal(op.state))
    post(resultMessage(withOrder, { ...(req.requestId ? { requestId: req.requestId } : {}), repeated: true, demo: await demoOf(op) }), origin, source)
  else track(op.id, { origin, order: req.order, ...(req.requestId ? { requestId: req.requestId } : {}) })
}

async function reverse(req: Extract<HostRequest, { type: 'paydesk.cancel' | 'paydesk.refund' }>, origin: string, source: MessageEventSource | null) {
  const ctx = { ...(req.requestId ? { requestId: req.requestId } : {}), order: req.order }
  const kind = req.type === 'paydesk.cancel' ? 'cancel' : 'refund'
  const amount = req.type === 'paydesk.refund' ? req.amount : undefined
  // The same request again (a host resends after its own timeout) moves no money: same host,
  // order, kind, amount and requestId is one request. A new refund of the same amount has a new requestId.
  const dedupe = req.requestId ? JSON.stringify([origin, req.order, kind, amount ?? null, req.requestId]) : undefined
  const earlier = dedupe ? await engine.hostRequestOperation(dedupe) : undefined
  if (earlier) return answerRepeat(earlier, req, origin, source)
  const ops = await engine.orderOperations(req.order)
  const paid = (await paidOf(req.order)) ?? ops.filter((o) => o.kind === 'pay' && o.state === 'approved').at(-1)
  if (!paid) return fail('not-found', 'no approved payment for this order', ctx, origin, source)
  // Money going back through the host has the journal's guard: the host's supervisor PIN, or the till asks.
  if (!(await hostReversalApproved(req.supervisorPin))) return fail('refused', 'not approved by a supervisor', ctx, origin, source)
  const r = await engine.reverse({ opId: paid.id, kind, ...(amount !== undefined ? { amount } : {}), ...(dedupe ? { dedupe } : {}) })
  if (!r.ok) return fail('refused', textOf(r.message), ctx, origin, source)
  if (r.repeated) return answerRepeat(r.op, req, origin, source)
  track(r.op.id, { origin, order: req.order, ...(req.requestId ? { requestId: req.requestId } : {}) })
}

const onMessage = (e: MessageEvent) => void handle(e)

async function handle(e: MessageEvent) {
  if (e.source === window) return
  const data = e.data as { type?: unknown } | null
  // Only Paydesk requests are ours; other frames' chatter is not logged.
  if (!data || typeof data !== 'object' || typeof data.type !== 'string' || !data.type.startsWith('paydesk.')) return
  if (!allowed.includes(e.origin)) {
    await engine.hostRefused(e.origin, `origin not allowed (${data.type.slice(0, 40)})`)
    return
  }
  const parsed = parseHostRequest(e.data)
  if (!parsed.ok) {
    void engine.hostRefused(e.origin, parsed.why)
    return fail(
      parsed.code,
      parsed.why,
      { ...(parsed.requestId ? { requestId: parsed.requestId } : {}), ...(parsed.order ? { order: parsed.order } : {}) },
      e.origin,
      e.source,
    )
  }
  const req = parsed.value
  switch (req.type) {
    case 'paydesk.pay':
      return startPay(req, e.origin, e.source)
    case 'paydesk.cancel':
    case 'paydesk.refund':
      return reverse(req, e.origin, e.source)
    case 'paydesk.void': {
      if (!(await hostReversalApproved(req.supervisorPin)))
        return fail('refused', 'not approved by a supervisor', { ...(req.requestId ? { requestId: req.requestId } : {}), order: req.order }, e.origin, e.source)
      const r = await engine.voidOrder({ order: req.order })
      if (!r.ok) return fail('not-found', textOf(r.message), { ...(req.requestId ? { requestId: req.requestId } : {}), order: req.order }, e.origin, e.source)
      return post(
        {
          type: 'paydesk.voided',
          protocol: 'paydesk/1',
          ...(req.requestId ? { requestId: req.requestId } : {}),
          order: req.order,
          results: r.results.map((x) => ({ operationId: x.opId, outcome: x.outcome })),
        },
        e.origin,
        e.source,
      )
    }
    case 'paydesk.status':
      return post(statusMessage(req.order, await engine.orderOperations(req.order), req.requestId), e.origin, e.source)
  }
}

/**
 * A payment in the URL (`#/pay?…`, `#/self?…`): shown as waiting for the host, never payable by the URL
 * alone — any page can open a URL. An allowed origin's `paydesk.pay` for it makes it the sale.
 */
async function fromUrl() {
  const url = parseHostUrl(location.hash)
  if ('none' in url) return
  if (!url.ok) {
    fail(url.code, url.why, { ...(url.order ? { order: url.order } : {}) })
    setState({ kind: 'error', message: { key: 'host.badAmount', params: { why: url.why } } })
    return
  }
  // The host's message for this order came first: it already is the sale.
  if (state.kind === 'pay' && state.pay.order === url.value.order) return
  setState({
    kind: 'pending',
    pay: { order: url.value.order, amount: url.value.amount, ...(url.value.items !== undefined ? { items: url.value.items } : {}) },
  })
}

/**
 * A reused window (`window.open(url, 'paydesk')`) gets a new URL without a reload: a new
 * order there is a new sale once the sale on screen is final; one still in progress keeps the screen.
 */
const onHash = () => void hashChanged()
async function hashChanged() {
  const url = parseHostUrl(location.hash)
  if ('none' in url) return
  const cur = state.kind === 'pay' || state.kind === 'pending' ? state.pay : undefined
  if (url.ok && cur?.order === url.value.order) return
  if (cur && state.kind === 'pay' && (await engine.orderOperations(cur.order)).some((o) => !isFinal(o.state))) return
  await fromUrl()
  // The host that reused the window hears that this page listens for its confirmation.
  post({ type: 'paydesk.ready', protocol: 'paydesk/1' })
}

/** The host's payment was taken or given up: the screen is free for the next one. */
export function clearHostPay() {
  setState({ kind: 'none' })
}

/**
 * Start listening (the till and the self-checkout call it once). A payment in the URL
 * (`#/pay?…`, `#/self?…`) is read here; a malformed amount is refused to the cashier and the host.
 */
export async function startHost(): Promise<() => void> {
  started++
  allowed = await engine.hostOrigins()
  if (started === 1) {
    window.addEventListener('message', onMessage)
    watch()
    await fromUrl()
    window.addEventListener('hashchange', onHash)
    post({ type: 'paydesk.ready', protocol: 'paydesk/1' })
  }
  return () => {
    if (--started > 0) return
    window.removeEventListener('message', onMessage)
    window.removeEventListener('hashchange', onHash)
    watching++
    watcher?.unsubscribe()
    watcher = undefined
  }
}

/** Settings changed the list: new requests are checked against it at once. */
export async function reloadHostOrigins() {
  allowed = await engine.hostOrigins()
}
