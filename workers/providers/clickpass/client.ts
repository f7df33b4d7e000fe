// The ClickPass client (docs/protocols/clickpass.md § 4): confirm-mode switch once, pay, confirm
// at once, resolve unknown outcomes by status queries, reverse, and queue attempts. Every
// state change goes through ctx.commit before the next request.
//
// One file per verb, as the engine's verbs/ are: call.ts (the HTTP call), slips.ts, mode.ts (confirm mode),
// query.ts, pay.ts, reverse.ts, queued.ts.
import { pay, resume } from './pay.ts'
import { reverse } from './reverse.ts'
import { runQueued } from './queued.ts'

export { CONFIRM_DECIDE_MS, CONFIRM_RESEND_MS, PENDING_WINDOW_MS, POLL_MS } from './pay.ts'
export { clickDeclined } from './call.ts'

export const clickpassClient = { pay, resume, reverse, runQueued }
