// The payment worker, started by its own module script before the page's (index.html): a module script runs once
// its own graph is fetched, so the worker's fetch, compile and start run beside the page's, not after them. The
// page's `engine.ts` imports the same module, so there is one worker.
import type { PaymentTypeView } from '../workers/engine/payment-types.ts'
import { BOOT_LISTING, JOURNAL_DB } from './domain/boot.ts'
import { firstMessage, warmDatabase } from './boot.ts'

export const worker = new Worker(new URL('../workers/payment.worker.ts', import.meta.url), { type: 'module', name: 'paydesk-payments' })

/**
 * The worker's first listing of the payment types, sent unasked once its engine is started
 * (workers/payment.worker.ts): a request the page posts before the worker runs is held in the page until the
 * page's own thread is free — it is drawing the till then — so asking would wait for the page twice.
 */
export const bootListing = firstMessage<PaymentTypeView[]>(worker, BOOT_LISTING)

void warmDatabase(JOURNAL_DB)
