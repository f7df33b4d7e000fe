// The O!plati client (docs/protocols/oplati.md § 4): token or password auth, pay in the three
// modes with E3 polling at the 5 s floor, the cashbox cancel (C5), reversals (E7) for
// cancels and partial refunds, cancel-refund, and the durable resolution of every lost
// reply through E3 / E8 — never a second charge, never a reversal sent twice.
//
// One file per verb, as the engine's verbs/ are: call.ts (auth, the HTTP call, E3, E8), pay.ts, loyalty.ts,
// reverse.ts, queued.ts, reports.ts.
import { pay, resume } from './pay.ts'
import { loyalty } from './loyalty.ts'
import { reverse } from './reverse.ts'
import { runQueued } from './queued.ts'
import { checkConnection, probe, reconcileShift } from './reports.ts'

export { statusMessage } from './call.ts'

export const oplatiClient = { pay, resume, reverse, runQueued, probe, reconcile: reconcileShift, loyalty, checkConnection }
