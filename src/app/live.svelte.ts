// Dexie liveQuery as a rune: `live(query, initial).value` re-renders whenever IndexedDB
// changes, in this tab or in the worker (Dexie broadcasts its changes). Shows `initial` until
// the read-only view has loaded (Dexie is not in the first load).
import { dbReady } from '../engine.ts'

export interface Live<T> {
  readonly value: T
  stop(): void
}

export function live<T>(query: () => Promise<T>, initial: T): Live<T> {
  let value = $state.raw(initial)
  let stopped = false
  let unsubscribe = () => {}
  void Promise.all([import('dexie'), dbReady]).then(([{ liveQuery }]) => {
    if (stopped) return
    const sub = liveQuery(query).subscribe({
      next: (v) => (value = v),
      error: (e: unknown) => console.error('paydesk live query failed', e),
    })
    unsubscribe = () => sub.unsubscribe()
  })
  return {
    get value() {
      return value
    },
    stop: () => {
      stopped = true
      unsubscribe()
    },
  }
}
