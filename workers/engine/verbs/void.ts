// Аннулирование чека (docs/protocols/oplati.md § 4.8): every payment of the host's receipt gets its own cancel.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { isFinal } from '../../../src/domain/operation.ts'
import type { Result } from './deps.ts'
import type { VerbDeps } from './deps.ts'

export function voidVerb(d: VerbDeps) {
  const { db, log, providers, stopWaiting, reverse } = d
  /**
   * Аннулирование чека (docs/protocols/oplati.md § 4.8): every payment of the host's receipt gets its own cancel —
   * a payment still waiting is cancelled at the server (C5), an approved one reversed. Done when
   * every cancel is done or queued; a refused one needs a person.
   */
  async function voidOrder(req: {
    order: string
  }): Promise<Result<{ results: { opId: string; outcome: 'cancelled' | 'queued' | 'stopped' | 'refused'; message?: Msg }[] }>> {
    const pays = await db.operations
      .where('order')
      .equals(req.order)
      .filter((o) => o.kind === 'pay')
      .toArray()
    if (!pays.length) return { ok: false, message: msg('common.noOperation') }
    const results: { opId: string; outcome: 'cancelled' | 'queued' | 'stopped' | 'refused'; message?: Msg }[] = []
    for (const p of pays) {
      if (!providers.get(p.provider)?.capabilities.void) continue
      if (!isFinal(p.state)) {
        await stopWaiting(p.id)
        results.push({ opId: p.id, outcome: 'stopped' })
        continue
      }
      if (p.state !== 'approved') continue
      const r = await reverse({ opId: p.id, kind: 'cancel', void: true })
      if (!r.ok) results.push({ opId: p.id, outcome: 'refused', message: r.message })
      else if (r.op.state === 'approved') results.push({ opId: p.id, outcome: 'cancelled' })
      else if (r.op.queued) results.push({ opId: p.id, outcome: 'queued', ...(r.op.message ? { message: r.op.message } : {}) })
      else results.push({ opId: p.id, outcome: 'refused', ...(r.op.message ? { message: r.op.message } : {}) })
    }
    log.info('engine', 'void', { order: req.order, results: results.map((x) => x.outcome).join(',') })
    return { ok: true, results }
  }
  return voidOrder
}
