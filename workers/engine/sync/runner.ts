// The sync runner (docs/fleet.md § 6), the policy part of the sync as queueRunner is the compensation
// queue's: one drainer across tabs (the `paydesk-sync` Web Lock), batches of at most 100 rows oldest first, each
// push carrying the till's status; on an answer the rows settle, on a failure the runner waits (backoff with
// jitter, or the store's Retry-After) and tries again. Nothing a payment does ever waits for it: it only reads
// the outbox and writes bookkeeping, in short transactions of its own.
import { backoffDelay } from '../../../src/domain/backoff.ts'
import { OPEN_STATES } from '../../../src/domain/operation.ts'
import type { Clock } from '../clock.ts'
import type { PaydeskDb } from '../db.ts'
import { queueReads, withQueue } from '../queue.ts'
import { NOT_AVAILABLE, type Locks } from '../locks.ts'
import type { Logger } from '../log.ts'
import { linkStore } from './link.ts'
import { SYNC_BATCH, outboxStore } from './outbox.ts'
import type { StoreTransport, TillStatus } from './transport.ts'

/** One drainer across the till's tabs (Odoo #152259: two tabs synced the same orders twice). */
export const SYNC_LOCK = 'paydesk-sync'
/** docs/fleet.md § 6: a committed change is pushed about 1 s later (the commits of one payment go together). */
export const AFTER_COMMIT_MS = 1_000
/** With nothing to send, the till still tells the store its status this often (the store's till list). */
export const STATUS_EVERY_MS = 60_000
/** The first retry after a failed push waits at least this long. */
export const SYNC_RETRY_FLOOR_MS = 2_000
/**
 * No retry waits longer than this: a store server on the shop's network that comes back is seen within half a
 * minute (a push costs the till one short request), shorter than the compensation queue's 300 s cap.
 */
export const SYNC_RETRY_CAP_MS = 30_000

export interface SyncRunnerDeps {
  db: PaydeskDb
  clock: Clock
  locks: Locks
  log: Logger
  random: () => number
  transport: StoreTransport
  appVersion: string
  /** Run the timer (the browser does; tests call `drain` by hand). */
  timers: boolean
  /** The store's config version each push reports, and the version this till applied (the status says it). */
  configChanged?: (storeVersion: number | null) => void
  appliedConfig?: () => Promise<number | undefined>
}

export type DrainResult = { ok: true; drainer: boolean; synced: number; pushes: number; waiting: number; error?: string }

