// The operation context (docs/architecture.md § 3): what the engine hands a provider procedure — the
// operation's latest committed state, a durable `commit` (strict, before the next side effect),
// `compensate` and `queueSelf` (the state change and the queue entry in one transaction, R4.6, R5), the
// cashier's «Прекратить ожидание» as `waiting()`/`pause()`, and a provider-scoped store.
import { ulid, type OperationId } from '../../src/domain/ids.ts'
import type { Msg } from '../../src/domain/messages.ts'
import { advance, type Operation, type OpPatch } from '../../src/domain/operation.ts'
import { backoffDelay } from '../../src/domain/backoff.ts'
import type { AnyProvider, OpCtx, PaymentType, ProbeCtx } from '../providers/types.ts'
import type { Http } from '../transport/http.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import type { Logger } from './log.ts'
import type { Memo } from './memo.ts'
import { newOperation } from './new-operation.ts'
import { memoProviderStore } from './provider-store.ts'
import type { QueueStore } from './queue.ts'

export interface OpContextDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  random: () => number
  queue: QueueStore
  memo: Memo
  makeHttp: (source: string, log: Logger) => Http
  refreshSecretValues: () => Promise<void>
  /** Something was queued: wake the queue's timer. */
  kickQueue: () => void
}

/**
 * The operation is not in the journal yet (a payment, the happy path's one strict commit fewer): its first commit
 * writes it with that commit's patch in one transaction, and any side effect before that — a request, a pause, a
 * store write, a queue entry — writes it as it is first. Write-ahead holds: the row is on disk before the first
 * request. It may refuse (the scan guard's journal half): then nothing was written and nothing sent.
 */
export type FirstWrite = (patch?: OpPatch) => Promise<Operation>

/** The first write refused the operation: nothing is journaled, nothing was sent, the caller answers `refusal`. */
export class NotJournaled extends Error {
  constructor(readonly refusal: { ok: false; message: Msg; ignored?: boolean }) {
    super(`not journaled: ${refusal.message.key}`)
  }
}

/** Whether the cashier still waits for an operation; `onStop` runs when they stop (here or in another tab). */
export interface StopFlag {
  stopped: boolean
  onStop: Set<() => void>
  signal: AbortController
}

export function opContexts(d: OpContextDeps) {
  const { db, clock, log, queue } = d
  const stopFlags = new Map<string, StopFlag>()

  /** The cashier stopped waiting for this operation (here or in another tab): wake and release whoever waits. */
  function markStopped(opId: string) {
    const f = stopFlags.get(opId)
    if (!f || f.stopped) return
    f.stopped = true
    f.signal.abort()
    for (const cb of f.onStop) cb()
  }

  function flagFor(op: Operation): StopFlag {
    let f = stopFlags.get(op.id)
    if (!f) {
      const signal = new AbortController()
      if (op.cashierLeft) signal.abort()
      stopFlags.set(op.id, (f = { stopped: !!op.cashierLeft, onStop: new Set(), signal }))
    }
    return f
  }

  /** One state change of the journal, committed (strict) before the caller's next side effect. */
  async function commit(id: string, patch: OpPatch): Promise<Operation> {
    return db.transaction('rw', db.operations, async () => {
      // Read fresh (another tab may have written `cashierLeft`, the store its acknowledgement), put back advanced.
      const cur = await db.rowForUpdate(id)
      if (!cur) throw new Error(`no operation ${id}`)
      const next = advance(cur, patch, clock.now())
      await db.operations.put(next)
      return next
    })
  }

  /**
   * `commit` for the context that last committed `base`: the same state change in one IndexedDB round trip fewer
   * (`putOver`); should another writer have moved the row meanwhile, the patch goes onto the row as stored.
   */
  async function commitOver(base: Operation, patch: OpPatch): Promise<Operation> {
    return db.transaction('rw', db.operations, async () => {
      const next = advance(base, patch, clock.now())
      const moved = await db.putOver(base, next)
      if (!moved) return next
      const again = advance(moved, patch, clock.now())
      await db.operations.put(again)
      return again
    })
  }

  function newId(): OperationId {
    const bytes = new Uint8Array(16)
    crypto.getRandomValues(bytes)
    return ulid(clock.now(), bytes)
  }

  function storeFor(provider: AnyProvider, pt: PaymentType): OpCtx<unknown>['store'] {
    return memoProviderStore(db, d.memo, provider, pt, d.refreshSecretValues)
  }

  function probeContext(pt: PaymentType, provider: AnyProvider, config: unknown): ProbeCtx<unknown> {
    return { config, paymentType: pt, http: d.makeHttp(provider.id, log), clock, log, store: storeFor(provider, pt) }
  }

  /** The context of one procedure; `journaled()` resolves once the operation is in the journal (see FirstWrite). */
  function context(
    op0: Operation,
    pt: PaymentType,
    provider: AnyProvider,
    config: unknown,
    first?: FirstWrite,
  ): OpCtx<unknown> & { journaled(): Promise<void> } {
    let op = op0
    const flag = flagFor(op0)
    let writing: Promise<void> | undefined = first ? undefined : Promise.resolve()
    const write = (patch?: OpPatch) =>
      (writing = (async () => {
        op = await first!(patch)
      })())
    /** Before any side effect: the operation is in the journal. */
    const journaled = () => writing ?? write()
    const http = d.makeHttp(provider.id, log)
    const store = storeFor(provider, pt)
    const ctx: OpCtx<unknown> & { journaled(): Promise<void> } = {
      journaled,
      get op() {
        return op
      },
      config,
      paymentType: pt,
      http: {
        send: async (req) => {
          await journaled()
          return http.send(req)
        },
      },
      clock,
      log,
      async commit(patch) {
        if (!writing) await write(patch)
        else {
          await writing
          op = await commitOver(op, patch)
        }
        return op
      },
      async compensate(patch) {
        await journaled()
        const compId = newId()
        const now = clock.now()
        op = await queue.tx('rw', [db.operations], async () => {
          const cur = (await db.rowForUpdate(op.id))!
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
        d.kickQueue()
      },
      async queueSelf(patch) {
        await journaled()
        const now = clock.now()
        op = await queue.tx('rw', [db.operations], async () => {
          const cur = (await db.rowForUpdate(op.id))!
          const next = advance(cur, { ...patch, queued: true }, now)
          await db.operations.put(next)
          await queue.push({
            provider: cur.provider,
            paymentTypeId: cur.paymentTypeId,
            opId: cur.id,
            attempt: 0,
            nextAttemptAt: now + backoffDelay(0, d.random(), provider.queueFloorMs),
            createdAt: now,
          })
          return next
        })
        log.warn('engine', 'operation queued', {}, op.id)
        d.kickQueue()
      },
      waiting: () => !flag.stopped,
      // Wakes early when the cashier stops waiting during this pause; later pauses are whole. After a whole pause
      // the journal says whether a stop was pressed in another tab whose message did not arrive.
      pause: async (ms) => {
        await journaled()
        if (flag.stopped) return clock.sleep(ms)
        await clock.sleep(ms, flag.signal.signal).catch(() => undefined)
        if (!flag.stopped && (await db.operations.get(op.id))?.cashierLeft) markStopped(op.id)
      },
      store: {
        get: (key) => store.get(key),
        put: async (key, value) => {
          await journaled()
          return store.put(key, value)
        },
        next: async (key) => {
          await journaled()
          return store.next(key)
        },
      },
    }
    return ctx
  }

  return { commit, newId, flagFor, markStopped, context, probeContext }
}

export type OpContexts = ReturnType<typeof opContexts>
