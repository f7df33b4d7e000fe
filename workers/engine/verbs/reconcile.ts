// Сверка итогов: the provider's report, journaled as a `reconcile` operation.
import type { Minor } from '../../../src/domain/money.ts'
import { msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { newOperation } from '../new-operation.ts'
import type { Result } from './deps.ts'
import type { VerbDeps } from './deps.ts'

export function reconcileVerb(d: VerbDeps) {
  const { db, clock, log, loadConfig, newId, queue, probeContext } = d
  /** Сверка итогов: the provider's report for the shift, journaled as a `reconcile` operation and printed by the UI. */
  async function reconcile(req: { paymentTypeId: string; start?: string; end?: string; shift?: number; detail?: boolean }): Promise<Result<{ op: Operation }>> {
    const cfg = await loadConfig(req.paymentTypeId)
    if (!cfg.ok) return cfg
    const p = cfg.provider
    if (!p.reconcile || !p.capabilities.reconcile) return { ok: false, message: msg('common.notSupported') }
    const journal = await db.operations.where('paymentTypeId').equals(req.paymentTypeId).toArray()
    const queued = await queue.count(p.id)
    const r = await p.reconcile(probeContext(cfg.pt, p, cfg.config), journal, {
      queued,
      ...(req.start ? { start: req.start } : {}),
      ...(req.end ? { end: req.end } : {}),
      ...(Number.isSafeInteger(req.shift) && req.shift! > 0 ? { shift: req.shift! } : {}),
      // Unticked is asked for too: a report without detail where the settings' default is detailed.
      ...(typeof req.detail === 'boolean' ? { detail: req.detail } : {}),
    })
    if (!r.ok) return r
    const now = clock.now()
    const op = newOperation(
      { id: newId(), kind: 'reconcile', provider: p.id, paymentTypeId: req.paymentTypeId, amount: r.net as Minor, currency: p.currency },
      now,
      {
        state: 'approved',
        slip: r.slip,
        note: `reconciled: ${r.mismatches} mismatches`,
        message: r.mismatches ? msg('report.mismatches', { count: r.mismatches }) : msg('report.allMatch'),
      },
    )
    await db.operations.add(op)
    log.info('engine', 'reconcile', { mismatches: r.mismatches, net: r.net }, op.id)
    return { ok: true, op }
  }
  return reconcile
}
