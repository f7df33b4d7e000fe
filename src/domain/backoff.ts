// Queue backoff (docs/rules.md R5): 5 s × 2^attempt, capped at 300 s, with full jitter, never
// below the provider's poll floor. `random` in [0, 1) comes in as an argument.

/** docs/rules.md R5: the first retry waits up to 5 s. */
export const BACKOFF_BASE_MS = 5_000
/** docs/rules.md R5: no wait is longer than 300 s. */
export const BACKOFF_CAP_MS = 300_000

export function backoffCeiling(attempt: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt))
}

export function backoffDelay(attempt: number, random: number, floorMs = 0): number {
  const ceiling = backoffCeiling(attempt)
  return Math.max(floorMs, Math.round(ceiling * Math.min(1, Math.max(0, random))))
}
