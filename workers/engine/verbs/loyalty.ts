// Add the customer's loyalty card to the sale (O!plati C6): a verb over the engine's shared deps.
import { msg } from '../../../src/domain/messages.ts'
import type { Minor } from '../../../src/domain/money.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import { isOperationId, type OperationId } from '../../../src/domain/ids.ts'
import { NOT_AVAILABLE } from '../locks.ts'
import { newOperation } from '../new-operation.ts'
import { tabOf } from '../tabs.ts'
import { PAY_LOCK, type Result } from './deps.ts'
import type { VerbDeps } from './deps.ts'

export function loyaltyVerb(d: VerbDeps) {
  const { db, clock, log, locks, loadConfig, checkScan, gate, newId, track, drive, flagFor } = d
  /** Add the customer's loyalty card to the sale (O!plati C6): no money moves, so nothing is ever queued. */
  async function addLoyaltyCard(req: {
    paymentTypeId: string
    code?: string
    scannedAt?: number
    order?: string
    tab?: string
    /** The page's own id for the operation (as pay's `id`): a repeat of a journaled id is ignored. */
    id?: string
  }): Promise<Result<{ op: Operation }>> {
    if (req.id !== undefined && !isOperationId(req.id)) return { ok: false, message: msg('common.notSupported') }
    const opId = (): OperationId => (req.id as OperationId | undefined) ?? newId()
    const cfg = await loadConfig(req.paymentTypeId)
    if (!cfg.ok) return cfg
    // A deleted type with operations is archived: it reverses its own, never takes new ones.
    if (cfg.pt.archived !== undefined) return { ok: false, message: msg('common.noPaymentType') }
    const p = cfg.provider
    const run = p.loyalty
    if (!run || !p.capabilities.loyalty) return { ok: false, message: msg('common.notSupported') }
    const code = (req.code ?? '').trim()
    const scan = await checkScan(p, cfg.config, code, req.scannedAt)
    if (!scan.ok) return scan
    const blocked = await gate(p, cfg.pt, cfg.config)
    if (blocked) return { ok: false, message: blocked }
    const r = await locks.run(
      PAY_LOCK(req.paymentTypeId),
      async () => {
        const now = clock.now()
        const op = newOperation(
          { id: opId(), kind: 'loyalty', provider: p.id, paymentTypeId: req.paymentTypeId, amount: 0 as Minor, currency: p.currency },
          now,
          {
            ...(scan.code ? { code: scan.code } : {}),
            ...(req.order ? { order: req.order } : {}),
            ...tabOf(req.tab),
          },
        )
        const fresh = await db.transaction('rw', db.operations, async () => {
          if (await db.operations.get(op.id)) return false
          await db.operations.add(op)
          return true
        })
        if (!fresh) return undefined
        log.info('engine', 'loyalty', { paymentType: req.paymentTypeId, ...(scan.code ? { code: scan.code.masked } : {}) }, op.id)
        const job = track(drive(op, (ctx, prov) => prov.loyalty!(ctx, code)))
        const flag = flagFor(op)
        await Promise.race([job, new Promise<void>((resolve) => flag.onStop.add(resolve))])
        return (await db.operations.get(op.id))!
      },
      { ifAvailable: true },
    )
    if (r === NOT_AVAILABLE) return { ok: false, message: msg('common.busy') }
    if (!r) return { ok: false, ignored: true, message: msg('common.busy') }
    return { ok: true, op: r }
  }
  return addLoyaltyCard
}
