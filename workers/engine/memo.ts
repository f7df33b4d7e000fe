// Reads the pay path keeps in memory (a payment costs the disk, not the engine): the payment
// types, their secrets and the providers' stored state are read once and kept until their table changes.
// Dexie announces every committed write as `storagemutated`, in this worker at once and in every other tab
// and worker on the same database over a BroadcastChannel, so a change saved anywhere drops what is kept.
import Dexie, { type ObservabilitySet } from 'dexie'
import type { PaydeskDb } from './db.ts'

export interface Memo {
  /** The kept value of `key`, else `load()` kept until the tables change (a failed load is not kept). */
  get<T>(key: string, load: () => Promise<T>): Promise<T>
  clear(): void
  /** Stop listening (the engine's stop). */
  stop(): void
}

/** A memory of reads over `tables` of `db`, dropped on any write to one of them. */
export function memoOf(db: PaydeskDb, tables: readonly string[]): Memo {
  const kept = new Map<string, Promise<unknown>>()
  const parts = tables.map((t) => `idb://${db.name}/${t}/`)
  // `all`: Dexie's own "anything may have changed" (a page back from the back/forward cache).
  const onChange = (changed: ObservabilitySet) => {
    if ('all' in changed || Object.keys(changed).some((k) => parts.some((p) => k.startsWith(p)))) kept.clear()
  }
  Dexie.on('storagemutated', onChange)
  return {
    get<T>(key: string, load: () => Promise<T>): Promise<T> {
      let p = kept.get(key) as Promise<T> | undefined
      if (!p) {
        const loading = load()
        kept.set(key, (p = loading))
        loading.catch(() => kept.get(key) === loading && kept.delete(key))
      }
      return p
    },
    clear: () => kept.clear(),
    stop: () => Dexie.on.storagemutated.unsubscribe(onChange),
  }
}
