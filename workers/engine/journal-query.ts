// The journal's search and filters over the whole journal, through the version-2
// indexes: one index picks the candidates (newest first), the pure `matches` decides the rest.
// Read-only: the cashier's journal runs it in a liveQuery, the engine for its own API.
import type { Collection } from 'dexie'
import { matches, MAX_QUERY, remainingOf, rowKind, storedKind, type JournalFilter, type RowKind } from '../../src/domain/journal.ts'
import type { Operation, OpKind } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { PaydeskDb, StoredOperation, TargetRow } from './db.ts'
import { queueReads, withQueue } from './queue.ts'

/** Where the next page starts: older than `at`, or at `at` but not one of `ids` (rows of the same millisecond). */
export interface JournalCursor {
  at: number
  ids: string[]
}

export interface JournalRow {
  op: Operation
  kind: RowKind
  /** The operation that reverses this one (cancel, refund, auto-cancel), when it stands or is pending. */
  reversal?: { id: string; kind: RowKind; state: Operation['state'] }
  /** For a reversal: the operation it reverses. */
  target?: { id: string; kind: RowKind; amount: number; createdAt: number }
  /** For an approved payment: what is left to refund, from the database. */
  remaining?: number
  /** A queue entry waits for this operation. */
  inQueue: boolean
}

export interface JournalPage {
  rows: JournalRow[]
  next?: JournalCursor
}

export const PAGE_SIZE = 50
const MIN = -Infinity
const MAX = Infinity

/** Clamp a filter coming from the UI: caps and types, so a bad value changes nothing. */
export function cleanFilter(f: JournalFilter): JournalFilter {
  const out: JournalFilter = {}
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  if (typeof f.q === 'string' && f.q.trim()) out.q = f.q.trim().toLowerCase().slice(0, MAX_QUERY)
  for (const k of ['from', 'to', 'amountMin', 'amountMax'] as const) {
    const v = num(f[k])
    if (v !== undefined) out[k] = v
  }
  if (typeof f.paymentTypeId === 'string' && f.paymentTypeId) out.paymentTypeId = f.paymentTypeId
  if (f.kind) out.kind = f.kind
  if (f.state) out.state = f.state
  if (f.queued) out.queued = true
  return out
}

/** The candidate collection, newest first, from the most selective index the filter allows. */
function candidates(db: PaydeskDb, f: JournalFilter, upper: number): { coll: Collection<Operation, string>; ordered: boolean } {
  const lo = f.from ?? MIN
  const hi = Math.min(f.to ?? MAX, upper)
  const ops = db.operations
  if (f.q) return { coll: ops.where('keys').startsWith(f.q), ordered: false }
  if (f.state && f.state !== 'approved')
    return { coll: ops.where('[state+createdAt]').between([f.state, lo], [f.state, hi], true, true).reverse(), ordered: true }
  if (f.kind && f.kind !== 'pay')
    return {
      coll: ops
        .where('[kind+createdAt]')
        .between([storedKind(f.kind), lo], [storedKind(f.kind), hi], true, true)
        .reverse(),
      ordered: true,
    }
  if (f.amountMin !== undefined && f.amountMax !== undefined && f.amountMax - f.amountMin <= 100_000) {
    return { coll: ops.where('[amount+createdAt]').between([f.amountMin, lo], [f.amountMax, hi], true, true), ordered: false }
  }
  if (f.paymentTypeId)
    return { coll: ops.where('[paymentTypeId+createdAt]').between([f.paymentTypeId, lo], [f.paymentTypeId, hi], true, true).reverse(), ordered: true }
  if (f.kind)
    return {
      coll: ops
        .where('[kind+createdAt]')
        .between([storedKind(f.kind), lo], [storedKind(f.kind), hi], true, true)
        .reverse(),
      ordered: true,
    }
  if (f.state) return { coll: ops.where('[state+createdAt]').between([f.state, lo], [f.state, hi], true, true).reverse(), ordered: true }
  return { coll: ops.where('createdAt').between(lo, hi, true, true).reverse(), ordered: true }
}

/**
 * One page of the journal, newest first, with each row's kind, reversal, target and remaining amount. One
 * read-only transaction, its look-ups sent together: a search of 50 rows spread over two years
 * waited on five transactions one after another, most of its time on a loaded machine.
 */
export function queryJournal(db: PaydeskDb, filter: JournalFilter, cursor?: JournalCursor, limit = PAGE_SIZE): Promise<JournalPage> {
  return withQueue(db, 'r', [db.operations], () => pageOf(db, filter, cursor, limit))
}

