// A simulated till for the store server's fault suites and bench: an in-memory journal whose rows carry `rev`
// and `syncedRev` as the till's Dexie outbox does (docs/architecture.md § 6b), drained over real HTTP in batches of at most
// 100 rows, one push in flight, marking a row synced only if it is still at the acknowledged rev, and retrying
// on any failure (a lost reply, a 5xx, a refused connection) by building the batch again from the outbox.
import { randomBytes } from 'node:crypto'
import { ulid } from '../../src/domain/ids.ts'
import { MAX_PUSH_ROWS, type OpRow, type PushReply, type TillStatus } from '../../src/domain/store-contract.ts'

interface Held {
  row: OpRow
  synced: number
}

export interface DrainOptions {
  /** Wait between failed attempts (ms); 503/429 wait the smaller of Retry-After and this × 10. */
  retryMs?: number
  /** Give up after this long (ms). */
  timeoutMs?: number
  /** Told of each failure (for tests that restart something on the first one). */
  onFailure?: (what: string) => void | Promise<void>
  /** Per-push latencies (ms) of successful pushes are appended here. */
  latencies?: number[]
}

export class SimTill {
  readonly rows = new Map<string, Held>()
  pushes = 0
  failures = 0

  constructor(
    readonly token: string,
    /** The store's base URL now (a restarted server may have moved). */
    public baseUrl: () => string,
    readonly bodyBytes = 300,
  ) {}

  /** Takes `n` payments (rev 1). */
  pay(n: number, now = Date.now()): string[] {
    const ids: string[] = []
    for (let i = 0; i < n; i++) {
      const id = ulid(now, randomBytes(10))
      const row: OpRow = {
        id,
        rev: 1,
        kind: 'pay',
        state: 'sent',
        provider: 'payme',
        paymentTypeId: 'pt-1',
        amount: 1000 + i,
        currency: 'UZS',
        createdAt: now,
        updatedAt: now,
        body: { id, pad: 'x'.repeat(this.bodyBytes) },
      }
      this.rows.set(id, { row, synced: 0 })
      ids.push(id)
    }
    return ids
  }

  /** Changes every row once more (rev + 1), as the journal does when a payment resolves. */
  advanceAll(state: OpRow['state'] = 'approved', now = Date.now()): void {
    for (const h of this.rows.values()) h.row = { ...h.row, rev: h.row.rev + 1, state, updatedAt: now }
  }

  outbox(): OpRow[] {
    return [...this.rows.values()].filter((h) => h.row.rev > h.synced).map((h) => h.row)
  }

  status(): TillStatus {
    const out = this.outbox()
    return {
      outbox: out.length,
      oldestUnsyncedAt: out.length ? Math.min(...out.map((r) => r.updatedAt)) : null,
      queue: 0,
      open: 0,
      attention: 0,
      appVersion: 'sim',
      configVersion: 1,
      now: Date.now(),
    }
  }

  /** One push of the oldest ≤ 100 rows; true when it was acknowledged. */
  async pushOnce(opts: DrainOptions = {}): Promise<{ ok: true } | { ok: false; what: string; retryAfterS?: number }> {
    const batch = this.outbox().slice(0, MAX_PUSH_ROWS)
    this.pushes++
    const t0 = performance.now()
    let r: Response
    try {
      r = await fetch(`${this.baseUrl()}/api/v1/push`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ops: batch, shifts: [], status: this.status() }),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (err) {
      return { ok: false, what: `network: ${(err as Error).message}` }
    }
    if (r.status !== 200) {
      const text = await r.text().catch(() => '')
      return { ok: false, what: `${r.status} ${text.slice(0, 200)}`, retryAfterS: Number(r.headers.get('Retry-After') ?? 0) || undefined }
    }
    let reply: PushReply
    try {
      reply = (await r.json()) as PushReply
    } catch (err) {
      return { ok: false, what: `reply cut: ${(err as Error).message}` }
    }
    opts.latencies?.push(performance.now() - t0)
    for (const [id, rev] of reply.acked) {
      const h = this.rows.get(id)
      if (h && h.row.rev === rev) h.synced = rev
    }
    if (reply.rejected.length) throw new Error(`the store rejected rows: ${JSON.stringify(reply.rejected.slice(0, 3))}`)
    return { ok: true }
  }

  /** Pushes until the outbox is empty. */
  async drain(opts: DrainOptions = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000)
    const retryMs = opts.retryMs ?? 50
    while (this.outbox().length) {
      if (Date.now() > deadline) throw new Error(`outbox not empty after ${opts.timeoutMs ?? 60_000} ms: ${this.outbox().length} rows`)
      const r = await this.pushOnce(opts)
      if (r.ok) continue
      this.failures++
      await opts.onFailure?.(r.what)
      const wait = r.retryAfterS ? Math.min(r.retryAfterS * 1000, retryMs * 10) : retryMs
      await new Promise((res) => setTimeout(res, wait))
    }
  }
}
