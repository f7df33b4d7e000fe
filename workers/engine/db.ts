// The IndexedDB schema (docs/architecture.md § 4): the journal, the durable queue, settings, secrets kept
// apart, and the rotating log. Versioned; a new version adds a `.version(n)` block below.
import Dexie, { type CreatingHookContext, type DexieOptions, type Table, type Transaction } from 'dexie'
import type { Operation } from '../../src/domain/operation.ts'
import { rowKind, searchKeys, type RowKind } from '../../src/domain/journal.ts'
import type { ProviderId } from '../../src/domain/operation.ts'
import { same, stampCreated, stampUpdated, type Revisioned } from './sync/revision.ts'
import { keepTally, startTally, tallyMove, TALLY_SCHEMA } from './tally.ts'
import type { TallyRow } from '../../src/domain/tally.ts'
import { JOURNAL_DB } from '../../src/domain/boot.ts'
import { tableMiddleware } from './table-middleware.ts'

export interface QueueEntry {
  id?: number
  provider: ProviderId
  paymentTypeId: string
  /** The queued operation: a compensation, or a cancel/refund whose reply was lost. */
  opId: string
  attempt: number
  /** Definitive refusals so far (docs/rules.md R5: 10 make it needs-attention). */
  refusals?: number
  nextAttemptAt: number
  createdAt: number
  lastError?: string
}

export interface LogEntry {
  id?: number
  at: number
  level: 'info' | 'warn' | 'error'
  source: string
  event: string
  opId?: string
  data?: Record<string, unknown>
}

export interface SettingRow {
  key: string
  value: unknown
}

export interface SecretRow {
  key: string
  value: string
}

/** A closed shift: its number, when it opened and closed, and who closed it. From version 3 it rides the store outbox. */
export interface ShiftRow extends Revisioned {
  number: number
  openedAt: number
  closedAt: number
  cashier?: string
  /** The day close's result per payment type with a provider end of day (O!plati E8 …): the reconcile operation's id. */
  providerCloses?: { paymentTypeId: string; opId?: string; ok: boolean; mismatches?: number }[]
}

/**
 * Journal row as stored from version 2: the operation and its search keys (kept by a hook, never sent anywhere);
 * from version 4 a payment some refund names as its original says so (`refunded`, kept by a hook too), so a
 * journal page looks up refunds only for those payments.
 */
export type StoredOperation = Operation & { keys?: string[]; refunded?: true; targetRow?: TargetRow }

/**
 * What a reversal (cancel, refund, auto-cancel) shows of the operation it reverses, kept on the reversal from
 * version 5 (by the `creating` hook, and the version's upgrade for the journal as it stands): a journal page of
 * reversals then reads no row of another. Kind, amount and creation time never change once written. A local
 * index like `keys`: never sent to the store, and writing it never bumps the row's revision.
 */
export interface TargetRow {
  kind: RowKind
  amount: number
  createdAt: number
}

export const targetRowOf = (t: Operation): TargetRow => ({ kind: rowKind(t), amount: t.amount, createdAt: t.createdAt })

export const DB_NAME = JOURNAL_DB

export class PaydeskDb extends Dexie {
  operations!: Table<Operation, string>
  queue!: Table<QueueEntry, number>
  settings!: Table<SettingRow, string>
  secrets!: Table<SecretRow, string>
  log!: Table<LogEntry, number>
  shifts!: Table<ShiftRow, number>
  /** From version 6: counted money per hour, payment type and currency (workers/engine/tally.ts). */
  tally!: Table<TallyRow, [number, string, string]>
  /** Called after a transaction that put a row into the store outbox has committed. */
  readonly outboxListeners = new Set<() => void>()

