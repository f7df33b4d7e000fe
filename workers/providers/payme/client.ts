// The PaymeGO client (docs/protocols/payme.md § 4): receipts.create, receipts.pay with the
// scanned token, polling receipts.check every `frequency` for `payDuration`, a durable
// receipts.cancel after a timeout (unless the code is in `ignoredErrors`), and two slips.
//
// One file per verb, as the engine's verbs/ are: call.ts (the JSON-RPC call), slips.ts, query.ts, pay.ts,
// reverse.ts, queued.ts.
import { pay, resume } from './pay.ts'
import { reverse } from './reverse.ts'
import { runQueued } from './queued.ts'

export { SLIP_COPIES } from './slips.ts'

export const paymeClient = { pay, resume, reverse, runQueued }
