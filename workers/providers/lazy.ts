// A provider's procedures (pay, resume, reverse, runQueued, …) loaded on first use: the worker's
// first load then carries only schemas, capabilities and the local checks (each provider's `codec-local.ts`),
// and each provider's client arrives as its own chunk when the till first uses it — a payment, a status
// query, the start's recovery of an open operation, the queue — or when the worker preloads it (`preload`,
// registry.ts) after the till has listed its payment types (first-load budget, docs/performance.md).

/**
 * Functions with the same names and signatures as `load`'s result, each awaiting it once, and `preload` to load
 * it now. A load that failed (a chunk not fetched) is tried again by the next call.
 */
export function lazy<T, K extends keyof T>(load: () => Promise<T>, names: readonly K[]): Pick<T, K> & { preload(): Promise<void> } {
  let loading: Promise<T> | undefined
  const get = () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined
      throw e
    }))
  const out = { preload: async () => void (await get()) } as Pick<T, K> & { preload(): Promise<void> }
  for (const name of names) {
    const call = async (...args: unknown[]) => {
      const client = await get()
      return (client[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    }
    out[name] = call as unknown as (Pick<T, K> & { preload(): Promise<void> })[K]
  }
  return out
}