  constructor(name = DB_NAME, options?: DexieOptions) {
    // Every write that precedes a request (the journal row, a queue entry) is committed with strict
    // durability, so a power cut right after the request left cannot lose the row (Chromium defaults to relaxed).
    super(name, { chromeTransactionDurability: 'strict', ...options })
    this.version(1).stores({
      operations: 'id, state, createdAt, paymentTypeId, code.hash, original, compensates',
      queue: '++id, provider, opId, nextAttemptAt',
      settings: 'key',
      secrets: 'key',
      log: '++id, at, level, opId',
    })
    // The journal's search and filters through indexes over the whole journal, and the shifts.
    this.version(2)
      .stores({
        operations:
          'id, state, createdAt, paymentTypeId, code.hash, original, compensates, kind, ref, order, *keys, [paymentTypeId+createdAt], [kind+createdAt], [state+createdAt], [amount+createdAt]',
        shifts: 'number, closedAt',
      })
      .upgrade(async (tx) => {
        // A cancel of a refund says so from now on (the journal filters «Отмена возврата» without a lookup).
        const refunds = new Set<string>()
        await tx
          .table('operations')
          .toCollection()
          .each((o: Operation) => {
            if (o.kind === 'refund') refunds.add(o.id)
          })
        await tx
          .table('operations')
          .toCollection()
          .modify((o: StoredOperation) => {
            o.keys = searchKeys(o)
            if (o.kind === 'cancel' && o.original && refunds.has(o.original)) o.details = { ...o.details, reverses: 'refund' }
          })
      })
    // docs/architecture.md § 6b: `rev`, `syncedRev` and the sparse outbox index on the journal and the shifts. The
    // existing journal and shifts enter the outbox at rev 1, so they upload once the till joins a store.
    this.version(3)
      .stores({
        operations:
          'id, state, createdAt, paymentTypeId, code.hash, original, compensates, kind, ref, order, *keys, [paymentTypeId+createdAt], [kind+createdAt], [state+createdAt], [amount+createdAt], outboxAt',
        shifts: 'number, closedAt, outboxAt',
      })
      .upgrade(async (tx) => {
        await tx
          .table('operations')
          .toCollection()
          .modify((o: Operation) => {
            o.rev = 1
            o.outboxAt = o.updatedAt
          })
        await tx
          .table('shifts')
          .toCollection()
          .modify((s: ShiftRow) => {
            s.rev = 1
            s.outboxAt = s.closedAt
          })
      })
    // Version 4 (no new store or index): mark every payment that has a refund, in the version's upgrade
    // for the journal as it stands and in the `creating` hook below from then on.
    this.version(4).upgrade((tx) => markRefunded(tx.table('operations')))
    // Version 5 (no new store or index): each reversal keeps what it shows of its target (`targetRow`), in the
    // version's upgrade for the journal as it stands and in the `creating` hook below from then on.
    this.version(5).upgrade((tx) => stampTargets(tx.table('operations')))
    // Version 6: the tally of counted money per hour, kept in each transaction that writes the journal (`keepTally`
    // below); the version's upgrade tallies the journal from the hour after its last closed shift. The hooks keep no
    // tally inside an upgrade: a later version whose upgrade changes what a row counts ends with `startTally` too.
    this.version(6).stores({ tally: TALLY_SCHEMA }).upgrade(startTally)
    // The updating hook's read of a row a writer puts over what it last committed (`putOver`) is answered from memory:
    // below the hooks (level 2), above Dexie's transaction cache.
    this.use(
      tableMiddleware('paydesk-put-over', 1, 'operations', (table) => ({
        getMany: (req) => {
          const expected = req.cache ? this.#expected.get(req.trans) : undefined
          const rows = expected && req.keys.length === 1 ? expected.get(req.keys[0] as string) : undefined
          if (!rows) return table.getMany(req)
          expected!.delete(req.keys[0] as string)
          return Dexie.Promise.resolve([rows])
        },
      })),
    )
    const notifyAfter = (tx: Transaction) => this.#notifyAfter(tx)
    const minted = (o: object) => this.#minted.has(o)
    const seenIn = (tx: Transaction) => {
      const seen = this.#seen.get(tx) ?? { payments: new Map<string, StoredOperation>(), originals: new Set<string>(), rows: new Map<string, Operation>() }
      this.#seen.set(tx, seen)
      return seen
    }
    this.operations.hook('creating', function (this: CreatingHookContext<Operation, string>, _key, row, tx) {
      const obj = row as StoredOperation
      obj.keys = searchKeys(obj)
      stampCreated(obj, obj.updatedAt)
      notifyAfter(tx)
      // In the row's own transaction: a refund marks its payment; a payment written after a refund of it (a
      // restore, a bulk with the refund first) marks itself. A bulk holding both writes nothing before all its
      // hooks ran, so there the one seen first is marked here, before it is written.
      const store = () => (tx as unknown as { idbtrans: IDBTransaction }).idbtrans.objectStore('operations')
      const seen = seenIn(tx)
      seen.rows.set(obj.id, obj)
      // A reversal keeps what it shows of its target: from a row of the same bulk, else read before its own write
      // and written with it (the hook's `onsuccess`). A target not journaled yet leaves it unset (read on display).
      const tid = obj.original ?? obj.compensates
      if (tid && !obj.targetRow) {
        const t = seen.rows.get(tid)
        if (t) obj.targetRow = targetRowOf(t)
        else this.onsuccess = stampTarget(store(), obj, tid)
      }
      if (obj.kind === 'refund' && obj.original) {
        seen.originals.add(obj.original)
        const pay = seen.payments.get(obj.original)
        if (pay) pay.refunded = true
        markOne(store(), obj.original)
      } else if (obj.kind === 'pay') {
        seen.payments.set(obj.id, obj)
        if (seen.originals.has(obj.id)) obj.refunded = true
        // A payment under an id minted for it a moment ago has no refund anywhere to look for.
        else if (!minted(obj)) this.onsuccess = markIfRefunded(store(), obj)
      }
    })
    this.operations.hook('updating', (mods, _key, obj: StoredOperation, tx) => {
      const next = searchedAfter(obj, mods)
      const stamp = stampUpdated(mods, obj, next.updatedAt)
      if (stamp?.outboxAt !== undefined) this.#notifyAfter(tx)
      // A refund is never undone by deleting it, so neither is the mark: a copy of the payment read before its
      // refund and put back after it (Dexie lists the missing field as set to undefined) keeps it.
      const keep = {
        ...(obj.refunded && 'refunded' in mods && !mods.refunded ? { refunded: true as const } : {}),
        ...(obj.targetRow && 'targetRow' in mods && !mods.targetRow ? { targetRow: obj.targetRow } : {}),
      }
      return { keys: searchKeys(next), ...stamp, ...keep }
    })
    // A row deleted in the transaction is no longer there for a later row of it to show or mark: a reversal added
    // after its target's delete reads the target from the store (gone: `targetRow` stays unset, read on display).
    this.operations.hook('deleting', (key, _obj, tx) => {
      const seen = this.#seen.get(tx)
      if (!seen) return
      seen.rows.delete(key as string)
      seen.payments.delete(key as string)
    })
    this.shifts.hook('creating', (_key, obj: ShiftRow, tx) => {
      stampCreated(obj, obj.closedAt)
      this.#notifyAfter(tx)
    })
    this.shifts.hook('updating', (mods, _key, obj: ShiftRow, tx) => {
      const stamp = stampUpdated(mods, obj, obj.closedAt)
      if (stamp?.outboxAt !== undefined) this.#notifyAfter(tx)
      return stamp
    })
    // Last: its hooks run after the journal's above (a reversal's target read by then).
    keepTally(this)
  }

