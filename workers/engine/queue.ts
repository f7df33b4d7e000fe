// The durable compensation queue's store (docs/rules.md R5), as Workbox's QueueStore: how entries are kept
// (push, due, reschedule, ack) and every read of them. This module is the queue's one door: nothing else
// in the worker touches its table, and the page asks the engine (`queueStatus`). The replay policy is the
// runner's (queue-runner.ts).
import type { Table } from 'dexie'
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import type { PaydeskDb, QueueEntry } from './db.ts'

/** What the page sees of the queue (the status bar, Settings). */
export interface QueueStatus {
  length: number
  oldestAt?: number
  entries: QueueEntry[]
}

/**
 * `run` in one transaction over `tables` and the queue: an operation and its queue entry are written
 * together, and a read-only page of the journal sees the queue as it was beside the rows.
 */
export function withQueue<T>(db: PaydeskDb, mode: 'r' | 'rw', tables: readonly Table[], run: () => Promise<T>): Promise<T> {
  return db.transaction(mode, [...tables, db.queue], run)
}

/** The reads of the queue (the journal, the reports, recovery, the sync's status, the page through the engine). */
export function queueReads(db: PaydeskDb) {
  return {
    /** The provider's entries (every entry when none is named), counted. */
    count: (provider?: string) => (provider === undefined ? db.queue.count() : db.queue.where('provider').equals(provider).count()),
    /** Entries that drive this operation. */
    countOf: (opId: string) => db.queue.where('opId').equals(opId).count(),
    /** The ids of every queued operation. */
    opIds: async () => new Set((await db.queue.toArray()).map((e) => e.opId)),
    /** Every entry, oldest first. */
    all: () => db.queue.orderBy('id').toArray(),
    /** Every entry, the count and the oldest's age: what the page shows. */
    status: async (): Promise<QueueStatus> => {
      const entries = await db.queue.orderBy('id').toArray()
      const oldest = entries.reduce<number | undefined>((m, e) => (m === undefined || e.createdAt < m ? e.createdAt : m), undefined)
      return { length: entries.length, ...(oldest !== undefined ? { oldestAt: oldest } : {}), entries }
    },
  }
}

export function queueStore(db: PaydeskDb) {
  return {
    ...queueReads(db),
    /** One transaction over `tables` and the queue (withQueue). */
    tx: <T>(mode: 'r' | 'rw', tables: readonly Table[], run: () => Promise<T>) => withQueue(db, mode, tables, run),
    /** Add an entry; called inside the caller's transaction with the operation it drives (`tx`). */
    push: (e: Omit<QueueEntry, 'id'>) => db.queue.add(e as QueueEntry),
    /** The provider's oldest entry. */
    head: (provider: string) => db.queue.where('provider').equals(provider).first(),
    /** The provider's entries, oldest first. */
    list: (provider: string) => db.queue.where('provider').equals(provider).toArray(),
    /** Put a failed head back with its next attempt time. */
    reschedule: (e: QueueEntry) => db.queue.put(e),
    /** The head is done: remove it, and a final operation is no longer queued. */
    ack: (e: QueueEntry, op: Operation) =>
      withQueue(db, 'rw', [db.operations], async () => {
        await db.queue.delete(e.id!)
        if (isFinal(op.state)) await db.operations.update(op.id, { queued: false })
      }),
    /** An entry whose operation is gone. */
    drop: (e: QueueEntry) => db.queue.delete(e.id!),
    /** Reachable again (docs/rules.md R8): every waiting entry of the provider is due now. */
    hurry: (provider: string, now: number) => db.queue.where('provider').equals(provider).modify({ nextAttemptAt: now }),
    providers: async () => [...new Set((await db.queue.toArray()).map((e) => e.provider))],
    nextDue: () => db.queue.orderBy('nextAttemptAt').first(),
  }
}

export type QueueStore = ReturnType<typeof queueStore>
