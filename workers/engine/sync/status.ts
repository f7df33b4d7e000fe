// What the status bar and the settings card show about the store, read from the database alone so the
// page can keep it live (Dexie liveQuery): the link without its token, how much waits and since when, the refused.
import type { PaydeskDb } from '../db.ts'
import { readLink, type StoreLink } from './link.ts'
import { outboxStore } from './outbox.ts'
import { appliedConfig } from './config-pull.ts'

export interface SyncView {
  link?: StoreLink
  waiting: number
  oldestAt?: number
  rejected: number
}

export async function readSyncView(db: PaydeskDb): Promise<SyncView> {
  const outbox = outboxStore(db)
  const link = await readLink(db)
  const depth = await outbox.depth()
  return {
    ...(link ? { link } : {}),
    waiting: depth.count,
    ...(depth.oldestAt !== undefined ? { oldestAt: depth.oldestAt } : {}),
    rejected: (await outbox.rejected()).length,
  }
}

/** The store config version the till applied (null before any): a page refreshes what it read once when it moves. */
export async function readAppliedVersion(db: PaydeskDb): Promise<number | null> {
  return (await appliedConfig(db))?.version ?? null
}
