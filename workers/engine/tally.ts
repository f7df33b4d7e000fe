// The tally store (version 6): counted money per hour, payment type and currency, kept in the same transaction as
// each write of the journal, so the X-report and the day close read a shift's whole hours from it instead of every
// row (docs/performance.md, "Totals kept per hour"). The rule of what a row counts is pure (src/domain/tally.ts).
import Dexie, { type DBCore, type DBCoreTransaction, type Table, type Transaction } from 'dexie'
import type { Operation } from '../../src/domain/operation.ts'
import {
  addTally,
  applyContribution,
  contribution,
  emptyTally,
  HOUR,
  hourOf,
  isEmptyTally,
  sameContribution,
  tallyKey,
  tallyOf,
  type Contribution,
  type Tallied,
  type TallyKey,
  type TallyRow,
} from '../../src/domain/tally.ts'
import { tableMiddleware } from './table-middleware.ts'

export const TALLY = 'tally'
/** The store's schema: one row per hour, payment type and currency (its key). */
export const TALLY_SCHEMA = '[hour+paymentTypeId+currency]'
/**
 * The first hour the tally covers, in `settings`: a journal upgraded to version 6 is tallied from the hour after its
 * last closed shift (the upgrade reads one shift, not years); hours before it are recounted from the journal. Absent:
 * every hour is covered (a journal that began at version 6, or had no closed shift to start after).
 */
export const TALLY_SINCE = 'tally.since'

/** A tally row as one transaction holds it: read once, then changed in memory and written after each change. */
interface Bucket {
  key: TallyKey
  /** The stored row (or an empty one), once its read answered. */
  row?: TallyRow
  /** Changes that came before the read answered (a bucket read late): written with the answer. */
  early?: TallyRow
  /** Changed in memory, to be written when the journal's write under way ends. */
  dirty?: boolean
}

/** Per transaction, the journal's writes under way through Dexie: the tally rows they change are written at their end. */
const writing = new WeakMap<IDBTransaction, number>()

/** Write every tally row the transaction changed in memory and did not write yet. */
function flush(idb: IDBTransaction) {
  for (const b of bucketsOf.get(idb)?.values() ?? [])
    if (b.dirty && b.row) {
      b.dirty = false
      write(idb, b, b.row)
    }
}

/** Per read-write transaction (IndexedDB's own), its tally rows by key. */
const bucketsOf = new WeakMap<IDBTransaction, Map<string, Bucket>>()

const idbOf = (tx: Transaction): IDBTransaction => (tx as unknown as { idbtrans: IDBTransaction }).idbtrans
const keyText = (c: Pick<Contribution, 'hour' | 'paymentTypeId' | 'currency'>) => `${c.hour}\u0000${c.paymentTypeId}\u0000${c.currency}`

function write(idb: IDBTransaction, b: Bucket, row: TallyRow) {
  const store = idb.objectStore(TALLY)
  if (isEmptyTally(row)) store.delete(b.key)
  else store.put(row)
}

/**
 * Read the tally row of `c`'s hour, type and currency in the transaction `idb`, unless it already did: sent from the
 * journal's hook, before the row's own write, so it is answered before that write succeeds — and the change is then
 * written in the write's own success callback. No request of the tally waits on another: Dexie commits a transaction
 * of one call (`db.operations.add(…)` outside a transaction) as soon as the call is done, and a request sent after
 * that would be refused. A failed read aborts the transaction (no handler prevents it), the journal's write with it.
 */
function load(idb: IDBTransaction, c: Pick<Contribution, 'hour' | 'paymentTypeId' | 'currency'>): Bucket | undefined {
  // An upgrade's transaction: the version's upgrade builds the tally from the journal it leaves (version 6's).
  if (idb.mode === 'versionchange') return undefined
  let buckets = bucketsOf.get(idb)
  if (!buckets) bucketsOf.set(idb, (buckets = new Map()))
  const k = keyText(c)
  let b = buckets.get(k)
  if (b) return b
  buckets.set(k, (b = { key: tallyKey(c) }))
  const bucket = b
  const req = idb.objectStore(TALLY).get(bucket.key)
  req.onsuccess = () => {
    bucket.row = (req.result as TallyRow | undefined) ?? emptyTally(c.hour, c.paymentTypeId, c.currency)
    if (!bucket.early) return
    addTally(bucket.row, bucket.early)
    bucket.early = undefined
    write(idb, bucket, bucket.row)
  }
  return bucket
}

/**
 * Add (`sign` 1) or take away (−1) a contribution in the transaction `idb`: on the row in memory, written at once —
 * requests of one transaction run in order, so two changes to one hour in one transaction (a bulk; a change and
 * its correction) add up, and two tabs' transactions, which IndexedDB runs one after the other, each read what the
 * other wrote. Should the transaction abort, the tally's writes go with the journal's.
 */
export function tallyChange(idb: IDBTransaction, c: Contribution, sign: 1 | -1, explicit = true): void {
  const b = load(idb, c)
  if (!b) return
  if (b.row) {
    applyContribution(b.row, c, sign)
    // Inside a write of the journal (a bulk of 10 000 rows among them), each row once at its end.
    if (writing.get(idb)) b.dirty = true
    else write(idb, b, b.row)
    return
  }
  // The row's read was not sent ahead (a change the hook could not foresee): its answer writes the change. In a
  // transaction of one call, committed as soon as the call is done, that answer would come too late: abort instead.
  if (!explicit) {
    idb.abort()
    throw new Error('tally: a change the journal hook did not foresee, in a transaction of one call')
  }
  applyContribution((b.early ??= emptyTally(c.hour, c.paymentTypeId, c.currency)), c, sign)
}

