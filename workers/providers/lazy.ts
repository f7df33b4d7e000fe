// A provider's procedures (pay, resume, reverse, runQueued, …) loaded on first use: the worker's
// first load then carries only schemas, capabilities and demo settings, and each provider's
// client arrives as its own chunk when the till first uses it (first-load budget).

/** Functions with the same names and signatures as `load`'s result, each awaiting it once. */
export function lazy<T, K extends keyof T>(load: () => Promise<T>, names: readonly K[]): Pick<T, K> {
  let loading: Promise<T> | undefined
  const out = {} as Pick<T, K>
  for (const name of names) {
    const call = async (...args: unknown[]) => {
      const client = await (loading ??= load())
      return (client[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    }
    out[name] = call as unknown as T[K]
  }
  return out
}