  readonly #notified = new WeakSet<object>()
  /** Per read-write transaction, the rows `putOver` is putting back, as their writer last committed them. */
  readonly #expected = new WeakMap<object, Map<string, Operation>>()
  /** Payments the pay verb journals under an id minted for them (see `minted`). */
  readonly #minted = new WeakSet<object>()

  /**
   * `row` is a payment about to be added under an id minted for it a moment ago (a ULID, by the page or the engine):
   * no refund can name it yet, so its creating hook does not look for one (`markIfRefunded`). A payment written any
   * other way (a restore, an import, a bulk) is still looked up. Returns the row.
   */
  minted<T extends Operation>(row: T): T {
    this.#minted.add(row)
    return row
  }

  /**
   * Read the row `id` that the caller's read-write transaction is about to put back: through DBCore with the
   * transaction's cache, so the updating hook's own read of the stored row is answered from memory — one IndexedDB
   * request fewer a commit. The row returned is the cached one: never mutate it (build the next row as a copy).
   */
  /**
   * Put `next` in place of `expected`, the row as its writer last committed it, in the caller's read-write
   * transaction and one IndexedDB round trip: the stored row is read beside the write (sent before it), and the
   * updating hook takes `expected` for the stored row instead of reading it first. Returns undefined when the stored
   * row was `expected`; else the stored row — another writer moved it meanwhile (a stop pressed in another tab, the
   * store's acknowledgement) — and the caller writes again over that one in the same transaction, so no reader ever
   * sees the first write. Throws, aborting the transaction, when there is no such row.
   */
  async putOver(expected: Operation, next: Operation): Promise<Operation | undefined> {
    const tx = Dexie.currentTransaction
    if (!tx || tx.mode !== 'readwrite') throw new Error('putOver outside a read-write transaction')
    const idb = tx.idbtrans
    // IndexedDB's own request, sent now: before the put, which Dexie sends only after its hooks ran.
    const req = idb.objectStore('operations').get(expected.id)
    const stored = new Dexie.Promise<Operation | undefined>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result as Operation | undefined)
      req.onerror = () => reject(req.error)
    })
    let rows = this.#expected.get(idb)
    if (!rows) this.#expected.set(idb, (rows = new Map()))
    rows.set(expected.id, expected)
    const [was] = await Dexie.Promise.all([stored, this.operations.put(next)])
    rows.delete(expected.id)
    if (!was) throw new Error(`no operation ${expected.id}`)
    // The hooks counted the write as from `expected`; the row it replaced was `was`.
    if (!same(was, expected)) tallyMove(idb, was, expected)
    return same(was, expected) ? undefined : was
  }

  async rowForUpdate(id: string): Promise<Operation | undefined> {
    const tx = Dexie.currentTransaction
    if (!tx || tx.mode !== 'readwrite') return this.operations.get(id)
    const [row] = (await this.operations.core.getMany({ trans: tx.idbtrans, keys: [id], cache: 'immutable' })) as (Operation | undefined)[]
    return row
  }
  /** The payments and refunds' originals each transaction's creating hook has seen (a bulk holding both). */
  readonly #seen = new WeakMap<object, { payments: Map<string, StoredOperation>; originals: Set<string>; rows: Map<string, Operation> }>()
  /** Tell the outbox listeners once the transaction commits (never before: a sync must not read an uncommitted row). */
  #notifyAfter(tx: Transaction) {
    if (!this.outboxListeners.size || this.#notified.has(tx)) return
    this.#notified.add(tx)
    tx.on('complete', () => {
      for (const fn of this.outboxListeners) fn()
    })
  }
}

