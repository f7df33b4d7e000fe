// The Sendy client (docs/protocols/sendy.md § 4): activation, counters before every transaction
// (through numbering, server shifts), offline pay with the micropay rules (USERPAYING and
// SYSTEMERROR → query, then a durable reverse), online pay with a QR and a token, cancel
// (reverse, with the 15 s wait), the optional full refund, day close (shift close: paid
// receipts only) and reports without closing. Money never moves twice: the number is
// journaled before the request, and every unknown ends in a query or a queued reverse.
//
// Replies are read by the shared classification (common/reply.ts, docs/rules.md R3) and status queries run in the
// shared poll loop (common/poll.ts, R4.3, R7). Two kinds of loop stay Sendy's own, on purpose: the reverse's retries
// (§ 4.6: `REVERSE_TOO_EARLY` / `recall: "Y"` name their own wait, `retryAfterMs`, so there is no fixed cadence) are
// a money request repeated, not a status asked; and the queue's entries are retried by the engine's queue.
//
// One file per verb, as the engine's verbs/ are: call.ts (the HTTP call), numbering.ts, query.ts, slips.ts,
// activation.ts, pay.ts, reverse.ts, queued.ts, reports.ts.
import { closeDay, report } from './reports.ts'
import { pay, resume } from './pay.ts'
import { reverse } from './reverse.ts'
import { runQueued } from './queued.ts'

export { activate, information } from './activation.ts'

export const sendyClient = { pay, resume, reverse, runQueued, closeDay, reconcile: report }
