// The row revision behind the store outbox (docs/architecture.md § 6b): the database's creating/updating hooks call
// these, so `rev` rises inside whatever transaction changes an operation or a shift and no caller can forget it.
// A created row starts at rev 1 and enters the outbox; an update that changes anything but the sync bookkeeping
// raises rev by one and (re)enters the outbox. The store's acknowledgement writes only bookkeeping, so it never
// bumps. `outboxAt` is a sparse index: present only while the row waits to be sent.
import type { SyncError } from '../../../src/domain/operation.ts'

export interface Revisioned {
  rev?: number
  syncedRev?: number
  outboxAt?: number
  syncError?: SyncError
}

/**
 * Fields that are the outbox's own bookkeeping, the search keys, the journal's `refunded` mark and a reversal's
 * `targetRow` (local indexes, derived from rows the store receives anyway): writing only these never bumps `rev`.
 */
const BOOKKEEPING = new Set(['rev', 'syncedRev', 'outboxAt', 'syncError', 'keys', 'refunded', 'targetRow'])

/**
 * Does this modification set (Dexie key paths → new values) change anything but bookkeeping? Dexie lists an
 * array or object field as modified even when it is equal (a `put` of the same row lists `history`), so each path
 * is compared by value against the stored row.
 */
export function bookkeepingOnly(mods: object, stored: object): boolean {
  return Object.entries(mods).every(([path, v]) => BOOKKEEPING.has(path.split('.')[0]!) || same(valueAt(stored, path), v))
}

function valueAt(obj: object, path: string): unknown {
  let cur: unknown = obj
  for (const part of path.split('.')) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined
  return cur
}

/** Structural equality of IndexedDB values (plain data), ignoring key order and absent-vs-undefined. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => same(x, bb[i]))
  }
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)])
  for (const k of keys) if (!same(ra[k], rb[k])) return false
  return true
}

/** A new row: rev 1, waiting since `at`. Mutates the object about to be stored (Dexie's creating hook). */
export function stampCreated(obj: Revisioned, at: number): void {
  obj.rev = 1
  obj.outboxAt = at
  delete obj.syncedRev
  delete obj.syncError
}

/**
 * The extra modifications for an update (Dexie's updating hook return value), or undefined for none.
 * `stored` is the row as it is in the database; `at` the row's own time stamp after the update.
 */
export function stampUpdated(mods: object, stored: Revisioned, at: number): Partial<Revisioned> | undefined {
  if (bookkeepingOnly(mods, stored)) {
    // A stale object put back must not move rev backwards (the upgrade, with no rev yet, may set it).
    return 'rev' in mods && stored.rev !== undefined ? { rev: stored.rev } : undefined
  }
  return { rev: (stored.rev ?? 0) + 1, outboxAt: stored.outboxAt ?? at }
}
