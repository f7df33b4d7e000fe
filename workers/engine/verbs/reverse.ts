// Cancel and refund: one reversal of an approved payment (or of a refund, where the provider can).
import { isMinor, type Minor } from '../../../src/domain/money.ts'
import { msg } from '../../../src/domain/messages.ts'
import { refundedSoFar } from '../../../src/domain/journal.ts'
import type { Operation, OpKind } from '../../../src/domain/operation.ts'
import { newOperation } from '../new-operation.ts'
import type { Result } from './deps.ts'
import type { VerbDeps } from './deps.ts'

export function reverseVerb(d: VerbDeps) {
  const { db, clock, log, providers, loadConfig, gate, newId, track, drive, queue } = d
  /**
   * `dedupe`: the host's request as a key (origin, order, kind, amount, requestId). A request
   * with a key already used moves no money: it is answered with the earlier operation, whatever its state.
   */
  async function reverse(req: {
    opId: string
    kind: 'cancel' | 'refund'
    amount?: number
    void?: boolean
    dedupe?: string
  }): Promise<Result<{ op: Operation; repeated?: true }>> {
    const dedupeKey = req.dedupe ? `host.request:${req.dedupe}` : undefined
    const earlier = async () => {
      const id = dedupeKey ? ((await db.settings.get(dedupeKey))?.value as string | undefined) : undefined
      return id ? await db.operations.get(id) : undefined
    }
    const seen = await earlier()
    if (seen) return { ok: true, op: seen, repeated: true }
    const orig = await db.operations.get(req.opId)
    if (!orig || (orig.kind !== 'pay' && orig.kind !== 'refund')) return { ok: false, message: msg('common.noOperation') }
    const p = providers.get(orig.provider)
    if (!p) return { ok: false, message: msg('common.noPaymentType') }
    if (orig.kind === 'refund') {
      // A refund can only be cancelled (O!plati «отмена возврата»); paying a return is not offered.
      if (req.kind === 'refund') return { ok: false, message: p.messages?.refundOfRefund ?? msg('common.notSupported') }
      if (!p.capabilities.cancelRefund) return { ok: false, message: msg('common.notSupported') }
    }
    if (orig.state !== 'approved') return { ok: false, message: msg('common.notApproved') }
    if (req.kind === 'cancel' && !p.capabilities.cancel) return { ok: false, message: msg('common.notSupported') }
    if (req.kind === 'refund' && p.capabilities.refund === 'none') return { ok: false, message: msg('common.notSupported') }
    const partial = req.kind === 'refund' && p.capabilities.refund === 'partial'
    const amount = req.amount ?? orig.amount
    if (!isMinor(amount)) return { ok: false, message: msg('common.badAmount') }
    if (req.kind === 'refund' && p.capabilities.refund === 'full' && amount !== orig.amount) return { ok: false, message: msg('common.partialRefund') }
    const tooLarge = p.messages?.refundTooLarge ?? msg('common.refundTooLarge')
    if (amount > orig.amount) return { ok: false, message: tooLarge }
    const cfg = await loadConfig(orig.paymentTypeId)
    if (!cfg.ok) return cfg
    // O!plati rule 1.3.6: refunds and cancel-refunds wait until the queue is sent; cancels join it.
    const blocked = await gate(p, cfg.pt, cfg.config)
    if (blocked && !(req.kind === 'cancel' && orig.kind === 'pay')) return { ok: false, message: blocked }
    const now = clock.now()
    const id = newId()
    const kind: OpKind = req.kind
    const created = await queue.tx('rw', [db.operations, db.settings], async () => {
      // Checked again inside the transaction: two copies of one request racing create one operation.
      if (dedupeKey && (await db.settings.get(dedupeKey))) return 'repeated'
      const cur = (await db.operations.get(orig.id))!
      if (cur.reversedBy) {
        const by = await db.operations.get(cur.reversedBy)
        if (by && by.state !== 'declined') return 'reversed'
      }
      const refunds =
        orig.kind === 'pay'
          ? await db.operations
              .where('original')
              .equals(orig.id)
              .filter((o) => o.kind === 'refund')
              .toArray()
          : []
      const undoIds = refunds.flatMap((r) => (r.reversedBy ? [r.reversedBy] : []))
      const undoers = undoIds.length ? await db.operations.bulkGet(undoIds) : []
      const used = refundedSoFar(refunds, (by) => undoers.some((u) => u?.id === by && u.state === 'approved'))
      if (partial && amount > orig.amount - used) return { rest: Math.max(0, orig.amount - used) }
      // A cancel reverses the whole sale: not once part of it was refunded.
      if (req.kind === 'cancel' && used > 0) return 'reversed'
      if (!partial) await db.operations.put({ ...cur, reversedBy: id, updatedAt: now })
      await db.operations.add(
        newOperation({ id, kind, provider: orig.provider, paymentTypeId: orig.paymentTypeId, amount: amount as Minor, currency: orig.currency }, now, {
          original: orig.id,
          ...(orig.ref ? { ref: orig.ref } : {}),
          // The journal's words: «Отмена возврата», «Аннулирование».
          ...(orig.kind === 'refund' ? { details: { reverses: 'refund' } } : req.void ? { details: { void: true } } : {}),
          ...(blocked ? { queued: true, message: p.messages?.cancelQueued ?? msg('common.queued') } : {}),
        }),
      )
      if (dedupeKey) await db.settings.put({ key: dedupeKey, value: id })
      if (blocked) await queue.push({ provider: orig.provider, paymentTypeId: orig.paymentTypeId, opId: id, attempt: 0, nextAttemptAt: now, createdAt: now })
      return 'ok'
    })
    if (created === 'repeated') {
      const op = await earlier()
      if (op) return { ok: true, op, repeated: true }
    }
    if (created === 'reversed') return { ok: false, message: msg('common.alreadyReversed') }
    // Past the remainder (not the payment) the cashier is told what is left to refund, in minor units: the page
    // writes it as money («400 ₽»).
    // A provider's own words win (O!plati's seed text); else what is left is said.
    if (typeof created === 'object')
      return {
        ok: false,
        message: p.messages?.refundTooLarge ?? msg('common.refundExceedsRest', { rest: created.rest, currency: orig.currency }),
      }
    log.info('engine', kind, { amount, original: orig.id, ...(blocked ? { queued: true } : {}) }, id)
    if (blocked) return { ok: true, op: (await db.operations.get(id))! }
    const op = await track(drive((await db.operations.get(id))!, (ctx, prov) => prov.reverse(ctx, orig)))
    if (op.state === 'declined' && !partial) await db.operations.update(orig.id, { reversedBy: undefined })
    return { ok: true, op }
  }
  return reverse
}
