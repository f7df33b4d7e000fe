// docs/rules.md R8 for providers that block while compensating (docs/protocols/oplati.md § 4.4): a new
// operation on such a provider first proves it reachable and its queue empty.
import { msg, type Msg } from '../../src/domain/messages.ts'
import type { AnyProvider, PaymentType, ProbeCtx } from '../providers/types.ts'
import type { Clock } from './clock.ts'
import type { QueueStore } from './queue.ts'

export interface GateDeps {
  clock: Clock
  queue: QueueStore
  probeContext: (pt: PaymentType, provider: AnyProvider, config: unknown) => ProbeCtx<unknown>
  drainQueue: () => Promise<unknown>
}

/** While the provider is unreachable or has queued work, probe; when the probe passes, send the queue now; refuse while anything is left. */
export function gateOf(d: GateDeps) {
  return async function gate(p: AnyProvider, pt: PaymentType, config: unknown): Promise<Msg | undefined> {
    if (!p.capabilities.blockWhileCompensating) return undefined
    const queued = () => d.queue.count(p.id)
    const unreachable = p.unreachable ? await p.unreachable(d.probeContext(pt, p, config)) : false
    if (!unreachable && (await queued()) === 0) return undefined
    const blocked = p.blockedMessage ?? msg('common.busy')
    const ok = p.probe ? await p.probe(d.probeContext(pt, p, config)).catch(() => false) : false
    if (!ok) return blocked
    if ((await queued()) === 0) return undefined
    // Reachable again: the waiting entries go now, not at their backoff time.
    await d.queue.hurry(p.id, d.clock.now())
    await d.drainQueue()
    return (await queued()) === 0 ? undefined : blocked
  }
}