export function syncRunner(d: SyncRunnerDeps) {
  const { db, clock, log } = d
  const outbox = outboxStore(db)
  const link = linkStore(db)
  let failures = 0
  let batchSize = SYNC_BATCH
  let lastPushAt = -Infinity
  let stopped = false

  async function tillStatus(): Promise<TillStatus> {
    return withQueue(db, 'r', [db.operations, db.shifts, db.settings], async () => {
      const depth = await outbox.depth()
      const refused = (await outbox.rejected()).length
      return {
        outbox: depth.count,
        oldestUnsyncedAt: depth.oldestAt ?? null,
        queue: await queueReads(db).count(),
        open: await db.operations
          .where('state')
          .anyOf([...OPEN_STATES])
          .count(),
        attention: (await db.operations.where('state').equals('needs-attention').count()) + refused,
        appVersion: d.appVersion,
        configVersion: (await d.appliedConfig?.()) ?? (await link.read())?.configVersion ?? 0,
        now: clock.now(),
      }
    })
  }

  /** Push until the outbox is empty or a push fails; holding the lock. */
  async function drainHeld(): Promise<DrainResult> {
    const l = await link.read()
    const token = await link.token()
    const waiting = async () => (await outbox.depth()).count
    if (!l || !token || l.revoked) return { ok: true, drainer: true, synced: 0, pushes: 0, waiting: await waiting() }
    let synced = 0
    let pushes = 0
    for (;;) {
      if (stopped) break
      const batch = await outbox.batch(batchSize)
      const empty = !batch.ops.length && !batch.shifts.length
      // Nothing to send: a status-only push now and then, never right after rows went.
      if (empty && (pushes > 0 || clock.now() - lastPushAt < STATUS_EVERY_MS)) break
      const status = await tillStatus()
      const answer = await d.transport.push(l.address, token, batch, status)
      pushes++
      const now = clock.now()
      if (answer.kind === 'ok') {
        lastPushAt = now
        failures = 0
        const r = await outbox.settle(answer, now)
        synced += r.synced
        await link.patch(l.tillId, { lastSyncAt: now, lastError: undefined, configVersion: answer.configVersion ?? l.configVersion })
        d.configChanged?.(answer.configVersion)
        if (r.rejected) log.error('sync', 'store refused rows', { count: r.rejected, reasons: [...new Set(answer.rejected.map((x) => x.reason))].join(',') })
        if (batchSize < SYNC_BATCH) batchSize = Math.min(SYNC_BATCH, batchSize * 2)
        if (empty) break
        if (r.synced + r.rejected === 0) {
          // The store answered without settling any row it was sent: do not spin; try again later.
          return failed(l.tillId, 'push settled no row', synced, pushes)
        }
        continue
      }
      if (answer.kind === 'tooBig' && batchSize > 1) {
        batchSize = Math.max(1, Math.floor(batchSize / 2))
        log.warn('sync', 'push too big: fewer rows a push', { batch: batchSize })
        continue
      }
      if (answer.kind === 'revoked') {
        await link.patch(l.tillId, { revoked: true, lastError: { at: now, reason: 'revoked' } })
        log.error('sync', 'store refused the till token: enrol again')
        return { ok: true, drainer: true, synced, pushes, waiting: await waiting(), error: 'revoked' }
      }
      const reason = answer.kind === 'retry' ? answer.reason : answer.kind === 'tooBig' ? 'a single row is too big' : `HTTP ${answer.status}: ${answer.reason}`
      return failed(l.tillId, reason, synced, pushes, answer.kind === 'retry' ? answer.afterMs : undefined)
    }
    return { ok: true, drainer: true, synced, pushes, waiting: await waiting() }
  }

  async function failed(tillId: string, reason: string, synced: number, pushes: number, afterMs?: number): Promise<DrainResult> {
    const now = clock.now()
    const wait = Math.max(afterMs ?? 0, Math.min(SYNC_RETRY_CAP_MS, backoffDelay(failures, d.random(), SYNC_RETRY_FLOOR_MS)))
    failures++
    await link.patch(tillId, { lastError: { at: now, reason } })
    log.warn('sync', 'push failed: retry later', { reason, inMs: wait, failures })
    schedule(wait)
    return { ok: true, drainer: true, synced, pushes, waiting: (await outbox.depth()).count, error: reason }
  }

  // One drain at a time in this tab; a trigger during a drain runs one more after it.
  let running: Promise<DrainResult> | undefined
  let again = false
  function drain(opts: { ifAvailable?: boolean } = {}): Promise<DrainResult> {
    if (running) {
      again = true
      return running
    }
    const run = async (): Promise<DrainResult> => {
      let r: DrainResult
      do {
        again = false
        const got = await d.locks.run(SYNC_LOCK, drainHeld, opts)
        r = got === NOT_AVAILABLE ? { ok: true, drainer: false, synced: 0, pushes: 0, waiting: (await outbox.depth()).count } : got
      } while (again && !stopped && !r.error)
      return r
    }
    running = run()
      .catch((e: unknown) => {
        log.error('sync', 'sync failed', { error: String(e) })
        schedule(Math.min(SYNC_RETRY_CAP_MS, backoffDelay(failures++, d.random(), SYNC_RETRY_FLOOR_MS)))
        return { ok: true as const, drainer: true, synced: 0, pushes: 0, waiting: -1, error: String(e) }
      })
      .finally(() => (running = undefined))
    return running
  }

  // The timer: the next drain is due at `dueAt`; an earlier trigger moves it forward, never back.
  let dueAt: number | undefined
  let sleeper: AbortController | undefined
  function schedule(ms: number) {
    if (!d.timers || stopped) return
    const at = clock.now() + Math.max(0, ms)
    if (dueAt !== undefined && dueAt <= at) return
    sleeper?.abort()
    const ac = (sleeper = new AbortController())
    dueAt = at
    clock.sleep(Math.max(0, ms), ac.signal).then(
      async () => {
        if (sleeper !== ac || stopped) return
        sleeper = undefined
        dueAt = undefined
        const r = await drain()
        // The heartbeat keeps the store's view of this till fresh; a failure has scheduled its own retry.
        if (!r.error) schedule(STATUS_EVERY_MS)
      },
      () => undefined,
    )
  }

  /** After a commit that put rows in the outbox. */
  const listener = () => schedule(AFTER_COMMIT_MS)
  db.outboxListeners.add(listener)

  return {
    drain,
    schedule,
    tillStatus,
    /** The browser is online again: forget the backoff and push now. */
    online() {
      failures = 0
      schedule(0)
      // A push in flight went out on the old network and may fail there, scheduling the backoff's retry: once it
      // ends, push again at once (a drain asked for during a failing one does not run after it).
      if (running) void running.then(() => schedule(0))
    },
    stop() {
      stopped = true
      sleeper?.abort()
      db.outboxListeners.delete(listener)
    },
  }
}

export type SyncRunner = ReturnType<typeof syncRunner>
