// The store sync, loaded when the till has a store (first load, docs/performance.md): a till that never joined a
// store never loads the sync's code (the runner, the store's wire contract and its valibot schemas). It is loaded
// and started once the engine has started and the till is linked to a store — at start, when it joins one here or
// in another tab (Dexie announces the link's write as `storagemutated`, as memo.ts hears it), on a demo build (its
// till joins the demo store by itself), or by any sync call. Until then there is nothing for it to do: the journal's
// hooks keep the outbox (db.ts), and a till that joins later pushes what waits there.
import Dexie, { type ObservabilitySet } from 'dexie'
import { readLink } from './link.ts'
import type { Sync, SyncDeps } from './sync.ts'

type Calls = Sync['calls']

/** The engine's face of the sync (createSync's), loading it on first need. */
export function lazySync(d: SyncDeps) {
  let loading: Promise<Sync> | undefined
  let running: Promise<void> | undefined
  let engineStarted = false
  let stopped = false
  const load = () => (loading ??= import('./sync.ts').then((m) => m.createSync(d)))
  /** Load it and, once the engine has started, start it (once). */
  const up = async (): Promise<Sync> => {
    const s = await load()
    if (stopped) s.stop()
    else if (engineStarted) await (running ??= s.start())
    return s
  }

  // A link written anywhere (this tab's enrolment loads the sync through its call already).
  const settings = `idb://${d.db.name}/settings/`
  const onChange = (changed: ObservabilitySet) => {
    if (!engineStarted || loading || stopped) return
    if ('all' in changed || Object.keys(changed).some((k) => k.startsWith(settings)))
      void readLink(d.db)
        .then((l) => (l && !loading && !stopped ? up() : undefined))
        .catch(() => undefined)
  }
  const watch = () => Dexie.on('storagemutated', onChange)
  const unwatch = () => Dexie.on.storagemutated.unsubscribe(onChange)

  const call =
    <K extends keyof Calls>(name: K) =>
    async (...args: Parameters<Calls[K]>): Promise<Awaited<ReturnType<Calls[K]>>> =>
      ((await up()).calls[name] as (...a: Parameters<Calls[K]>) => Promise<Awaited<ReturnType<Calls[K]>>>)(...args)

  return {
    /** On start: a till with a store (or a demo till) starts its sync; the browser's in the background, as before. */
    async start() {
      engineStarted = true
      if (loading) return void (await up())
      watch()
      const begin = async () => {
        if (d.demoStore || (await readLink(d.db))) await up()
      }
      // The browser's start waits for no read of the sync's (the till is ready before it).
      if (d.timers) void begin().catch((e: unknown) => d.log.warn('sync', 'sync failed to start', { error: String(e) }))
      else await begin()
    },
    online: () => void loading?.then((s) => s.online()),
    stop: () => {
      stopped = true
      unwatch()
      void loading?.then((s) => s.stop())
    },
    calls: {
      enrolStore: call('enrolStore'),
      unenrolStore: call('unenrolStore'),
      storeStatus: call('storeStatus'),
      syncNow: call('syncNow'),
      pullStoreConfig: call('pullStoreConfig'),
    },
  }
}
