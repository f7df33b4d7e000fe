// Several till tabs on one device. Each tab has its own worker and engine, and
// the worker that drives a payment keeps the cashier's stop in memory: a stop pressed in
// another tab is journaled (`cashierLeft`) and announced here, so the driving worker wakes.

export interface StopChannel {
  post(opId: string): void
  listen(fn: (opId: string) => void): void
  close(): void
}

/** A BroadcastChannel per database name; a no-op where there is none. */
export function stopChannel(dbName: string): StopChannel {
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, listen: () => undefined, close: () => undefined }
  const ch = new BroadcastChannel(`paydesk-stop:${dbName}`)
  // Node (tests) keeps the process alive for an open channel; a browser has no `unref`.
  ;(ch as unknown as { unref?: () => void }).unref?.()
  return {
    post: (opId) => ch.postMessage({ opId }),
    listen: (fn) => {
      ch.onmessage = (e: MessageEvent) => {
        const opId = (e.data as { opId?: unknown } | null)?.opId
        if (typeof opId === 'string') fn(opId)
      }
    },
    close: () => ch.close(),
  }
}

/** The tab id as kept on an operation: a short opaque string, or nothing. */
export function tabOf(tab: unknown): { tab?: string } {
  return typeof tab === 'string' && /^[\w-]{1,64}$/.test(tab) ? { tab } : {}
}
