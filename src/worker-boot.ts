// The payment worker, started by its own module script before the page's (index.html): a module script runs once
// its own graph is fetched, so the worker's fetch, compile and start run beside the page's, not after them. The
// page's `engine.ts` imports the same module, so there is one worker.
export const worker = new Worker(new URL('../workers/payment.worker.ts', import.meta.url), { type: 'module', name: 'paydesk-payments' })
