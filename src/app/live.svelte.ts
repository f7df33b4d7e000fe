// Dexie liveQuery as a rune: `live(query, initial).value` re-renders whenever IndexedDB
// changes, in this tab or in the worker (Dexie broadcasts its changes). Shows `initial` until
// the read-only view has loaded (Dexie is not in the first load).
import { dbReady } from '../engine.ts'

export interface Live<T> {
  readonly value: T
  stop(): void
}

/** `after`: what the query needs besides the view (a module it reads with), awaited before the first read. */
export function live<T>(query: () => Promise<T>, initial: T, after?: Promise<unknown>): Live<T> {
  let value = $state.raw(initial)
  let stopped = false
  let unsubscribe = () => {}
  void Promise.all([import('dexie'), dbReady, after]).then(([{ liveQuery }]) => {
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

/**
 * An engine call as a rune: `asked(call, tables, initial).value` is asked again whenever Dexie announces a
 * committed write to one of `tables` — in this tab, in the worker or in another tab — for what only the
 * engine may read (the queue). An answer older than one already shown is dropped.
 */
export function asked<T>(call: () => Promise<T>, tables: readonly string[], initial: T): Live<T> {
  let value = $state.raw(initial)
  let stopped = false
  let unsubscribe = () => {}
  let asking = 0
  let shown = 0
  const ask = () => {
    const n = ++asking
    call().then(
      (v) => {
        if (!stopped && n > shown) {
          shown = n
          value = v
        }
      },
      (e: unknown) => console.error('paydesk engine call failed', e),
    )
  }
  ask()
  void Promise.all([import('dexie'), dbReady]).then(([{ default: Dexie }, db]) => {
    if (stopped) return
    const parts = tables.map((t) => `idb://${db.name}/${t}/`)
    const onChange = (changed: Record<string, unknown>) => {
      if ('all' in changed || Object.keys(changed).some((k) => parts.some((p) => k.startsWith(p)))) ask()
    }
    Dexie.on('storagemutated', onChange)
    unsubscribe = () => Dexie.on.storagemutated.unsubscribe(onChange)
    // A write between the first answer and the subscription is not missed.
    ask()
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
