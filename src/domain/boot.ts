// What the page and the payment worker agree on before Comlink is up (src/worker-boot.ts, workers/payment.worker.ts).

/** The journal's IndexedDB database (workers/engine/db.ts), which the page opens once early to warm it. */
export const JOURNAL_DB = 'paydesk'

/**
 * The key of the worker's unasked first listing of the payment types: a message Comlink does not take for its
 * own (it carries no Comlink id).
 */
export const BOOT_LISTING = 'paydeskBootListing'
