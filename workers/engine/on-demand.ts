// Parts of the engine a till's first sale never needs — cancel and refund, void, reconciliation, the shift's
// reports and day close, the journal's search — loaded on their first call, so the worker's first load carries
// none of them (docs/performance.md: first load). Each is a chunk of its own, fetched from the service worker's
// cache when first used.

/** A function that loads the function `load` builds on its first call (again after a failed load) and calls it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function onDemand<F extends (...args: any[]) => Promise<unknown>>(load: () => Promise<F>): F {
  const get = once(load)
  return (async (...args: Parameters<F>) => (await get())(...args)) as F
}

/** The same for each call of the object `load` builds once: `calls` names every one of them (the type checks it). */
export function onDemandCalls<T>(load: () => Promise<T>, calls: { readonly [K in keyof T]: true }): T {
  const get = once(load)
  const out = {} as T
  for (const name of Object.keys(calls) as (keyof T)[]) {
    const call = async (...args: unknown[]) => ((await get())[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    out[name] = call as T[keyof T]
  }
  return out
}

/** `load`'s result, loaded on the first call and kept (a failed load is tried again by the next call). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined
      throw e
    }))
}
