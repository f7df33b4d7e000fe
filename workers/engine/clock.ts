// Time as an adapter: the web implementation uses the real clock; tests pass a clock whose
// sleeps move virtual time (and the sandbox's clock) at once.

export interface Clock {
  now(): number
  /** Resolves after `ms`, or at once (rejecting with AbortError) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new DOMException('aborted', 'AbortError'))
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(t)
        reject(new DOMException('aborted', 'AbortError'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

/** Randomness as an adapter too (backoff jitter): the engine takes it injected, this is the web default. */
export const realRandom = (): number => Math.random()
