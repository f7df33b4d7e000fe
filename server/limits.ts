// Back-pressure for pushes (docs/fleet.md § 4): a bounded number of push transactions at once (the pool's size),
// a bounded wait line behind them (503 + Retry-After beyond it), and a per-till token bucket (429 above it).

/** Most pushes waiting for a transaction slot before new ones are turned away with 503. */
export const MAX_WAITING_PUSHES = 50
/** Per-till pushes per second, and the burst a till may spend at once (a till has one push in flight). */
export const PUSH_RATE_PER_S = 10
export const PUSH_BURST = 20
/** 503's Retry-After, in seconds: jittered so turned-away tills do not come back together. */
export const RETRY_AFTER_MIN_S = 5
export const RETRY_AFTER_MAX_S = 30

export class Gate {
  private running = 0
  private readonly waiting: (() => void)[] = []
  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {}

  /** Runs `fn` in a slot, or returns undefined at once when the wait line is full. */
  async run<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.running >= this.slots) {
      if (this.waiting.length >= this.maxWaiting) return undefined
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else this.running++
    try {
      return { value: await fn() }
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }

  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()
  constructor(
    readonly perSecond: number,
    readonly burst: number,
  ) {}

  /** Takes one token for `key` at `now` (ms); false when the bucket is empty. */
  take(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond)
    b.at = now
    const ok = b.tokens >= 1
    if (ok) b.tokens -= 1
    this.buckets.set(key, b)
    if (this.buckets.size > 10_000) this.buckets.clear()
    return ok
  }
}

export const retryAfterSeconds = (random: number): number => Math.round(RETRY_AFTER_MIN_S + random * (RETRY_AFTER_MAX_S - RETRY_AFTER_MIN_S))
