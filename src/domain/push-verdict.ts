// The store server's rule for one pushed row (docs/architecture.md § 6b, docs/fleet.md § 4), as a pure function: what the
// store holds for a row id × what a till sends → apply, ack, or reject. The SQL upsert in server/store/push.ts
// enforces the same rule in its WHERE clause; this function decides the reply from what the store holds after
// the transaction, and the property test (test/unit/push-verdict.test.ts) holds the rule to its promise:
// any duplication, reordering or loss of a row's pushes ends at the newest rev sent, and a foreign till never wins.

export interface Held {
  storeId: string
  tillId: string
  rev: number
}

export interface Incoming {
  storeId: string
  tillId: string
  rev: number
}

export type Verdict =
  /** The store has no such row, or an older rev of this till's row: write it, then ack at `rev`. */
  | { kind: 'apply'; ack: number }
  /** The store already holds exactly this rev from this till (a resent push): ack, write nothing. */
  | { kind: 'ack'; ack: number }
  /** The store holds a newer rev from this till than the one sent: the till's rev went backwards. */
  | { kind: 'stale'; held: number }
  /** Another till (or store) owns this id: never written, never acked; an alarm. */
  | { kind: 'foreign' }

export function pushVerdict(held: Held | undefined, incoming: Incoming): Verdict {
  if (!held) return { kind: 'apply', ack: incoming.rev }
  if (held.storeId !== incoming.storeId || held.tillId !== incoming.tillId) return { kind: 'foreign' }
  if (held.rev < incoming.rev) return { kind: 'apply', ack: incoming.rev }
  if (held.rev === incoming.rev) return { kind: 'ack', ack: incoming.rev }
  return { kind: 'stale', held: held.rev }
}

/** What the store holds after a verdict is carried out. */
export function afterVerdict(held: Held | undefined, incoming: Incoming, verdict: Verdict): Held | undefined {
  return verdict.kind === 'apply' ? { ...incoming } : held
}
