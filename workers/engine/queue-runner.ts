// The durable compensation queue's runner (docs/rules.md R5), as Workbox's Queue: the replay policy —
// per provider, try every due entry in order; one that fails is put back on its own backoff and the next
// is tried (one stuck refund never delays another customer's). The entries are the store's (queue.ts).
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import { backoffDelay } from '../../src/domain/backoff.ts'
import type { QueueVerdict } from '../providers/types.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb, QueueEntry } from './db.ts'
import { NOT_AVAILABLE, type Locks } from './locks.ts'
import type { Logger } from './log.ts'
import type { QueueStore } from './queue.ts'

/** docs/rules.md R5: the lock that elects the one tab that drains. */
export const QUEUE_LOCK = 'paydesk-queue'
/** docs/rules.md R5: a queued operation refused this many times goes to needs-attention. */
export const MAX_REFUSALS = 10

export interface QueueRunnerDeps {
  store: QueueStore
  db: PaydeskDb
  clock: Clock
  random: () => number
  locks: Locks
  log: Logger
  /** The provider's floor for a retry's delay. */
  floorMs: (provider: string) => number
  /** One attempt at a queued, open operation (the provider's runQueued under the operation's lock). */
  attempt: (op: Operation) => Promise<QueueVerdict>
  /** Definitive refusals ran out: the operation goes to needs-attention. */
  giveUp: (opId: string, error: string) => Promise<void>
  /** An entry left the queue: settle what it compensated. */
  finished: (op: Operation) => Promise<void>
}

/** The sale an operation belongs to: a compensation's or a reversal's original, else itself. */
const saleOf = (op: Operation): string => op.compensates ?? op.original ?? op.id

export function queueRunner(deps: QueueRunnerDeps) {
  const { store, db, clock, log } = deps

  /**
   * Replay one provider's due entries, oldest first. An entry that must wait goes back on its own backoff and
   * the next one is tried; only a later entry about the same sale (a cancel of a queued refund…)
   * waits behind one of that sale that is waiting or not due, so the order of one sale's steps is kept.
   */
  async function drainProvider(provider: string): Promise<number> {
    let done = 0
    const tried = new Set<number>()
    const waiting = new Set<string>()
    for (;;) {
      let head: QueueEntry | undefined
      let op: Operation | undefined
      for (const e of await store.list(provider)) {
        if (tried.has(e.id!)) continue
        const o = await db.operations.get(e.opId)
        if (!o) {
          await store.drop(e)
          continue
        }
        if (e.nextAttemptAt > clock.now() || waiting.has(saleOf(o))) {
          waiting.add(saleOf(o))
          continue
        }
        head = e
        op = o
        break
      }
      if (!head || !op) return done
      tried.add(head.id!)
      const sale = saleOf(op)
      let verdict: QueueVerdict = isFinal(op.state) ? { kind: 'done' } : await deps.attempt(op)
      if (verdict.kind === 'retry' && verdict.definitive && (head.refusals ?? 0) + 1 >= MAX_REFUSALS) {
        // docs/rules.md R5: definitive refusals end in needs-attention after 10 attempts.
        await deps.giveUp(head.opId, verdict.error)
        verdict = { kind: 'done' }
      }
      if (verdict.kind === 'retry') {
        const next: QueueEntry = {
          ...head,
          attempt: head.attempt + 1,
          refusals: (head.refusals ?? 0) + (verdict.definitive ? 1 : 0),
          lastError: verdict.error,
          nextAttemptAt: clock.now() + backoffDelay(head.attempt + 1, deps.random(), Math.max(1_000, deps.floorMs(head.provider))),
        }
        await store.reschedule(next)
        log.warn('engine', 'queue retry later', { attempt: next.attempt, error: verdict.error, inMs: next.nextAttemptAt - clock.now() }, head.opId)
        waiting.add(sale)
        continue
      }
      // The entry leaves and the operation it compensates takes its final state together: a crash
      // between the two would leave the original compensating with nothing left to finish it.
      await store.tx('rw', [db.operations], async () => {
        const final = (await db.operations.get(head.opId))!
        await store.ack(head, final)
        await deps.finished(final)
      })
      done++
    }
  }

  /** Drain every provider's queue once, in this tab only if it holds the queue lock. */
  async function drainQueue(): Promise<{ ok: true; drained: number; drainer: boolean }> {
    const r = await deps.locks.run(
      QUEUE_LOCK,
      async () => {
        const names = await store.providers()
        const counts = await Promise.all(
          names.map((n) => drainProvider(n).catch((e: unknown) => (log.error('engine', 'drain failed', { provider: n, error: String(e) }), 0))),
        )
        return counts.reduce((a, b) => a + b, 0)
      },
      { ifAvailable: true },
    )
    return r === NOT_AVAILABLE ? { ok: true, drained: 0, drainer: false } : { ok: true, drained: r, drainer: true }
  }

  return { drainQueue }
}