async function pageOf(db: PaydeskDb, filter: JournalFilter, cursor: JournalCursor | undefined, limit: number): Promise<JournalPage> {
  const f = cleanFilter(filter)
  const size = Math.max(1, Math.min(500, limit))
  const upper = cursor ? cursor.at : MAX
  const skip = new Set(cursor?.ids ?? [])
  // The queue is read beside the candidates, not before them.
  const queue = queueReads(db).opIds()
  const before = (o: Operation) => !cursor || o.createdAt < cursor.at || (o.createdAt === cursor.at && !skip.has(o.id))
  // A cancel of a refund carries `details.reverses` (set by the engine, and by the version-2 upgrade for older rows).
  const origKinds = new Map<string, OpKind>()
  const pass = (o: Operation) => before(o) && matches(o, f)
  let picked: Operation[]
  if (f.queued) {
    const queuedIds = await queue
    const rows = (await db.operations.bulkGet([...queuedIds])).filter((o): o is Operation => !!o)
    picked = rows
      .filter(pass)
      .sort(newestFirst)
      .slice(0, size + 1)
  } else {
    const { coll, ordered } = candidates(db, f, upper)
    if (ordered) {
      // Newest first in one getAll (IndexedDB 3 reads backwards too) of the page's size, filtered here; when the
      // filter leaves too few, four times as many again. A Dexie filter would read row by row through a cursor.
      for (let n = size + 1; ; n *= 4) {
        const chunk = await coll.clone().limit(n).toArray()
        picked = chunk.filter(pass).slice(0, size + 1)
        if (picked.length > size || chunk.length < n) break
      }
    } else {
      // One getAll of the candidates, filtered here (a Dexie filter reads row by row through a cursor); a row
      // found under two of its search keys counts once.
      const seen = new Set<string>()
      picked = (await coll.limit(20_000).toArray())
        .filter((o) => !seen.has(o.id) && !!seen.add(o.id) && pass(o))
        .sort(newestFirst)
        .slice(0, size + 1)
    }
  }
  const more = picked.length > size
  const page = picked.slice(0, size)
  const queuedIds = await queue
  const rows = await enrich(db, page, origKinds, queuedIds)
  const last = page[page.length - 1]
  const next =
    more && last
      ? {
          at: last.createdAt,
          ids: page
            .filter((o) => o.createdAt === last.createdAt)
            .map((o): string => o.id)
            .concat(cursor && cursor.at === last.createdAt ? cursor.ids : []),
        }
      : undefined
  return { rows, ...(next ? { next } : {}) }
}

const newestFirst = (a: Operation, b: Operation) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0)

async function enrich(db: PaydeskDb, page: readonly Operation[], origKinds: Map<string, OpKind>, queuedIds: ReadonlySet<string>): Promise<JournalRow[]> {
  // A reversal's target is read only when the reversal does not keep what it shows of it (`targetRow`, version 5).
  const related = new Set<string>()
  for (const o of page) {
    if (o.reversedBy) related.add(o.reversedBy)
    if ((o as StoredOperation).targetRow) continue
    if (o.original) related.add(o.original)
    if (o.compensates) related.add(o.compensates)
  }
  const pays = page.filter((o) => o.kind === 'pay' && o.state === 'approved')
  // Only a payment marked `refunded` (version 4) or reversed in full can have a refund to look up.
  const withRefunds = pays.filter((o) => (o as StoredOperation).refunded || o.reversedBy)
  // Each payment's refunds by its own key, all at once: `anyOf` walks one cursor across the index from the
  // first id to the last, which for a search's rows spread over the years is most of the index.
  const [relRows, refundRows] = await Promise.all([
    related.size ? db.operations.bulkGet([...related]) : ([] as (Operation | undefined)[]),
    Promise.all(withRefunds.map((o) => db.operations.where('original').equals(o.id).toArray())),
  ])
  const rel = new Map(relRows.filter((o): o is Operation => !!o).map((o) => [o.id, o]))
  for (const o of rel.values()) origKinds.set(o.id, o.kind)
  const refunds = refundRows.flat().filter((o) => o.kind === 'refund')
  const undoIds = refunds.flatMap((r) => (r.reversedBy ? [r.reversedBy] : []))
  const undoers = new Map((undoIds.length ? await db.operations.bulkGet(undoIds) : []).filter((o): o is Operation => !!o).map((o) => [o.id, o]))
  const kept = (o: Operation) => (o as StoredOperation).targetRow
  const kindOf = (o: Operation) => rowKind(o, o.original ? (origKinds.get(o.original) ?? rel.get(o.original)?.kind ?? keptKind(kept(o))) : undefined)
  return page.map((o) => {
    const row: JournalRow = { op: o, kind: kindOf(o), inQueue: queuedIds.has(o.id) }
    const by = o.reversedBy ? rel.get(o.reversedBy) : undefined
    if (by && by.state !== 'declined') row.reversal = { id: by.id, kind: kindOf(by), state: by.state }
    else if (o.kind === 'pay' || o.kind === 'refund') {
      // Partial refunds do not set `reversedBy`: the newest standing refund is the link.
      const mine = refunds.filter((r) => r.original === o.id && r.state === 'approved').sort(newestFirst)[0]
      if (mine) row.reversal = { id: mine.id, kind: 'refund', state: mine.state }
    }
    const tid = o.original ?? o.compensates
    const t = tid ? rel.get(tid) : undefined
    const k = kept(o)
    if (t) row.target = { id: t.id, kind: kindOf(t), amount: t.amount, createdAt: t.createdAt }
    else if (tid && k) row.target = { id: tid, kind: k.kind, amount: k.amount, createdAt: k.createdAt }
    if (o.kind === 'pay' && o.state === 'approved') {
      row.remaining = remainingOf(
        o,
        refunds.filter((r) => r.original === o.id),
        (id) => undoers.get(id as OperationId)?.state === 'approved',
      )
    }
    return row
  })
}

const keptKind = (k: TargetRow | undefined): OpKind | undefined => (k ? storedKind(k.kind) : undefined)

/** One operation by id, as a row (the link from a reversal to what it reverses, and back). */
export function journalRow(db: PaydeskDb, id: string): Promise<JournalRow | undefined> {
  return withQueue(db, 'r', [db.operations], async () => {
    const o = await db.operations.get(id as OperationId)
    if (!o) return undefined
    const queuedIds = new Set((await queueReads(db).countOf(id)) > 0 ? [id] : [])
    return (await enrich(db, [o], new Map(), queuedIds))[0]
  })
}
