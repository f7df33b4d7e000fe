// The store's events to its tills (GET /api/v1/events, SSE): `config` when the store's config version moves,
// `resync` to make a till push everything again, `revoked` when its token is revoked. In process: one server.
import type { StoreEvent } from '../src/domain/store-contract.ts'

export interface StoreEventMessage {
  event: StoreEvent
  data: Record<string, unknown>
}

type Listener = (m: StoreEventMessage) => void

export class StoreEvents {
  private readonly byTill = new Map<string, Set<Listener>>()

  subscribe(tillId: string, fn: Listener): () => void {
    let set = this.byTill.get(tillId)
    if (!set) this.byTill.set(tillId, (set = new Set()))
    set.add(fn)
    return () => {
      set.delete(fn)
      if (set.size === 0) this.byTill.delete(tillId)
    }
  }

  /** Sends to one till, or to every connected till with `'*'`. */
  emit(tillId: string | '*', m: StoreEventMessage): void {
    const targets = tillId === '*' ? [...this.byTill.values()] : [this.byTill.get(tillId) ?? new Set<Listener>()]
    for (const set of targets) for (const fn of [...set]) fn(m)
  }

  private readonly ending = new AbortController()
  /** Aborted when the server shuts down: every open stream ends, so the server's close does not wait on them. */
  get closing(): AbortSignal {
    return this.ending.signal
  }
  close(): void {
    this.ending.abort()
  }

  /** Tills with an open stream now (the admin console's "online"). */
  connected(): string[] {
    return [...this.byTill.keys()]
  }
}
