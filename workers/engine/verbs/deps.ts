// What every verb (pay, reverse, void, reconcile, loyalty) shares: the engine hands one object
// to each, so a verb reads like its design and nothing else of the engine's closure leaks in.
import type { Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { OperationId } from '../../../src/domain/ids.ts'
import type { AnyProvider, PaymentType, ProbeCtx } from '../../providers/types.ts'
import type { Clock } from '../clock.ts'
import type { PaydeskDb } from '../db.ts'
import type { Locks } from '../locks.ts'
import type { Logger } from '../log.ts'
import type { QueueStore } from '../queue.ts'
import type { ScanGuard } from '../scan-guard.ts'
import type { hostOrders } from '../host-orders.ts'
import type { Result } from '../result.ts'
import type { LoadedConfig } from '../payment-types.ts'
import type { Drive } from '../drive.ts'

export type { Result }
export const PAY_LOCK = (paymentTypeId: string) => `paydesk-pay-${paymentTypeId}`

export interface VerbDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  locks: Locks
  providers: ReadonlyMap<string, AnyProvider>
  queue: QueueStore
  host: ReturnType<typeof hostOrders>
  loadConfig: (ptId: string) => Promise<LoadedConfig>
  /** docs/rules.md R6: the whole guard; `early` and `againstJournal` are its two halves (pay runs the second in its journal write). */
  checkScan: ScanGuard
  /** docs/rules.md R8: refuse while a blocking provider compensates (undefined: go ahead). */
  gate: (p: AnyProvider, pt: PaymentType, config: unknown) => Promise<Msg | undefined>
  probeContext: (pt: PaymentType, provider: AnyProvider, config: unknown) => ProbeCtx<unknown>
  newId: () => OperationId
  track: <T>(p: Promise<T>) => Promise<T>
  drive: Drive
  flagFor: (op: Operation) => { onStop: Set<() => void> }
  /** Used by void: stop waiting for a payment still open. */
  stopWaiting: (opId: string) => Promise<Result>
  /** Used by void: cancel an approved payment. */
  reverse: (req: {
    opId: string
    kind: 'cancel' | 'refund'
    amount?: number
    void?: boolean
    dedupe?: string
  }) => Promise<Result<{ op: Operation; repeated?: true }>>
}
