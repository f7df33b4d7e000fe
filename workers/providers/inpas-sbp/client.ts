// The inpas-sbp adapter between the engine and the pure client machine (machine.ts): it runs one pay, refund or
// status session over a PinpadPort through the engine's OpCtx (docs/protocols/inpas-sbp.md § 6). Owns: opening the
// port per operation (§ 4.2), the persisted ecrNo counter (§ 6.3 step 2), committing `sent` before the first byte
// (§ 6.3 step 4), the timers of both layers on the engine's clock, the cashier's hints and the mirrored SBP QR
// (`op.display`), unplug/replug (§ 4.5), the outcome → journal mapping (§ 6.5), and resolution after a reload or
// from the queue (§ 6.4). No DOM, no Dexie: only OpCtx.
//
// Readings (PDK):
// - The runner sleeps at most IDLE_POLL_MS at a time so that it sees the cashier's «stop waiting»
//   (`ctx.waiting()`); that is the § 6.6 cancel: EOT and `unknown` → resolution (never straight to `declined`).
// - Port refused (not granted, busy, unsupported) before a payment: the engine has already written the row, so
//   the row ends `declined` with the port message and nothing is sent (§ 7.8 asks for "no journal row"; the
//   engine writes the row before any provider code runs).
// - An operation left `unknown` because the port stayed away longer than RECONNECT_WAIT_MS is handed to the
//   engine's queue (`queueSelf`); `runQueued` retries the resolution with the engine's backoff.
// - "Same day" for a refund (B6, B7) = the device's local calendar date of the payment's `sentAt` equals today's.
// - `details.method` holds the cashier's choice until the outcome and the method the terminal reports after it;
//   `details.requested` keeps the choice (the status request needs the op code that was sent: `details.reqOp`).
//
// One file per verb, as the engine's verbs/ are: run.ts (the session runner and the port), store.ts (ecrNo, RRNs),
// outcome.ts, resolve.ts, status.ts, exchange.ts (check-link), settlement.ts (day close); here the provider object.
import type { OpCtx, Provider, QueueVerdict } from '../types.ts'
import type { InpasRequest, Method, OriginalPayment } from './session.ts'
import type { InpasConfig } from './config.ts'
import { localStamp, methodOf, type PortFactory, runSession, sameLocalDay, withPort } from './run.ts'
import { knownRrns, nextEcrNo } from './store.ts'
import { settle } from './outcome.ts'
import { resolve } from './resolve.ts'
import { statusCheck } from './status.ts'

export { IDLE_POLL_MS, localStamp, type PortFactory, RECONNECT_WAIT_MS } from './run.ts'
export { nextEcrNo } from './store.ts'
export { checkLink, checkLinkAction } from './exchange.ts'
export { closeDay, journalTotals } from './settlement.ts'

export function inpasClient(ports: PortFactory): Required<Pick<Provider<InpasConfig>, 'pay' | 'resume' | 'reverse' | 'runQueued' | 'status'>> {
  /** Run a money request (pay or refund), committing `sent` before its first byte. */
  async function money(ctx: OpCtx<InpasConfig>, build: (ecrNo: number, sentAt: string, rrns: string[]) => InpasRequest, requested: Method): Promise<boolean> {
    return withPort(
      ports,
      ctx,
      async (port) => {
        const ecrNo = await nextEcrNo(ctx)
        const sentStamp = localStamp(ctx.clock.now())
        const request = build(ecrNo, sentStamp, await knownRrns(ctx))
        const r = await runSession(ctx, port, request, async (n, reqOp) => {
          const now = ctx.clock.now()
          await ctx.commit({
            state: 'sent',
            sentAt: now,
            deadline: now + ctx.config.timeout * 1000,
            details: { ...ctx.op.details, method: requested, requested, ecrNo: n, reqOp, sentStamp },
            note: `ecrNo ${n}, op ${reqOp}`,
          })
        })
        return settle(ctx, r)
      },
      async (m) => {
        await ctx.commit({ state: 'declined', message: m, note: 'not sent: pin-pad port not available' })
        return true
      },
    )
  }

  return {
    async pay(ctx) {
      const method = methodOf(ctx.op.details?.method)
      await money(ctx, (ecrNo, sentAt, rrns) => ({ kind: 'pay', method, amount: ctx.op.amount, ecrNo, sentAt, knownRrns: rrns }), method)
    },

    async reverse(ctx, original) {
      const od = original.details ?? {}
      const key = `refunded:${original.id}`
      const refunded = (await ctx.store.get<number>(key)) ?? 0
      const fields: Record<number, string> = {}
      if (typeof od.rrn === 'string') fields[14] = od.rrn
      if (typeof od.authCode === 'string') fields[13] = od.authCode
      const orig: OriginalPayment = {
        approved: original.state === 'approved',
        method: methodOf(od.method),
        switched: od.switched === true,
        amount: original.amount,
        refunded,
        sameDay: sameLocalDay(original.sentAt ?? original.createdAt, ctx.clock.now()),
        fields,
      }
      await money(ctx, (ecrNo, sentAt, rrns) => ({ kind: 'refund', amount: ctx.op.amount, ecrNo, sentAt, knownRrns: rrns, original: orig }), orig.method)
      if (ctx.op.state === 'approved') await ctx.store.put(key, refunded + ctx.op.amount)
    },

    async resume(ctx) {
      // By kind (a refund asks the pin-pad for the refund, a pay for the pay). Still unknown afterwards (no
      // port, no answer): the queue keeps asking — no answer is never "no money moved".
      if (!(await resolve(ports, ctx)) && !ctx.op.queued && (ctx.op.state === 'unknown' || ctx.op.state === 'resolving'))
        await ctx.queueSelf({ note: 'resumed: outcome still unknown, the queue keeps asking' })
    },

    async runQueued(ctx): Promise<QueueVerdict> {
      return (await resolve(ports, ctx)) ? { kind: 'done' } : { kind: 'retry', error: 'pin-pad not available or outcome still unknown' }
    },

    status: (pctx, op) => statusCheck(ports, pctx, op),
  }
}
