// No open operation is left without a driver. Each tab has its own worker; the worker
// that drives an operation holds its Web Lock (`paydesk-op-<id>`) for as long as it drives it, and
// the browser frees that lock when the worker dies (a crashed tab, a closed one). So a free lock
// on an open operation proves nobody drives it, and any live worker may take it over: at start,
// on every sweep of the timer loop, and at once when a stop is pressed in any tab.
//
// What is never taken over:
// - a queued operation or one compensating: the queue drives it (its own lock, its own backoff);
// - a `created` operation younger than CREATED_GRACE_MS: a live tab may have journaled it a
//   moment ago and be about to take its lock (pay, reverse, loyalty journal first, then drive).
//   Nothing was sent for a `created` operation (the journal says `sent` before the first request),
//   so waiting a little longer before declining it as interrupted moves no money.
import { msg } from '../../src/domain/messages.ts'
import { isFinal, OPEN_STATES, type Operation, type OpPatch } from '../../src/domain/operation.ts'
import type { AnyProvider, OpCtx } from '../providers/types.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import { queueReads } from './queue.ts'
import type { Logger } from './log.ts'

/** A `created` operation this young may be a sale another tab is just creating: not taken over yet. */
export const CREATED_GRACE_MS = 10_000
/** The timer loop's sweep tries one operation at most this often (a resume that leaves it open is not hammered). */
export const SWEEP_RETRY_MS = 30_000

export type Why = 'start' | 'sweep' | 'stop'

export interface RecoveryDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  /** Run a job under the operation's lock; with `ifAvailable`, return the operation unchanged when another holds it. */
  drive: (op: Operation, job: (ctx: OpCtx<unknown>, provider: AnyProvider) => Promise<void>, ifAvailable?: boolean) => Promise<Operation>
  track: <T>(p: Promise<T>) => Promise<T>
  /** A compensation that ended while its original still says compensating (an older journal): finish the original. */
  finishQueued: (comp: Operation) => Promise<void>
}

/** Whether the queue, not a resume, drives this operation. */
const queueDriven = (op: Operation) => !!op.queued || op.state === 'compensating'

export function createRecovery(d: RecoveryDeps) {
  const { db, clock, log } = d
  const lastTried = new Map<string, number>()
  /** When the youngest `created` operation left alone by the last sweep may be taken over (the timer wakes then). */
  let wakeAt: number | undefined

  function tooYoung(op: Operation): boolean {
    return op.state === 'created' && clock.now() - op.createdAt < CREATED_GRACE_MS
  }

  /** Take the operation over if nobody holds its lock; the decision is made again inside the lock, on the row as it is then. */
  function take(op: Operation, why: Why): Promise<unknown> {
    lastTried.set(op.id, clock.now())
    return d
      .track(
        d.drive(
          op,
          async (ctx, prov) => {
            const cur = ctx.op
            if (queueDriven(cur) || tooYoung(cur)) return
            log.warn('engine', why === 'start' ? 'resuming after restart' : 'resuming an operation no worker drives', { state: cur.state, why }, cur.id)
            if (cur.state === 'created')
              await ctx.commit({ state: 'declined', message: msg('common.interrupted'), note: 'never sent: interrupted before the request' })
            else await prov.resume(ctx)
          },
          true,
        ),
      )
      .catch(() => undefined)
  }

  /** Every open operation nobody drives is taken over (the per-operation retry limit applies to the timer's sweeps only). */
  async function sweep(why: Why): Promise<void> {
    const open = await db.operations
      .where('state')
      .anyOf([...OPEN_STATES])
      .toArray()
    const now = clock.now()
    wakeAt = undefined
    for (const id of lastTried.keys()) if (!open.some((o) => o.id === id)) lastTried.delete(id)
    for (const op of open) {
      if (op.state === 'compensating' && op.reversedBy) {
        // A journal written before the queue's ack and the original's final state were one transaction:
        // the compensation ended, its queue entry is gone, and the original still says compensating.
        const comp = await db.operations.get(op.reversedBy)
        if (comp && isFinal(comp.state) && (await queueReads(db).countOf(comp.id)) === 0) await d.finishQueued(comp)
      }
      if (!queueDriven(op) && tooYoung(op)) wakeAt = Math.min(wakeAt ?? Infinity, op.createdAt + CREATED_GRACE_MS)
      if (queueDriven(op) || tooYoung(op)) continue
      if (why === 'sweep' && now - (lastTried.get(op.id) ?? -Infinity) < SWEEP_RETRY_MS) continue
      void take(op, why)
    }
  }

  /** A stop was pressed (here or in another tab): if the operation's worker is gone, take it over now (resolves once started). */
  async function pickUp(opId: string): Promise<void> {
    const op = await db.operations.get(opId)
    if (!op || isFinal(op.state) || queueDriven(op) || tooYoung(op)) return
    void take(op, 'stop')
  }

  return { sweep, pickUp, wakeAt: () => wakeAt }
}

/**
 * A compensation left the queue: the payment it compensated takes its final state (compensated, or
 * needs-attention when the compensation itself was refused). Runs in the queue's ack transaction.
 */
export function finishCompensated(db: PaydeskDb, commit: (id: string, patch: OpPatch) => Promise<Operation>) {
  return async function finishQueued(op: Operation): Promise<void> {
    if (!op.compensates) return
    const orig = await db.operations.get(op.compensates)
    if (!orig || isFinal(orig.state)) return
    if (op.state === 'approved') await commit(orig.id, { state: 'compensated', message: msg('common.compensated'), note: `compensated by ${op.id}` })
    else if (isFinal(op.state))
      await commit(orig.id, { state: 'needs-attention', message: msg('common.compensationFailed'), note: `compensation ${op.id} ${op.state}` })
  }
}
