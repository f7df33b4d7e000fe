// Cross-tab single flight (docs/architecture.md § 4, docs/rules.md R5/R8): the web implementation is the Web
// Locks API; the memory one serves tests and contexts without `navigator.locks`.

export const NOT_AVAILABLE = Symbol('lock not available')

export interface Locks {
  /** Run `job` holding `name`. With `ifAvailable`, return NOT_AVAILABLE instead of waiting. */
  run<T>(name: string, job: () => Promise<T>, opts?: { ifAvailable?: boolean }): Promise<T | typeof NOT_AVAILABLE>
}

export function webLocks(locks: LockManager): Locks {
  return {
    run: <T>(name: string, job: () => Promise<T>, opts?: { ifAvailable?: boolean }) =>
      locks.request(name, { ifAvailable: opts?.ifAvailable ?? false }, async (lock) => (lock ? await job() : NOT_AVAILABLE)) as Promise<
        T | typeof NOT_AVAILABLE
      >,
  }
}

export function memoryLocks(): Locks {
  const held = new Map<string, Promise<unknown>>()
  return {
    async run(name, job, opts) {
      while (held.has(name)) {
        if (opts?.ifAvailable) return NOT_AVAILABLE
        await held.get(name)!.catch(() => undefined)
      }
      const p = job()
      held.set(name, p)
      try {
        return await p
      } finally {
        held.delete(name)
      }
    },
  }
}
