// The journal's released IndexedDB schemas, written out so the upgrade tests keep them whatever db.ts becomes,
// and a builder of journal rows for those tests (one place, not one copy per test file).
import type { Operation, OpKind, OpState } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'

/** The schema as released in version 1. */
export const V1 = {
  operations: 'id, state, createdAt, paymentTypeId, code.hash, original, compensates',
  queue: '++id, provider, opId, nextAttemptAt',
  settings: 'key',
  secrets: 'key',
  log: '++id, at, level, opId',
}

/** The schema as released in version 2. */
export const V2 = {
  operations:
    'id, state, createdAt, paymentTypeId, code.hash, original, compensates, kind, ref, order, *keys, [paymentTypeId+createdAt], [kind+createdAt], [state+createdAt], [amount+createdAt]',
  queue: '++id, provider, opId, nextAttemptAt',
  settings: 'key',
  secrets: 'key',
  log: '++id, at, level, opId',
  shifts: 'number, closedAt',
}

/** The schema as released in versions 3 and 4 (4 added no store or index). */
export const V4 = {
  ...V2,
  operations: `${V2.operations}, outboxAt`,
  shifts: 'number, closedAt, outboxAt',
}

export type RowInput = Omit<Partial<Operation>, 'amount'> & { kind: OpKind; amount: number; state?: OpState; createdAt: number }

/** A builder of approved ClickPass journal rows with ids `<prefix><n>` (ULID-shaped, in creation order). */
export function rowBuilder(prefix: string): (p: RowInput) => Operation {
  let seq = 0
  return (p) => ({
    provider: 'clickpass',
    paymentTypeId: 'click-1',
    currency: 'UZS',
    state: 'approved',
    updatedAt: p.createdAt,
    history: [],
    ...p,
    id: (p.id ?? `${prefix}${String(++seq).padStart(10, '0')}`) as OperationId,
    amount: p.amount as Minor,
  })
}
