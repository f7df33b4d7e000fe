// Cross-tab single flight (docs/architecture.md § 4, docs/rules.md R5/R8): the web implementation is the Web
// Locks API; the memory one serves tests and contexts without `navigator.locks`.

export const NOT_AVAILABLE = Symbol('lock not available')

export interface Locks {
  /** Run `job` holding `name`. With `ifAvailable`, return NOT_AVAILABLE instead of waiting. */
  run<T>(name: string, job: () => Promise<T>, opts?: { ifAvailable?: boolean }): Promise<T | typeof NOT_AVAILABLE>
  /**
   * Ask for `name` now and keep it once granted until `release()`: a caller about to take another lock first asks
   * for both at once (one wait instead of two). `granted` tells whether it was (false: another holds it, with
   * `ifAvailable`); `release()` resolves once it is free again, and may be called before it was granted.
   */
  hold(name: string, opts?: { ifAvailable?: boolean }): Held
}

export interface Held {
  granted: Promise<boolean>
  release(): Promise<void>
}

/** `hold` over any `run`: the lock is held by a job that waits for `release()`. */
function holdBy(run: Locks['run'], name: string, opts?: { ifAvailable?: boolean }): Held {
  let free!: () => void
  const done = new Promise<void>((r) => (free = r))
  let grant!: (ok: boolean) => void
  const granted = new Promise<boolean>((r) => (grant = r))
  const ended = run(
    name,
    async () => {
      grant(true)
      await done
    },
    opts,
  ).then(
    () => grant(false),
    () => grant(false),
  )
  return {
    granted,
    release: () => {
      free()
      return ended
    },
  }
}

export function webLocks(locks: LockManager): Locks {
  const run = <T>(name: string, job: () => Promise<T>, opts?: { ifAvailable?: boolean }) =>
    locks.request(name, { ifAvailable: opts?.ifAvailable ?? false }, async (lock) => (lock ? await job() : NOT_AVAILABLE)) as Promise<T | typeof NOT_AVAILABLE>
  return { run, hold: (name, opts) => holdBy(run, name, opts) }
}

export function memoryLocks(): Locks {
  const held = new Map<string, Promise<unknown>>()
  const locks: Locks = {
    hold: (name, opts) => holdBy(locks.run, name, opts),
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
  return locks
}
