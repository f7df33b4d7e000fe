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

/** The same for each of `names` of the object `load` builds once. */
export function onDemandCalls<T, K extends keyof T>(load: () => Promise<T>, names: readonly K[]): Pick<T, K> {
  const get = once(load)
  const out = {} as Pick<T, K>
  for (const name of names) {
    const call = async (...args: unknown[]) => ((await get())[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    out[name] = call as unknown as T[K]
  }
  return out
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined
      throw e
    }))
}
