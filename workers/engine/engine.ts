// The payment engine (docs/architecture.md § 2–4): the one object the UI reaches through Comlink. It
// journals every operation before its first request, hands providers a durable `commit`,
// resumes open operations on start, and drains the compensation queue under a Web Lock.
// Errors cross to the UI as data (`{ ok: false, message }`), never as exceptions.
import { ulid, type OperationId } from '../../src/domain/ids.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import { advance, isFinal, type Operation, type OpPatch } from '../../src/domain/operation.ts'
import { backoffDelay } from '../../src/domain/backoff.ts'
import { adminPin } from './admin-pin.ts'
import { moneyGuard } from './money-guard.ts'
import { createShifts } from './shift.ts'
import { journalRow, queryJournal, type JournalCursor } from './journal-query.ts'
import type { JournalFilter } from '../../src/domain/journal.ts'
import { settingsApi } from './settings-api.ts'
import { scanGuard } from './scan-guard.ts'
import { PAY_LOCK, type VerbDeps } from './verbs/deps.ts'
import { payVerb } from './verbs/pay.ts'
import { reverseVerb } from './verbs/reverse.ts'
import { voidVerb } from './verbs/void.ts'
import { reconcileVerb } from './verbs/reconcile.ts'
import { loyaltyVerb } from './verbs/loyalty.ts'
export type { PayRequest } from './verbs/pay.ts'
import { paymentTypesApi } from './payment-types.ts'
export type { PaymentTypeView, PaymentTypeInput } from './payment-types.ts'
import { newOperation } from './new-operation.ts'
import { staffNote } from './staff-note.ts'
import { queueRunner, queueStore } from './queue.ts'
import { hostOrders } from './host-orders.ts'
import { realRandom, type Clock } from './clock.ts'
import type { PaydeskDb, QueueEntry } from './db.ts'
import { NOT_AVAILABLE, type Locks } from './locks.ts'
import { MAX_REFUSALS } from './queue.ts'
import { createLogger, scrub, type Logger } from './log.ts'
import { memoOf } from './memo.ts'
import { createHttp, type Http } from '../transport/http.ts'
import { stopChannel, type StopChannel } from './tabs.ts'
import { createSync, type DemoStore } from './sync/sync.ts'
import { createRecovery } from './recovery.ts'
import { providerStore } from './provider-store.ts'
import type { AnyProvider, DemoPaymentType, OpCtx, PaymentType, ProbeCtx, QueueVerdict, StatusAnswer } from '../providers/types.ts'

export { DOUBLE_SCAN_MS } from './scan-guard.ts'
/** docs/rules.md R5: the queue drains at least every 30 s. */
export const QUEUE_TICK_MS = 30_000
export { QUEUE_LOCK, MAX_REFUSALS } from './queue.ts'
const OP_LOCK = (id: string) => `paydesk-op-${id}`

export interface EngineDeps {
  db: PaydeskDb
  fetch: typeof fetch
  clock: Clock
  locks: Locks
  providers: readonly AnyProvider[]
  random?: () => number
  /** Base for relative provider URLs (the worker's origin). */
  baseUrl?: string
  /** Run the queue timer (the browser does; tests drain by hand). */
  timers?: boolean
  /** Override the transport (tests hold replies with it). */
  http?: (source: string, log: Logger) => Http
  /** A demo build: the payment types a newcomer starts with (seeded once, on an empty settings table). */
  demo?: { paymentTypes: readonly DemoPaymentType[] }
  /**
   * `refuse` (a production worker): a payment type bound to an emulator (`Provider.emulated`) is shown disabled,
   * cannot be saved and never runs. Default `allow` (a demo build, the tests against the sandbox).
   */
  emulators?: 'allow' | 'refuse'
  /** How a stop pressed in one tab reaches the worker driving the payment (default: a BroadcastChannel per database). */
  stops?: StopChannel
  /** A demo build's store, which the till joins by itself. */
  demoStore?: DemoStore
}

export type Result<T = object> = ({ ok: true } & T) | { ok: false; message: Msg; ignored?: boolean }