/**
 * What `searchKeys` (and the revision's time stamp) read of a row once Dexie's modifications (key paths → values)
 * apply: copies of those few fields, not a clone of the whole row.
 */
function searchedAfter(obj: StoredOperation, mods: object): Pick<Operation, 'ref' | 'order' | 'details' | 'code' | 'updatedAt'> {
  const next: Record<string, unknown> = { ref: obj.ref, order: obj.order, details: obj.details, code: obj.code, updatedAt: obj.updatedAt }
  const copied = new Set<string>()
  for (const [path, v] of Object.entries(mods)) {
    const top = path.split('.', 1)[0]!
    if (!(top in next)) continue
    // A nested path writes into a copy of its field, never into the stored row Dexie handed the hook.
    if (path !== top && !copied.has(top)) {
      next[top] = structuredClone(next[top])
      copied.add(top)
    }
    Dexie.setByKeyPath(next, path, v)
  }
  return next as Pick<Operation, 'ref' | 'order' | 'details' | 'code' | 'updatedAt'>
}

/**
 * Mark one payment, with IndexedDB's own requests: issued at once and continued in the request's own callback, so
 * they ride in the hooked transaction whatever Dexie does next (an implicit transaction commits when the add is done,
 * so no request may wait on another write of the call).
 */
function markOne(store: IDBObjectStore, id: string) {
  const req = store.get(id)
  req.onsuccess = () => {
    const o = req.result as StoredOperation | undefined
    if (o && !o.refunded) store.put({ ...o, refunded: true })
  }
}

/**
 * A payment about to be written marks itself if a refund of it is already journaled: the count is sent before the
 * payment's own write and answered before it; the returned callback (the hook's `onsuccess`, called only once that
 * write succeeded, so a refused add of an id already there overwrites nothing) writes the marked copy.
 */
function markIfRefunded(store: IDBObjectStore, obj: StoredOperation): () => void {
  const req = store.index('original').count(obj.id)
  return () => {
    if (req.readyState === 'done' && req.result && !obj.refunded) store.put({ ...obj, refunded: true })
  }
}

/**
 * A reversal about to be written reads its target first (sent before the reversal's own write, so answered before
 * it); the returned callback (the hook's `onsuccess`) writes the reversal with what it shows of the target.
 */
function stampTarget(store: IDBObjectStore, obj: StoredOperation, tid: string): () => void {
  const req = store.get(tid)
  return () => {
    const t = req.readyState === 'done' ? (req.result as Operation | undefined) : undefined
    if (!t || obj.targetRow) return
    // On the row itself too: the tally's hook, called after this one, counts the reversal by it.
    obj.targetRow = targetRowOf(t)
    store.put({ ...obj })
  }
}

/** Stamp each reversal with what it shows of its target (version 5's upgrade). */
export async function stampTargets(operations: Table<StoredOperation, string>): Promise<void> {
  const reversals = new Map<string, string>()
  for (const index of ['original', 'compensates'] as const)
    await operations
      .where(index)
      .above(-Infinity)
      .eachPrimaryKey((id, c) => reversals.set(id, c.key as string))
  const ids = [...new Set(reversals.values())]
  const targets = new Map((await operations.bulkGet(ids)).flatMap((t) => (t ? [[t.id, targetRowOf(t)] as const] : [])))
  await operations
    .where(':id')
    .anyOf([...reversals.keys()])
    .modify((o) => {
      const tid = o.original ?? o.compensates
      const t = tid ? targets.get(tid) : undefined
      if (t) o.targetRow = t
      else delete o.targetRow
    })
}

/** Mark each payment some refund names as its original (version 4's upgrade; a bulk import of a journal). */
export async function markRefunded(operations: Table<StoredOperation, string>): Promise<void> {
  const originals = new Set<string>()
  await operations
    .where('kind')
    .equals('refund')
    .each((o) => {
      if (o.original) originals.add(o.original)
    })
  await operations
    .where(':id')
    .anyOf([...originals])
    .modify((o) => {
      o.refunded = true
    })
}
