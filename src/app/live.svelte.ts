// Dexie liveQuery as a rune: `live(query, initial).value` re-renders whenever IndexedDB
// changes, in this tab or in the worker (Dexie broadcasts its changes).
import { liveQuery } from 'dexie'

export interface Live<T> {
  readonly value: T
  stop(): void
}

export function live<T>(query: () => Promise<T>, initial: T): Live<T> {
  let value = $state.raw(initial)
  const sub = liveQuery(query).subscribe({
    next: (v) => (value = v),
    error: (e: unknown) => console.error('paydesk live query failed', e),
  })
  return {
    get value() {
      return value
    },
    stop: () => sub.unsubscribe(),
  }
}
