// The operation journal's record and its state machine (docs/architecture.md § 4). Pure: the engine
// persists what `advance` returns before it performs the next side effect.
import type { Minor } from './money.ts'
import type { SaleItem } from './sale.ts'
import type { OperationId } from './ids.ts'
import type { Msg } from './messages.ts'
import type { Slip } from './slip.ts'

/** A provider's folder name under workers/providers/ (its registry entry names it; the domain keeps no list). */
export type ProviderId = string
export type OpKind = 'pay' | 'cancel' | 'refund' | 'reconcile' | 'loyalty'

export type OpState = 'created' | 'sent' | 'approved' | 'declined' | 'unknown' | 'resolving' | 'compensating' | 'compensated' | 'needs-attention'

export const FINAL_STATES: readonly OpState[] = ['approved', 'declined', 'compensated', 'needs-attention']
/** States the engine resumes after a restart (docs/architecture.md § 4). */
export const OPEN_STATES: readonly OpState[] = ['created', 'sent', 'unknown', 'resolving', 'compensating']

const NEXT: Record<OpState, readonly OpState[]> = {
  created: ['sent', 'declined'],
  sent: ['approved', 'declined', 'unknown', 'resolving', 'compensating', 'needs-attention'],
  unknown: ['resolving', 'approved', 'declined', 'compensating', 'needs-attention'],
  resolving: ['approved', 'declined', 'compensating', 'needs-attention'],
  compensating: ['compensated', 'needs-attention'],
  approved: [],
  declined: [],
  compensated: [],
  'needs-attention': [],
}

export function isFinal(s: OpState): boolean {
  return FINAL_STATES.includes(s)
}

export function canMove(from: OpState, to: OpState): boolean {
  return from === to ? !isFinal(from) : NEXT[from].includes(to)
}

export interface HistoryEntry {
  at: number
  state: OpState
  note?: string
}

export interface Operation {
  id: OperationId
  kind: OpKind
  provider: ProviderId
  paymentTypeId: string
  amount: Minor
  currency: string
  state: OpState
  createdAt: number
  updatedAt: number
  /** When the money-moving request left (ms, device clock): the anchor of every window. */
  sentAt?: number
  /** End of the current resolution window, stored so a reload resumes the same countdown (R7). */
  deadline?: number
  /** Provider reference, always a string (docs/rules.md R2: no lost digits). */
  ref?: string
  /** One-time customer code: hash for dedupe, mask for people; `spent` once it went into a request (R6). */
  code?: { hash: string; masked: string; spent: boolean; scannedAt: number }
  /** For cancel/refund: the payment they reverse. */
  original?: OperationId
  /** For a compensation: the operation it compensates. */
  compensates?: OperationId
  /** On a payment: the cancel/refund/compensation that reverses it (pending or done). */
  reversedBy?: OperationId
  /** The cashier pressed "stop waiting", or the window ended with them gone (R4.4). */
  cashierLeft?: boolean
  /** A queue entry drives this operation (not the start-up recovery). */
  queued?: boolean
  message?: Msg
  error?: { code: string; note?: string; httpStatus?: number }
  details?: Record<string, string | number | boolean>
  slip?: Slip
  /** The till tab that started it (a tab shows its own sale); opaque, per browser tab. */
  tab?: string
  /** Host POS order reference, if the host drove the payment. */
  order?: string
  /** The sale's items, when the host passed them (fiscal detail for providers that take it). */
  items?: SaleItem[]
  /** What the cashier's screen shows the customer while waiting (O!plati modes 1 and 2). */
  display?: { kind: 'code'; code: string } | { kind: 'qr'; payload: string; until: number }
  /** The payment type's `paymentProvider` code at the time of the payment, reported to the host. */
  providerCode?: number
  history: HistoryEntry[]
  /**
   * docs/architecture.md § 6b: the row's revision, raised by the database hook inside whatever transaction changes
   * the row; `syncedRev` is the last one the store acknowledged; `outboxAt` is present only while `rev > syncedRev`
   * (a sparse index: the outbox); `syncError` when the store refused the row (needs attention). Never set by hand.
   */
  rev?: number
  syncedRev?: number
  outboxAt?: number
  syncError?: SyncError
}

/** The store refused this revision of the row: `foreign` (another till owns it) or `invalid`. */
export interface SyncError {
  reason: string
  rev: number
  at: number
}

export type OpPatch = Partial<Omit<Operation, 'id' | 'kind' | 'provider' | 'createdAt' | 'history' | 'rev' | 'syncedRev' | 'outboxAt' | 'syncError'>> & {
  note?: string
}

export class TransitionError extends Error {
  constructor(
    readonly from: OpState,
    readonly to: OpState,
  ) {
    super(`operation cannot move from ${from} to ${to}`)
  }
}

/** Apply a patch: checks the transition, stamps the time and appends history. Pure. */
export function advance(op: Operation, patch: OpPatch, now: number): Operation {
  const { note, ...fields } = patch
  const to = fields.state ?? op.state
  if (to !== op.state && !canMove(op.state, to)) throw new TransitionError(op.state, to)
  if (to === op.state && isFinal(op.state) && fields.state !== undefined) throw new TransitionError(op.state, to)
  const history = to !== op.state || note ? [...op.history, { at: now, state: to, ...(note ? { note } : {}) }] : op.history
  return { ...op, ...fields, state: to, updatedAt: now, history }
}
