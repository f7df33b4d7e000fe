// The receipt read back (docs/protocols/payme.md § 4.3): receipts.get for the slip, receipts.check for a refusal (docs/rules.md R2).
import type { OwnLookup } from '../replay.ts'
import type { Receipt } from './codec.ts'
import { CANCELLED, type Ctx, PAID, rpc } from './call.ts'

/** `receipts.get` for the slip after a lost pay reply: read-only, retried a few times (§ 4.3). */
export async function fetchReceipt(ctx: Ctx): Promise<Receipt | undefined> {
  for (let i = 0; i < 3; i++) {
    const r = await rpc(ctx, 'receipts.get', { id: ctx.op.ref })
    if (r.kind === 'result' && r.receipt) return r.receipt
  }
  return undefined
}

/**
 * Did our refused request go through? The receipt's state says: `found` when it is in the state our request
 * leads to (paid for a pay, cancelled for a cancel); `absent` when it is in a final or untouched state our
 * request did not produce; unavailable while it moves (1–3, 21) or cannot be read.
 */
export async function receiptState(ctx: Ctx, target: typeof PAID | typeof CANCELLED): Promise<OwnLookup<number>> {
  const s = await rpc(ctx, 'receipts.check', { id: ctx.op.ref })
  if (s.kind === 'unknown') return { kind: 'unavailable', reason: s.reason }
  if (s.kind === 'error') return { kind: 'unavailable', reason: `check refused: ${s.code}` }
  if (s.state === target) return { kind: 'found', value: s.state }
  return s.state === 0 || s.state === PAID || s.state === CANCELLED ? { kind: 'absent' } : { kind: 'unavailable', reason: `receipt in state ${s.state}` }
}
