// The Comlink proxy to the payment worker: the only way the UI reaches payments.
import * as Comlink from 'comlink'
import type { Api } from '../workers/payment.worker.ts'
import type { PaydeskDb } from '../workers/engine/db.ts'
import { deferred } from './app/deferred.ts'
import { bootListing, worker } from './worker-boot.ts'
import { firstThenAsk } from './boot.ts'
import type { PaymentTypeView } from '../workers/engine/payment-types.ts'

export const engine = Comlink.wrap<Api>(worker)

/**
 * Read-only view of the same IndexedDB for liveQuery (journal, queue, log). Secrets are never read here.
 * Dexie is not in the first load: the view loads once the worker has answered (the till is ready for the
 * amount; a worker that has not answered in 2 s does not hold it longer), so loading and opening it never takes
 * a core from the start of the page and the worker. `live()` subscribes once it is here; a read started before
 * (`await db.operations…`) is replayed on it when it arrives. After that `db` is the Dexie instance itself.
 */
const workerUp = Promise.race([bootListing, new Promise((resolve) => setTimeout(resolve, 2_000))])
export const dbReady: Promise<PaydeskDb> = workerUp.then(() => import('../workers/engine/db.ts')).then((m) => (db = new m.PaydeskDb()))
// A live binding: every importer sees the Dexie instance itself once it is here (no stand-in in between).
export let db: PaydeskDb = deferred(dbReady)

/**
 * The payment types for the screen the page opens with: the worker's unasked first listing (src/worker-boot.ts)
 * once, during the start (until the journal view is here), then asked.
 */
export const startListing: () => Promise<PaymentTypeView[]> = firstThenAsk(bootListing, () => engine.listPaymentTypes(), dbReady)
