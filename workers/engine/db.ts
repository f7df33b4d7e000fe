// The IndexedDB schema (DESIGN § 4): the journal, the durable queue, settings, secrets kept
// apart, and the rotating log. Versioned; a new version adds a `.version(n)` block below.
import Dexie, { type DexieOptions, type Table } from 'dexie'
import type { Operation } from '../../src/domain/operation.ts'
import type { ProviderId } from '../../src/domain/operation.ts'

export interface QueueEntry {
  id?: number
  provider: ProviderId
  paymentTypeId: string
  /** The queued operation: a compensation, or a cancel/refund whose reply was lost. */
  opId: string
  attempt: number
  /** Definitive refusals so far (README R5: 10 make it needs-attention). */
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

export const DB_NAME = 'paydesk'

export class PaydeskDb extends Dexie {
  operations!: Table<Operation, string>
  queue!: Table<QueueEntry, number>
  settings!: Table<SettingRow, string>
  secrets!: Table<SecretRow, string>
  log!: Table<LogEntry, number>

  constructor(name = DB_NAME, options?: DexieOptions) {
    // Issue 10: every write that precedes a request (the journal row, a queue entry) is committed with strict
    // durability, so a power cut right after the request left cannot lose the row (Chromium defaults to relaxed).
    super(name, { chromeTransactionDurability: 'strict', ...options })
    this.version(1).stores({
      operations: 'id, state, createdAt, paymentTypeId, code.hash, original, compensates',
      queue: '++id, provider, opId, nextAttemptAt',
      settings: 'key',
      secrets: 'key',
      log: '++id, at, level, opId',
    })
  }
}
