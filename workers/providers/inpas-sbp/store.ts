// Durable provider state (docs/protocols/inpas-sbp.md § 6.3, § 6.4): the ecrNo counter and the journaled RRNs.
import type { OpCtx } from '../types.ts'
import type { InpasConfig } from './config.ts'

// ---- durable provider state (ctx.store) ------------------------------------------------------------------

/** PDK: how many journaled RRNs the receipt-copy match remembers (§ 6.4 step 3). */
const KNOWN_RRNS_MAX = 500

/**
 * § 6.3 step 2: the next field-26 number for this terminal id — monotonic, never reused. Read and advanced in
 * one transaction: a refund and a payment started in two tabs on one pin-pad type never share one.
 */
export async function nextEcrNo(ctx: Pick<OpCtx<InpasConfig>, 'config' | 'store'>): Promise<number> {
  return ctx.store.next(`ecrNo:${ctx.config.id}`)
}

export async function knownRrns(ctx: OpCtx<InpasConfig>): Promise<string[]> {
  return (await ctx.store.get<string[]>('rrns')) ?? []
}

export async function rememberRrn(ctx: OpCtx<InpasConfig>, rrn: string | undefined): Promise<void> {
  if (!rrn) return
  const list = await knownRrns(ctx)
  if (!list.includes(rrn)) await ctx.store.put('rrns', [...list, rrn].slice(-KNOWN_RRNS_MAX))
}