/** A row's contribution moved from `before` to `after` (either absent) in the transaction `idb`. */
export function tallyMove(idb: IDBTransaction, before: Tallied | undefined, after: Tallied | undefined, explicit = true): void {
  const b = before && contribution(before)
  const a = after && contribution(after)
  if (sameContribution(a, b)) return
  if (b) tallyChange(idb, b, -1, explicit)
  if (a) tallyChange(idb, a, 1, explicit)
}

/** The fields a contribution reads, from a stored row and Dexie's modifications (key paths), never writing into the row. */
const TALLIED = new Set(['state', 'kind', 'compensates', 'details', 'original', 'amount', 'currency', 'paymentTypeId', 'createdAt', 'targetRow'])
function talliedAfter(obj: Tallied, mods: Record<string, unknown>): Tallied {
  const next: Record<string, unknown> = { ...obj }
  const copied = new Set<string>()
  for (const [path, v] of Object.entries(mods)) {
    const top = path.split('.', 1)[0]!
    if (!TALLIED.has(top)) continue
    if (path === top) {
      if (v === undefined) delete next[top]
      else next[top] = v
      continue
    }
    if (!copied.has(top)) {
      next[top] = typeof next[top] === 'object' && next[top] ? { ...(next[top] as object) } : {}
      copied.add(top)
    }
    Dexie.setByKeyPath(next, path, v)
  }
  return next as Tallied
}

/**
 * Keep the tally of `operations` in each transaction that writes it: every read-write transaction over the journal
 * takes the tally store in its scope (a DBCore middleware, so no call site has to name it), and hooks on the journal
 * move a row's contribution: the tally row is read from the hook, before the journal's write, and written once that
 * write succeeded (a refused add counts nothing). Most writes (a payment's write-ahead row, a state that is not final,
 * the outbox's marks) change no contribution and send no request to the tally.
 */
export function keepTally(db: {
  use(m: { stack: 'dbcore'; name: string; level?: number; create: (down: DBCore) => Partial<DBCore> }): unknown
  operations: Table<Operation, string>
}): void {
  // Above the hooks (level 2): a write's hooks' success callbacks have all run when its promise settles here, and
  // that is still before Dexie commits a one-call transaction, so each tally row it changed is written once, then.
  db.use(
    tableMiddleware('paydesk-tally-write', 3, 'operations', (table) => ({
      mutate: (req) => {
        const idb = req.trans as unknown as IDBTransaction
        writing.set(idb, (writing.get(idb) ?? 0) + 1)
        const end = () => {
          writing.set(idb, writing.get(idb)! - 1)
          flush(idb)
        }
        return table.mutate(req).then(
          (res) => (end(), res),
          (e: unknown) => {
            end()
            throw e
          },
        )
      },
    })),
  )
  db.use({
    stack: 'dbcore',
    name: 'paydesk-tally-scope',
    level: 0,
    create: (down) => ({
      ...down,
      transaction: (stores: string[], mode, options): DBCoreTransaction =>
        down.transaction(mode === 'readwrite' && stores.includes('operations') && !stores.includes(TALLY) ? [...stores, TALLY] : stores, mode, options),
    }),
  })
  db.operations.hook('creating', function (_key, obj, tx) {
    const c = contribution(obj as Tallied)
    const idb = idbOf(tx)
    if (c) load(idb, c)
    // Called after the journal's own hook's `onsuccess` (db.ts): a reversal's `targetRow` read meanwhile is on the
    // row by then (its line may move from unresolved to a cancel or a cancelled refund; its hour cannot).
    this.onsuccess = () => tallyMove(idb, undefined, obj as Tallied, !!tx.explicit)
  })
  db.operations.hook('updating', function (mods, _key, obj, tx) {
    const before = contribution(obj as Tallied)
    const after = contribution(talliedAfter(obj as Tallied, mods as Record<string, unknown>))
    const idb = idbOf(tx)
    if (!sameContribution(before, after)) {
      if (before) load(idb, before)
      if (after) load(idb, after)
    }
    // Dexie hands the row as written (every hook's changes in it): the change counted is the one written.
    this.onsuccess = (row) => tallyMove(idb, obj as Tallied, row as Tallied, !!tx.explicit)
    return undefined
  })
  db.operations.hook('deleting', function (_key, obj, tx) {
    const before = obj ? contribution(obj as Tallied) : undefined
    if (!before) return
    const idb = idbOf(tx)
    load(idb, before)
    this.onsuccess = () => tallyChange(idb, before, -1, !!tx.explicit)
  })
}

/**
 * Version 6's upgrade: tally the journal from the hour after its last closed shift (what an X-report reads), and
 * record that hour as the first the tally covers. A journal with no closed shift is tallied whole.
 */
export async function startTally(tx: Transaction): Promise<void> {
  const last = (await tx.table('shifts').orderBy('closedAt').last()) as { closedAt: number } | undefined
  const since = last ? hourOf(last.closedAt) + 1 : undefined
  const rows: Operation[] =
    since === undefined
      ? await tx.table('operations').toArray()
      : await tx
          .table('operations')
          .where('createdAt')
          .aboveOrEqual(since * HOUR)
          .toArray()
  await tx.table(TALLY).clear()
  await tx.table(TALLY).bulkPut(tallyOf(rows as Tallied[]))
  if (since !== undefined) await tx.table('settings').put({ key: TALLY_SINCE, value: since })
}
