// For what the first sale does not need: once the till is up — the payment worker has answered and the journal
// view is here (`dbReady`) — and the page is idle, so it never competes with the till's own start (the till is
// ready only after its first read of the journal view: docs/performance.md, First load).
import { dbReady } from '../engine.ts'

const idle = () =>
  new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 1000 }) : setTimeout(resolve, 0)))

export const afterStart: Promise<void> = dbReady.then(idle, idle)
