// The IndexedDB schema (docs/architecture.md § 4): the journal, the durable queue, settings, secrets kept
// apart, and the rotating log. Versioned; a new version adds a `.version(n)` block below.
import Dexie, { type DexieOptions, type Table } from 'dexie'
import type { Operation } from '../../src/domain/operation.ts'
import { searchKeys } from '../../src/domain/journal.ts'
import type { ProviderId } from '../../src/domain/operation.ts'

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

/** A closed shift: its number, when it opened and closed, and who closed it. */
export interface ShiftRow {
  number: number
  openedAt: number
  closedAt: number
  cashier?: string
  /** The day close's result per payment type with a provider end of day (O!plati E8 …): the reconcile operation's id. */
  providerCloses?: { paymentTypeId: string; opId?: string; ok: boolean; mismatches?: number }[]
}

/** Journal row as stored from version 2: the operation and its search keys (kept by a hook, never sent anywhere). */
export type StoredOperation = Operation & { keys?: string[] }

export const DB_NAME = 'paydesk'

export class PaydeskDb extends Dexie {
  operations!: Table<Operation, string>
  queue!: Table<QueueEntry, number>
  settings!: Table<SettingRow, string>
  secrets!: Table<SecretRow, string>
  log!: Table<LogEntry, number>
  shifts!: Table<ShiftRow, number>

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
    this.operations.hook('creating', (_key, obj: StoredOperation) => {
      obj.keys = searchKeys(obj)
    })
    this.operations.hook('updating', (mods, _key, obj: StoredOperation) => {
      const next = structuredClone(obj)
      for (const [path, v] of Object.entries(mods)) if (path !== 'keys') Dexie.setByKeyPath(next, path, v)
      return { keys: searchKeys(next) }
    })
  }
}
