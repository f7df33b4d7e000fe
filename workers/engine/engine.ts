// The payment engine (docs/architecture.md § 2–4): the one object the UI reaches through Comlink. It
// journals every operation before its first request, hands providers a durable `commit`,
// resumes open operations on start, and drains the compensation queue under a Web Lock.
// Errors cross to the UI as data (`{ ok: false, message }`), never as exceptions.
import { msg, type Msg } from '../../src/domain/messages.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import { adminPin } from './admin-pin.ts'
import { moneyGuard } from './money-guard.ts'
import type { JournalCursor } from './journal-query.ts'
import type { JournalFilter } from '../../src/domain/journal.ts'
import { scanGuard } from './scan-guard.ts'
import { PAY_LOCK, type VerbDeps } from './verbs/deps.ts'
import { payVerb } from './verbs/pay.ts'
import { loyaltyVerb } from './verbs/loyalty.ts'
export type { PayRequest } from './verbs/pay.ts'
import { paymentTypesApi } from './payment-types.ts'
export type { PaymentTypeView, PaymentTypeInput } from './payment-types.ts'
import { queueStore, type QueueStatus } from './queue.ts'
import { MAX_REFUSALS, queueRunner } from './queue-runner.ts'
import { staffNote } from './staff-note.ts'
import { hostOrders } from './host-orders.ts'
import { realRandom } from './clock.ts'
import { createLogger, scrub, type Logger } from './log.ts'
import { memoOf } from './memo.ts'
import { createHttp } from '../transport/http.ts'
import { stopChannel } from './tabs.ts'
import { lazySync } from './sync/lazy.ts'
import { createRecovery, finishCompensated } from './recovery.ts'
import { opContexts } from './op-context.ts'
import { createDrive, OP_LOCK } from './drive.ts'
import { gateOf } from './gate.ts'
import { onDemand, onDemandCalls, once } from './on-demand.ts'
import type { Result } from './result.ts'
import type { EngineDeps } from './engine-deps.ts'
import type { AnyProvider, QueueVerdict, StatusAnswer } from '../providers/types.ts'

export type { Result } from './result.ts'
export type { EngineDeps } from './engine-deps.ts'
export { DOUBLE_SCAN_MS } from './scan-guard.ts'
/** docs/rules.md R5: the queue drains at least every 30 s. */
export const QUEUE_TICK_MS = 30_000
export { QUEUE_LOCK, MAX_REFUSALS } from './queue-runner.ts'

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
  const checkScan = scanGuard(db, clock)
  const queue = queueStore(db)
  const pin = adminPin(db, clock, undefined, locks)
  const guard = moneyGuard(db, clock, log, locks)
  const host = hostOrders(db, log, () => clock.now())
  let wake: AbortController | undefined
  let stopped = false
  // The operation context each provider procedure gets, and the cashier's stop flags.
  const contexts = opContexts({ db, clock, log, random, queue, memo, makeHttp, refreshSecretValues, kickQueue: () => kickQueue() })
  const { commit, newId, flagFor, markStopped, probeContext } = contexts
  // «Прекратить ожидание» may be pressed in a tab whose worker is not the one driving the payment.
  const stops = deps.stops ?? stopChannel(db.name)
  stops.listen((opId) => markStopped(opId))
  const drive = createDrive({ db, clock, log, locks, loadConfig, contexts })
  const gate = gateOf({ clock, queue, probeContext, drainQueue: () => runner.drainQueue() })

  const track = <T>(p: Promise<T>): Promise<T> => {
    running.add(p)
    void p.finally(() => running.delete(p)).catch(() => undefined)
    return p
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

  const finishQueued = finishCompensated(db, commit)

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

  /** What the page shows of the queue (the status bar, Settings): it asks here, never reads the table. */
  const queueStatus = (): Promise<QueueStatus> => queue.status()

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
  // What a first sale never needs loads on first use (on-demand.ts).
  const pay = payVerb(verbs)
  const reverse = onDemand(() => import('./verbs/reverse.ts').then((m) => m.reverseVerb(verbs)))
  const voidOrder = onDemand(() => import('./verbs/void.ts').then((m) => m.voidVerb(verbs)))
  const reconcile = onDemand(() => import('./verbs/reconcile.ts').then((m) => m.reconcileVerb(verbs)))
  const addLoyaltyCard = loyaltyVerb(verbs)

  const shifts = onDemandCalls(() => import('./shift.ts').then((m) => m.createShifts({ db, clock, log, paymentTypes, loadConfig, probeContext, newId })), {
    shiftStatus: true,
    setCashier: true,
    xReport: true,
    closeDay: true,
    shiftReport: true,
    listShifts: true,
  })
  // Import preview/merge, «Проверить связь», the settings change log, the supervisor PIN: Settings' calls.
  const settings = once(() =>
    import('./settings-api.ts').then((m) =>
      m.settingsApi({
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
      }),
    ),
  )
  const settingsCalls = onDemandCalls(async () => (await settings()).calls, {
    previewImport: true,
    applyImport: true,
    checkConnection: true,
    settingsChanges: true,
    supervisorPinSet: true,
    verifySupervisorPin: true,
    setSupervisorPin: true,
  })
  // The store outbox rides on the journal's hooks (db.ts); the sync pushes after commits, never in their way.
  // Its code loads when the till has a store (sync/lazy.ts).
  const sync = lazySync({
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
    ...settingsCalls,
    ...sync.calls,
    /** The journal's search and filters over the whole journal. */
    journalPage: async (f: JournalFilter, cursor?: JournalCursor) => (await import('./journal-query.ts')).queryJournal(db, f, cursor),
    journalRow: async (id: string) => (await import('./journal-query.ts')).journalRow(db, id),
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
    savePaymentType: onDemand(async () => (await settings()).recordingSave(savePaymentType)),
    deletePaymentType: onDemand(async () => (await settings()).recordingDelete(deletePaymentType)),
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
    setAdminPin: onDemand(async () => (await settings()).recordingAdminPin((r: { current: string; next: string }) => pin.set(r.current, r.next))),
    /** Host POS contract v1: allowed origins, host orders and their journal, refused requests. */
    hostOrigins: host.origins,
    setHostOrigins: host.setOrigins,
    registerHostOrder: host.register,
    orderOperations: host.operations,
    hostRefused: async (origin: string, why: string) => host.refused(origin, why),
    /** A customer read a customer sentence instead of a staff text: the log keeps the staff text. */
    noteForStaff: staffNote(log),
    exportJournal,
    exportLog: onDemand(async () => (await settings()).exportWithChanges(exportLog)),
    queueStatus,
    /** Is the journal's storage persistent (granted to the page's request)? undefined where unknown. */
    storagePersisted: async (): Promise<boolean | undefined> =>
      typeof navigator !== 'undefined' && navigator.storage?.persisted ? navigator.storage.persisted().catch(() => undefined) : undefined,
    /** Tests: wait until every procedure started so far has finished, and the log is written. */
    settled: async () => {
      while (running.size) await Promise.allSettled([...running])
      await log.flush()
    },
    /** Tests: write the log rows still held in memory, without waiting for the procedures (a dead tab's never end). */
    flushLog: () => log.flush(),
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