export function createEngine(deps: EngineDeps) {
  const { db, clock, locks } = deps
  const random = deps.random ?? realRandom
  const providers = new Map(deps.providers.map((p) => [p.id, p]))
  const log: Logger = createLogger(
    db,
    () => clock.now(),
    () => types.secretValues(),
  )
  // Payment types (settings): the stored types, their secrets, their views and the settings calls.
  // Configuration and the providers' stored state from memory, dropped when the settings change anywhere.
  const memo = memoOf(db, ['settings', 'secrets'])
  const types = paymentTypesApi(deps, { providers, log, memo, probeContext: (pt, p, config) => probeContext(pt, p, config) })
  const { paymentTypes, loadConfig, refreshSecretValues, seedDemo, listPaymentTypes, savePaymentType, deletePaymentType, importConfFile, exportConfFile } =
    types
  const makeHttp = deps.http ?? ((source: string, l: Logger) => createHttp(deps.fetch, l, source, () => clock.now()))
  const running = new Set<Promise<unknown>>()
  const stopFlags = new Map<string, { stopped: boolean; onStop: Set<() => void>; signal: AbortController }>()
  const checkScan = scanGuard(db, clock)
  const queue = queueStore(db)
  const pin = adminPin(db, clock, undefined, locks)
  const guard = moneyGuard(db, clock, log, locks)
  const host = hostOrders(db, log, () => clock.now())
  let wake: AbortController | undefined
  let stopped = false
  // «Прекратить ожидание» may be pressed in a tab whose worker is not the one driving the payment.
  const stops = deps.stops ?? stopChannel(db.name)
  stops.listen((opId) => markStopped(opId))

  /** The cashier stopped waiting for this operation (here or in another tab): wake and release whoever waits. */
  function markStopped(opId: string) {
    const f = stopFlags.get(opId)
    if (!f || f.stopped) return
    f.stopped = true
    f.signal.abort()
    for (const cb of f.onStop) cb()
  }

  const track = <T>(p: Promise<T>): Promise<T> => {
    running.add(p)
    void p.finally(() => running.delete(p)).catch(() => undefined)
    return p
  }

  // ---- journal ---------------------------------------------------------------------------

  async function commit(id: string, patch: OpPatch): Promise<Operation> {
    return db.transaction('rw', db.operations, async () => {
      const cur = await db.operations.get(id)
      if (!cur) throw new Error(`no operation ${id}`)
      const next = advance(cur, patch, clock.now())
      await db.operations.put(next)
      return next
    })
  }

  function newId(): OperationId {
    const bytes = new Uint8Array(16)
    crypto.getRandomValues(bytes)
    return ulid(clock.now(), bytes)
  }

  function flagFor(op: Operation) {
    let f = stopFlags.get(op.id)
    if (!f) {
      const signal = new AbortController()
      if (op.cashierLeft) signal.abort()
      stopFlags.set(op.id, (f = { stopped: !!op.cashierLeft, onStop: new Set(), signal }))
    }
    return f
  }

  function context(op0: Operation, pt: PaymentType, provider: AnyProvider, config: unknown): OpCtx<unknown> {
    let op = op0
    const flag = flagFor(op0)
    const http = makeHttp(provider.id, log)
    const ctx: OpCtx<unknown> = {
      get op() {
        return op
      },
      config,
      paymentType: pt,
      http,
      clock,
      log,
      async commit(patch) {
        op = await commit(op.id, patch)
        return op
      },
      async compensate(patch) {
        const compId = newId()
        const now = clock.now()
        op = await db.transaction('rw', db.operations, db.queue, async () => {
          const cur = (await db.operations.get(op.id))!
          const next = advance(cur, { ...patch, state: patch.state ?? 'compensating', reversedBy: compId, queued: true }, now)
          const comp = newOperation(
            { id: compId, kind: 'cancel', provider: cur.provider, paymentTypeId: cur.paymentTypeId, amount: cur.amount, currency: cur.currency },
            now,
            { compensates: cur.id, queued: true, note: `compensates ${cur.id}`, ...(cur.ref ? { ref: cur.ref } : {}) },
          )
          await db.operations.put(next)
          await db.operations.add(comp)
          await queue.push({ provider: cur.provider, paymentTypeId: cur.paymentTypeId, opId: compId, attempt: 0, nextAttemptAt: now, createdAt: now })
          return next
        })
        log.warn('engine', 'compensation queued', { compensation: compId }, op.id)
        kickQueue()
      },
      async queueSelf(patch) {
        const now = clock.now()
        op = await db.transaction('rw', db.operations, db.queue, async () => {
          const cur = (await db.operations.get(op.id))!
          const next = advance(cur, { ...patch, queued: true }, now)
          await db.operations.put(next)
          await queue.push({
            provider: cur.provider,
            paymentTypeId: cur.paymentTypeId,
            opId: cur.id,
            attempt: 0,
            nextAttemptAt: now + backoffDelay(0, random(), provider.queueFloorMs),
            createdAt: now,
          })
          return next
        })
        log.warn('engine', 'operation queued', {}, op.id)
        kickQueue()
      },
      waiting: () => !flag.stopped,
      // Wakes early when the cashier stops waiting during this pause; later pauses are whole. After a whole pause
      // the journal says whether a stop was pressed in another tab whose message did not arrive.
      pause: async (ms) => {
        if (flag.stopped) return clock.sleep(ms)
        await clock.sleep(ms, flag.signal.signal).catch(() => undefined)
        if (!flag.stopped && (await db.operations.get(op.id))?.cashierLeft) markStopped(op.id)
      },
      store: storeFor(provider, pt),
    }
    return ctx
  }

  function storeFor(provider: AnyProvider, pt: PaymentType): OpCtx<unknown>['store'] {
    const store = providerStore(db, provider.id, pt.id, async (key) => {
      if (provider.secretStoreKey?.(key)) await refreshSecretValues()
    })
    // The stored state from memory, dropped when the settings table changes anywhere.
    const k = (key: string) => `${provider.id}:${pt.id}:${key}`
    return { ...store, get: async <T>(key: string) => structuredClone(await memo.get(k(key), () => store.get(key))) as T | undefined }
  }

  /** Run one provider procedure on an operation, holding its lock so no tab runs it twice. */
  async function drive(
    op: Operation,
    job: (ctx: OpCtx<unknown>, provider: AnyProvider) => Promise<void>,
    ifAvailable = false,
    loaded?: Awaited<ReturnType<typeof loadConfig>>,
    journaled?: Operation,
  ): Promise<Operation> {
    // A verb that has just loaded the type's config (pay) hands it over: two IndexedDB reads fewer per payment (bench).
    const cfg = loaded?.ok && loaded.pt.id === op.paymentTypeId ? loaded : await loadConfig(op.paymentTypeId)
    if (!cfg.ok) {
      log.error('engine', 'cannot drive operation: payment type unusable', { message: cfg.message.key }, op.id)
      return op
    }
    const r = await locks.run(
      OP_LOCK(op.id),
      async () => {
        // Pay hands over the row it has just journaled (one read fewer a payment): should another context have
        // moved it meanwhile, the provider's first commit re-reads it and refuses to move a final state.
        const fresh = journaled?.id === op.id ? journaled : (await db.operations.get(op.id))!
        if (isFinal(fresh.state)) return fresh
        const ctx = context(fresh, cfg.pt, cfg.provider, cfg.config)
        try {
          await job(ctx, cfg.provider)
        } catch (e) {
          log.error('engine', 'provider procedure failed', { error: String(e) }, op.id)
          await afterThrow(ctx, cfg.provider)
        }
        return ctx.op
      },
      { ifAvailable },
    )
    return r === NOT_AVAILABLE ? op : r
  }

  /**
   * A provider procedure that threw is an unknown outcome, never an exception for the UI.
   * Nothing proves the request did not leave, so the operation becomes `unknown` and is resolved as
   * after a lost reply: by the provider's own resume (status first); if that throws too, a payment is
   * compensated and a reversal queued, where the queue's status check decides. No money moves in a loyalty call.
   */
  async function afterThrow(ctx: OpCtx<unknown>, provider: AnyProvider): Promise<void> {
    const cur = (await db.operations.get(ctx.op.id))!
    if (isFinal(cur.state) || cur.queued || cur.state === 'compensating') return
    if (cur.kind === 'loyalty') {
      await ctx.commit({ state: 'declined', message: msg('common.declined', { code: 'error' }), note: 'provider procedure failed' })
      return
    }
    if (cur.state === 'created')
      await ctx.commit({ state: 'sent', sentAt: clock.now(), note: 'provider failed before journaling its request: treated as sent' })
    if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: 'provider procedure failed: outcome unknown' })
    try {
      await provider.resume(ctx)
      return
    } catch (e) {
      log.error('engine', 'provider resume failed', { error: String(e) }, ctx.op.id)
    }
    const now = (await db.operations.get(ctx.op.id))!
    if (isFinal(now.state) || now.queued || now.state === 'compensating') return
    if (now.kind === 'pay') await ctx.compensate({ message: msg('common.unknownAttention'), note: 'provider procedure failed twice: compensation queued' })
    else await ctx.queueSelf({ message: msg('common.cancelQueued'), note: 'provider procedure failed twice: queued' })
  }

  /**
   * docs/rules.md R8 for providers that block while compensating (docs/protocols/oplati.md § 4.4): while it is unreachable or
   * has queued work, probe; when the probe passes, send the queue now; refuse while anything is left.
   */
  async function gate(p: AnyProvider, pt: PaymentType, config: unknown): Promise<Msg | undefined> {
    if (!p.capabilities.blockWhileCompensating) return undefined
    const queued = () => queue.count(p.id)
    const unreachable = p.unreachable ? await p.unreachable(probeContext(pt, p, config)) : false
    if (!unreachable && (await queued()) === 0) return undefined
    const blocked = p.blockedMessage ?? msg('common.busy')
    const ok = p.probe ? await p.probe(probeContext(pt, p, config)).catch(() => false) : false
    if (!ok) return blocked
    if ((await queued()) === 0) return undefined
    // Reachable again: the waiting entries go now, not at their backoff time.
    await queue.hurry(p.id, clock.now())
    await runner.drainQueue()
    return (await queued()) === 0 ? undefined : blocked
  }

  function probeContext(pt: PaymentType, provider: AnyProvider, config: unknown): ProbeCtx<unknown> {
    return { config, paymentType: pt, http: makeHttp(provider.id, log), clock, log, store: storeFor(provider, pt) }
  }

  /** Admin view of a payment type's durable provider state (O!plati: token stored, out of sync). */
  async function providerStatus(ptId: string): Promise<Result<{ status: Record<string, string | boolean> }>> {
    const cfg = await loadConfig(ptId)
    if (!cfg.ok) return cfg
    const status = cfg.provider.admin ? await cfg.provider.admin.status(probeContext(cfg.pt, cfg.provider, cfg.config)) : {}
    return { ok: true, status }
  }

  /** Run an admin action (contract 2): only the inputs it declares, as trimmed strings of at most 256 characters. */
  async function providerAction(ptId: string, action: string, input: Record<string, string> = {}): Promise<Result<{ message: Msg }>> {
    const cfg = await loadConfig(ptId)
    if (!cfg.ok) return cfg
    const a = cfg.provider.admin?.actions[action]
    if (!a) return { ok: false, message: msg('common.notSupported') }
    const clean: Record<string, string> = {}
    for (const f of a.inputs ?? []) {
      const v = input[f.name]
      if (v !== undefined && (typeof v !== 'string' || v.length > 256)) return { ok: false, message: msg('config.badFormat', { field: f.name, value: '…' }) }
      clean[f.name] = (v ?? '').trim()
    }
    const message = await a.run(probeContext(cfg.pt, cfg.provider, cfg.config), clean)
    await refreshSecretValues()
    return { ok: true, message }
  }

  /** The cashier's «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51): check-status.ts, loaded on first use. */
  async function checkStatus(req: { opId: string }): Promise<Result<{ op: Operation; answer: StatusAnswer; settled: boolean }>> {
    const { checkStatus: run } = await import('./check-status.ts')
    return run({ db, clock, log, locks, loadConfig, probeContext, payLock: PAY_LOCK, opLock: OP_LOCK }, req)
  }

  async function stopWaiting(opId: string): Promise<Result> {
    const op = await db.operations.get(opId)
    if (!op) return { ok: false, message: msg('common.noOperation') }
    flagFor(op)
    if (!isFinal(op.state)) await commit(opId, { cashierLeft: true, note: 'cashier stopped waiting' })
    markStopped(opId)
    stops.post(opId)
    log.warn('engine', 'cashier stopped waiting', {}, opId)
    // If the worker that drove it is gone (its lock free), this tab takes it over now.
    await recovery.pickUp(opId)
    return { ok: true }
  }

  // ---- recovery and queue ----------------------------------------------------------------

  // Open operations nobody drives are taken over at start, on the timer's sweeps and on a stop.
  const recovery = createRecovery({ db, clock, log, drive, track, finishQueued: (comp) => finishQueued(comp) })

  async function finishQueued(op: Operation) {
    if (!op.compensates) return
    const orig = await db.operations.get(op.compensates)
    if (!orig || isFinal(orig.state)) return
    if (op.state === 'approved') await commit(orig.id, { state: 'compensated', message: msg('common.compensated'), note: `compensated by ${op.id}` })
    else if (isFinal(op.state))
      await commit(orig.id, { state: 'needs-attention', message: msg('common.compensationFailed'), note: `compensation ${op.id} ${op.state}` })
  }

  const runner = queueRunner({
    store: queue,
    db,
    clock,
    random,
    locks,
    log,
    floorMs: (provider) => providers.get(provider as AnyProvider['id'])?.queueFloorMs ?? 0,
    attempt: async (op) => {
      let verdict: QueueVerdict = { kind: 'done' }
      const after = await drive(
        op,
        async (ctx, prov) => {
          // A throwing attempt is tried again later, like a transport error (the entry stays).
          verdict = await prov.runQueued(ctx).catch((e: unknown) => ({ kind: 'retry' as const, error: `provider procedure failed: ${String(e)}` }))
        },
        true,
      )
      return after === op && !isFinal(op.state) ? { kind: 'retry', error: 'operation busy in another context' } : verdict
    },
    giveUp: async (opId, error) => {
      await commit(opId, { state: 'needs-attention', message: msg('common.compensationFailed'), note: `refused ${MAX_REFUSALS} times: ${error}` })
    },
    finished: finishQueued,
  })

  /** Take over what nobody drives, then drain every provider's queue once if this tab holds the queue lock. */
  async function drainQueue(): Promise<Result<{ drained: number; drainer: boolean }>> {
    await recovery.sweep('sweep').catch((e: unknown) => log.error('engine', 'sweep failed', { error: String(e) }))
    return runner.drainQueue()
  }

  function kickQueue() {
    if (deps.timers) wake?.abort()
  }

  async function timerLoop() {
    while (!stopped) {
      wake = new AbortController()
      await drainQueue().catch(() => undefined)
      const next = await queue.nextDue()
      const due = Math.min(next?.nextAttemptAt ?? Infinity, recovery.wakeAt() ?? Infinity)
      const wait = Math.max(250, Math.min(QUEUE_TICK_MS, due - clock.now()))
      await clock.sleep(wait, wake.signal).catch(() => undefined)
    }
  }

  async function start(): Promise<Result> {
    await seedDemo()
    await refreshSecretValues()
    await recovery.sweep('start')
    if (deps.timers) void timerLoop()
    else await drainQueue()
    await sync.start()
    return { ok: true }
  }

  async function exportJournal(): Promise<string> {
    const ops = await db.operations.orderBy('createdAt').toArray()
    const clean = ops.map((o) => ({ ...o, code: o.code ? { masked: o.code.masked, hash: o.code.hash } : undefined }))
    return JSON.stringify({ exportedAt: new Date(clock.now()).toISOString(), operations: scrub(clean, types.secretValues()) }, null, 2)
  }

  async function exportLog(): Promise<string> {
    await log.flush()
    const rows = await db.log.orderBy('id').toArray()
    return rows.map((r) => JSON.stringify(scrub(r, types.secretValues()))).join('\n')
  }

  async function queueStatus(): Promise<{ length: number; oldestAt?: number; entries: QueueEntry[] }> {
    const entries = await queue.all()
    const oldest = entries.reduce<number | undefined>((m, e) => (m === undefined || e.createdAt < m ? e.createdAt : m), undefined)
    return { length: entries.length, ...(oldest !== undefined ? { oldestAt: oldest } : {}), entries }
  }

  // One module per verb over a shared deps object.
  const verbs: VerbDeps = {
    db,
    clock,
    log,
    locks,
    providers,
    queue,
    host,
    loadConfig,
    checkScan,
    gate,
    probeContext,
    newId,
    track,
    drive,
    flagFor,
    stopWaiting,
    reverse: (r) => reverse(r),
  }
  const pay = payVerb(verbs)
  const reverse = reverseVerb(verbs)
  const voidOrder = voidVerb(verbs)
  const reconcile = reconcileVerb(verbs)
  const addLoyaltyCard = loyaltyVerb(verbs)

  const shifts = createShifts({ db, clock, log, paymentTypes, loadConfig, probeContext, newId })
  // Import preview/merge, «Проверить связь», the settings change log, the supervisor PIN.
  const settings = settingsApi({
    db,
    clock,
    log,
    providers,
    baseUrl: deps.baseUrl,
    adminPinSet: pin.isSet,
    verifyAdminPin: (p: string) => pin.verify(p),
    locks,
    refreshSecretValues,
    loadConfig,
    probeContext,
  })
  // The store outbox rides on the journal's hooks (db.ts); the sync pushes after commits, never in their way.
  const sync = createSync({
    db,
    clock,
    locks,
    log,
    random,
    fetch: deps.fetch,
    timers: !!deps.timers,
    baseUrl: deps.baseUrl,
    demoStore: deps.demoStore,
    schemaOf: (id) => providers.get(id)?.schema,
    afterConfig: refreshSecretValues,
  })

  return {
    ...shifts,
    ...settings.calls,
    ...sync.calls,
    /** The journal's search and filters over the whole journal. */
    journalPage: (f: JournalFilter, cursor?: JournalCursor) => queryJournal(db, f, cursor),
    journalRow: (id: string) => journalRow(db, id),
    start,
    pay,
    reverse,
    stopWaiting,
    drainQueue,
    /** The browser's `online` event (docs/rules.md R5). */
    online: async () => {
      sync.online()
      kickQueue()
      if (!deps.timers) await drainQueue()
      return { ok: true } as Result
    },
    listPaymentTypes,
    providerStatus,
    providerAction,
    checkStatus,
    reconcile,
    addLoyaltyCard,
    voidOrder,
    savePaymentType: settings.recordingSave(savePaymentType),
    deletePaymentType: settings.recordingDelete(deletePaymentType),
    importConf: importConfFile,
    exportConf: exportConfFile,
    /** The admin PIN in front of Settings: is one set, check it, set/change/remove it. */
    adminPinSet: pin.isSet,
    verifyAdminPin: (p: string) => pin.verify(p),
    /** the self-checkout behind the admin PIN, its exit's own tries, the PIN money going back needs. */
    kioskStart: guard.kioskStart,
    verifyKioskExit: guard.verifyKioskExit,
    reversalGuard: guard.reversalGuard,
    verifyReversalPin: guard.verifyReversalPin,
    hostRequestOperation: guard.hostRequestOperation,
    setAdminPin: settings.recordingAdminPin((r: { current: string; next: string }) => pin.set(r.current, r.next)),
    /** Host POS contract v1: allowed origins, host orders and their journal, refused requests. */
    hostOrigins: host.origins,
    setHostOrigins: host.setOrigins,
    registerHostOrder: host.register,
    orderOperations: host.operations,
    hostRefused: async (origin: string, why: string) => host.refused(origin, why),
    /** A customer read a customer sentence instead of a staff text: the log keeps the staff text. */
    noteForStaff: staffNote(log),
    exportJournal,
    exportLog: settings.exportWithChanges(exportLog),
    queueStatus,
    /** Is the journal's storage persistent (granted to the page's request)? undefined where unknown. */
    storagePersisted: async (): Promise<boolean | undefined> =>
      typeof navigator !== 'undefined' && navigator.storage?.persisted ? navigator.storage.persisted().catch(() => undefined) : undefined,
    /** Tests: wait until every procedure started so far has finished, and the log is written. */
    settled: async () => {
      while (running.size) await Promise.allSettled([...running])
      await log.flush()
    },
    stop: () => {
      stopped = true
      wake?.abort()
      stops.close()
      sync.stop()
      memo.stop()
    },
  }
}

export type Engine = ReturnType<typeof createEngine>
