// Drive: run one provider procedure on an operation under the operation's Web Lock (`paydesk-op-<id>`), so no
// tab runs it twice, and turn a procedure that throws into an unknown outcome resolved like a lost reply
// (docs/architecture.md § 3, docs/rules.md R4) — never an exception on the page.
import { msg } from '../../src/domain/messages.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'
import type { AnyProvider, OpCtx } from '../providers/types.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import { NOT_AVAILABLE, type Held, type Locks } from './locks.ts'
import type { Logger } from './log.ts'
import { NotJournaled, type FirstWrite, type OpContexts } from './op-context.ts'
import type { LoadedConfig } from './payment-types.ts'

export const OP_LOCK = (id: string) => `paydesk-op-${id}`

export interface DriveDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  locks: Locks
  loadConfig: (ptId: string) => Promise<LoadedConfig>
  contexts: Pick<OpContexts, 'context'>
}

export type Drive = (
  op: Operation,
  job: (ctx: OpCtx<unknown>, provider: AnyProvider) => Promise<void>,
  ifAvailable?: boolean,
  loaded?: LoadedConfig,
  journaled?: Operation,
  first?: FirstWrite,
  held?: Held,
) => Promise<Operation>

export function createDrive(d: DriveDeps): Drive {
  const { db, clock, log, locks, loadConfig } = d

  /**
   * A provider procedure that threw is an unknown outcome, never an exception for the UI.
   * Nothing proves the request did not leave, so the operation becomes `unknown` and is resolved as
   * after a lost reply: by the provider's own resume (status first); if that throws too, a payment is
   * compensated and a reversal queued, where the queue's status check decides. No money moves in a loyalty call.
   */
  async function afterThrow(ctx: OpCtx<unknown>, provider: AnyProvider): Promise<void> {
    const cur = (await db.operations.get(ctx.op.id))!
    if (isFinal(cur.state) || cur.queued || cur.state === 'compensating') return
    if (cur.kind === 'loyalty') {
      await ctx.commit({ state: 'declined', message: msg('common.declined', { code: 'error' }), note: 'provider procedure failed' })
      return
    }
    if (cur.state === 'created')
      await ctx.commit({ state: 'sent', sentAt: clock.now(), note: 'provider failed before journaling its request: treated as sent' })
    if (ctx.op.state === 'sent') await ctx.commit({ state: 'unknown', message: msg('common.checking'), note: 'provider procedure failed: outcome unknown' })
    try {
      await provider.resume(ctx)
      return
    } catch (e) {
      log.error('engine', 'provider resume failed', { error: String(e) }, ctx.op.id)
    }
    const now = (await db.operations.get(ctx.op.id))!
    if (isFinal(now.state) || now.queued || now.state === 'compensating') return
    if (now.kind === 'pay') await ctx.compensate({ message: msg('common.unknownAttention'), note: 'provider procedure failed twice: compensation queued' })
    else await ctx.queueSelf({ message: msg('common.cancelQueued'), note: 'provider procedure failed twice: queued' })
  }

  /**
   * `journaled`: the row the verb has just written (or, with `first`, built: see FirstWrite). Throws NotJournaled
   * when the first write refuses the operation (nothing written, nothing sent). `held`: the operation's lock, asked
   * for by the verb beside its own (pay); drive waits for it instead of asking, and releases it.
   */
  return async function drive(op, job, ifAvailable = false, loaded, journaled, first, held) {
    // A verb that has just loaded the type's config (pay) hands it over: two IndexedDB reads fewer per payment (bench).
    const cfg = loaded?.ok && loaded.pt.id === op.paymentTypeId ? loaded : await loadConfig(op.paymentTypeId)
    if (!cfg.ok) {
      await held?.release()
      log.error('engine', 'cannot drive operation: payment type unusable', { message: cfg.message.key }, op.id)
      return op
    }
    const run = async <T>(job: () => Promise<T>) => {
      if (!held) return locks.run(OP_LOCK(op.id), job, { ifAvailable })
      try {
        return (await held.granted) ? await job() : NOT_AVAILABLE
      } finally {
        await held.release()
      }
    }
    const r = await run(async () => {
      // Pay hands over the row it has just built (one read fewer a payment): should another context have
      // moved it meanwhile, the provider's first commit re-reads it and refuses to move a final state.
      const fresh = journaled?.id === op.id ? journaled : (await db.operations.get(op.id))!
      if (isFinal(fresh.state)) return fresh
      const ctx = d.contexts.context(fresh, cfg.pt, cfg.provider, cfg.config, journaled?.id === op.id ? first : undefined)
      try {
        await job(ctx, cfg.provider)
        // A procedure that ended without a commit or a side effect leaves the operation journaled as it is.
        await ctx.journaled()
      } catch (e) {
        // Refused by its first write: nothing journaled, nothing sent (every side effect waits for that write).
        if (e instanceof NotJournaled) throw e
        const refused = await ctx.journaled().then(
          () => undefined,
          (w: unknown) => w,
        )
        if (refused instanceof NotJournaled) throw refused
        log.error('engine', 'provider procedure failed', { error: String(e) }, op.id)
        await afterThrow(ctx, cfg.provider)
      }
      return ctx.op
    })
    return r === NOT_AVAILABLE ? op : r
  }
}
