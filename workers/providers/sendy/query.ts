// `query` (docs/protocols/sendy.md § 4.4–§ 4.7): by our number or by our order id; a number that carries another
// order is not ours, and a refusal that may answer our own resent copy is checked by our order first (R2).
import type { Operation } from '../../../src/domain/operation.ts'
import { type AnyCtx, call, type Ctx, type Reply, wire } from './call.ts'

export type Trade =
  | { kind: 'state'; state: string; data: Record<string, unknown> }
  /** Not there, or (`foreign`) the number carries another order: ours never took it. */
  | { kind: 'missing'; foreign?: true }
  | { kind: 'unknown'; reason: string }

/**
 * The order id this operation's transaction was sent with: a payment's or a refund's own id;
 * a cancel or a compensation reverses the payment, sent with the payment's id.
 */
export function orderOf(op: Operation | undefined): string | undefined {
  if (!op) return undefined
  return op.kind === 'pay' || op.kind === 'refund' ? op.id : (op.compensates ?? op.original)
}

/**
 * `query` by our transaction number. A transaction under that number that carries another
 * order id is not ours (our request never took the number): for us it is missing.
 */
export async function query(ctx: AnyCtx, txn: number): Promise<Trade> {
  const t = await queryBy(ctx, { transactionNumber: String(txn) })
  const mine = orderOf(ctx.op)
  if (t.kind === 'state' && mine && typeof t.data.orderId === 'string' && t.data.orderId !== mine) return { kind: 'missing', foreign: true }
  return t
}

export async function queryBy(ctx: AnyCtx, q: Record<string, string>): Promise<Trade> {
  const r = await call(ctx, 'query', 'GET', undefined, q)
  if (r.kind === 'ok')
    return typeof r.data.tradeState === 'string'
      ? { kind: 'state', state: r.data.tradeState, data: r.data }
      : { kind: 'unknown', reason: 'query: no tradeState' }
  if (r.kind === 'fail' && r.errCode === wire(ctx).codes.notExist) return { kind: 'missing' }
  return { kind: 'unknown', reason: r.kind === 'unknown' ? r.reason : `query: ${r.kind === 'fail' ? r.errCode : r.kind}` }
}

/**
 * A refusal that may answer the browser's own resent copy of a request whose reply
 * was lost — the number already taken (by our first copy), the order already there, the
 * customer's code already spent, the refund already made — is not believed before our own
 * order is looked up: `missing` → the refusal stands; found or unreadable → not a refusal.
 */
export function mayAnswerOurCopy(ctx: AnyCtx, r: Reply): r is Extract<Reply, { kind: 'fail' }> {
  const c = wire(ctx).codes
  return r.kind === 'fail' && [c.txnMismatch, c.duplicateOrder, c.codeUsed, c.orderRefunded].includes(r.errCode)
}

export async function ourOrder(ctx: Ctx): Promise<Trade> {
  return queryBy(ctx, { orderId: ctx.op.id })
}
