// What the engine is built from (workers/payment.worker.ts hands the web adapters, the tests their fakes).
import type { PaydeskDb } from './db.ts'
import type { Clock } from './clock.ts'
import type { Locks } from './locks.ts'
import type { Logger } from './log.ts'
import type { Http } from '../transport/http.ts'
import type { StopChannel } from './tabs.ts'
import type { DemoStore } from './sync/sync.ts'
import type { AnyProvider, DemoPaymentType } from '../providers/types.ts'

export interface EngineDeps {
  db: PaydeskDb
  fetch: typeof fetch
  clock: Clock
  locks: Locks
  providers: readonly AnyProvider[]
  random?: () => number
  /** Base for relative provider URLs (the worker's origin). */
  baseUrl?: string
  /** Run the queue timer (the browser does; tests drain by hand). */
  timers?: boolean
  /** Override the transport (tests hold replies with it). */
  http?: (source: string, log: Logger) => Http
  /** A demo build: the payment types a newcomer starts with (seeded once, on an empty settings table). */
  demo?: { paymentTypes: readonly DemoPaymentType[] }
  /**
   * `refuse` (a production worker): a payment type bound to an emulator (`Provider.emulated`) is shown disabled,
   * cannot be saved and never runs. Default `allow` (a demo build, the tests against the sandbox).
   */
  emulators?: 'allow' | 'refuse'
  /** How a stop pressed in one tab reaches the worker driving the payment (default: a BroadcastChannel per database). */
  stops?: StopChannel
  /** A demo build's store, which the till joins by itself. */
  demoStore?: DemoStore
}
