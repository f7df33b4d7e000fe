// A refusal that can answer a resent copy of our own request (duplicate order, code already
// used, already reversed, already confirmed, not awaiting confirmation) is not believed until
// a status query of our own reference says our request did not go through: a browser
// silently resends a request whose reused connection closed before the reply (Chromium does),
// and the second copy meets the effect of the first. Without a status the outcome is unknown,
// never "no money moved". Every provider routes such refusals through here.

/** What a look-up of our own reference found. */
export type OwnLookup<T> = { kind: 'found'; value: T } | { kind: 'absent' } | { kind: 'unavailable'; reason: string }

export interface RefusalOutcomes<T> {
  /** Our request went through after all: carry on from what the server holds. */
  found(value: T): Promise<void>
  /** Nothing of ours exists: the refusal is true. */
  believe(): Promise<void>
  /** No status could be read: the outcome is unknown (resolve later or compensate). */
  unknown(reason: string): Promise<void>
}

/** Check a refusal that may answer a resent copy by looking up our own reference first. */
export async function checkRefusal<T>(lookup: () => Promise<OwnLookup<T>>, then: RefusalOutcomes<T>): Promise<void> {
  const r = await lookup()
  if (r.kind === 'found') return then.found(r.value)
  if (r.kind === 'absent') return then.believe()
  return then.unknown(r.reason)
}
