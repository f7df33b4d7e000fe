// The till's first moments, before Comlink and Dexie are here: what src/worker-boot.ts and src/engine.ts do with
// the payment worker and the journal's database at once. Small and pure of the page, so Node tests run them.

/**
 * The journal's database, opened and closed at once: a new browser process opens the database's files on disk at
 * its first open (tens of milliseconds, more on a loaded machine), and this runs while the worker's script is still
 * loading, so the engine's own open finds them open (docs/performance.md, cold start). It never creates the
 * database: on a till's first visit the open's upgrade is aborted, and the engine creates it as it always does.
 */
export function warmDatabase(name: string, idb: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
  return new Promise((resolve) => {
    if (!idb) return resolve()
    try {
      const r = idb.open(name)
      r.onupgradeneeded = () => r.transaction?.abort()
      r.onsuccess = () => (r.result.close(), resolve())
      r.onerror = (e) => (e.preventDefault(), resolve())
    } catch {
      // A page IndexedDB is refused to (a private window may): the engine says so itself.
      resolve()
    }
  })
}

/**
 * The first message from `source` that carries `key`: what the worker sends unasked (its first listing). Listen
 * before anything else can run, and it is never missed. `null` (the worker could not list) reads as undefined.
 */
export function firstMessage<T>(source: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>, key: string): Promise<T | undefined> {
  return new Promise((resolve) => {
    const take = (e: Event) => {
      const data = (e as MessageEvent).data as Record<string, unknown> | null
      if (!data || typeof data !== 'object' || !(key in data)) return
      source.removeEventListener('message', take)
      resolve((data[key] as T | null) ?? undefined)
    }
    source.addEventListener('message', take)
  })
}

/**
 * A listing asked for by the screen the page opens with: `first` once, while it is fresh (until `expires`
 * settles), else `ask()`; a `first` that came to nothing is asked for too. A screen opened later asks, so it never
 * shows a listing older than its own opening.
 */
export function firstThenAsk<T>(first: Promise<T | undefined>, ask: () => Promise<T>, expires: Promise<unknown>): () => Promise<T> {
  let fresh: Promise<T | undefined> | undefined = first
  const expire = () => void (fresh = undefined)
  void expires.then(expire, expire)
  return () => {
    const f = fresh
    fresh = undefined
    return f ? f.then((v) => v ?? ask()) : ask()
  }
}
