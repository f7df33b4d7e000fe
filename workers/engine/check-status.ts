// The cashier's «Проверить статус» (docs/protocols/inpas-sbp.md § 7.51), loaded on first use (first-load budget): the
// provider asks for the status of an approved or needs-attention payment or refund. Journals nothing when it only
// reads; a definitive answer for a needs-attention operation settles it, and its history says the status check
// did (docs/protocols/inpas-sbp.md § 6.4.4: the operation is marked with a reason).
import { msg } from '../../src/domain/messages.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import { NOT_AVAILABLE, type Locks } from './locks.ts'
import type { Logger } from './log.ts'
import type { AnyProvider, PaymentType, ProbeCtx, StatusAnswer } from '../providers/types.ts'
import type { Result } from './result.ts'

export interface CheckStatusDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  locks: Locks
  loadConfig(ptId: string): Promise<Result<{ pt: PaymentType; provider: AnyProvider; config: unknown }>>
  probeContext(pt: PaymentType, provider: AnyProvider, config: unknown): ProbeCtx<unknown>
  payLock(paymentTypeId: string): string
  opLock(opId: string): string
}

export async function checkStatus(deps: CheckStatusDeps, req: { opId: string }): Promise<Result<{ op: Operation; answer: StatusAnswer; settled: boolean }>> {
  const { db, clock, log, locks } = deps
  const op = await db.operations.get(req.opId)
  if (!op || (op.kind !== 'pay' && op.kind !== 'refund')) return { ok: false, message: msg('common.noOperation') }
  if (op.state !== 'approved' && op.state !== 'needs-attention') return { ok: false, message: msg('common.notSupported') }
  const cfg = await deps.loadConfig(op.paymentTypeId)
  if (!cfg.ok) return cfg
  const p = cfg.provider
  const ask = p.status
  if (!ask) return { ok: false, message: msg('common.notSupported') }
  const run = async () => {
    const fresh = (await db.operations.get(op.id))!
    const answer = await ask(deps.probeContext(cfg.pt, p, cfg.config), fresh)
    const settle = answer.ok ? answer.settle : undefined
    if (fresh.state !== 'needs-attention' || !settle || (settle.state !== 'approved' && settle.state !== 'declined'))
      return { op: fresh, answer, settled: false }
    // needs-attention is final for the state machine; this is its one journaled exit (a reason in the history).
    const { note, ...fields } = settle
    const now = clock.now()
    const next: Operation = {
      ...fresh,
      ...fields,
      state: settle.state,
      updatedAt: now,
      history: [...fresh.history, { at: now, state: settle.state, note: note ?? 'settled by status check' }],
    }
    await db.operations.put(next)
    log.warn('engine', 'needs-attention settled by status check', { state: next.state }, op.id)
    return { op: next, answer, settled: true }
  }
  // One exchange per pin-pad: not while a payment of this type holds it, nor twice on one operation.
  const r = await locks.run(deps.payLock(op.paymentTypeId), () => locks.run(deps.opLock(op.id), run, { ifAvailable: true }), { ifAvailable: true })
  if (r === NOT_AVAILABLE) return { ok: false, message: msg('common.busy') }
  return { ok: true, ...r }
}
