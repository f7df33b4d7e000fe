// One factory for a new journal row: every operation starts with its creation in its history.
import type { Operation, OpState } from '../../src/domain/operation.ts'

type Base = Pick<Operation, 'id' | 'kind' | 'provider' | 'paymentTypeId' | 'amount' | 'currency'>
type Extra = Partial<Omit<Operation, keyof Base | 'createdAt' | 'updatedAt' | 'history'>> & { note?: string; state?: OpState }

/** A new operation at `now`, `created` unless told (a reconcile is journaled already `approved`). */
export function newOperation(base: Base, now: number, extra: Extra = {}): Operation {
  const { note, state = 'created', ...rest } = extra
  return { ...base, state, createdAt: now, updatedAt: now, history: [{ at: now, state, ...(note ? { note } : {}) }], ...rest }
}
