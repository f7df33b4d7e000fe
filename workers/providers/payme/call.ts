// PaymeGO's one JSON-RPC call (docs/protocols/payme.md § 2, § 4): X-Auth, the reply classified (docs/rules.md R3), the receipt states.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { OpCtx } from '../types.ts'
import type { PaymeConfig } from './config.ts'
import { decodeRpc, maskXAuth, rpcBody, xAuth, type Receipt, type RpcReply } from './codec.ts'
import { classify, type Parsed } from '../common/reply.ts'

/** § 2.3: states that end a receipt. */
export const PAID = 4
export const CANCELLED = 50
export const CANCEL_QUEUE = 21

export type Ctx = OpCtx<PaymeConfig>
type Method = 'receipts.create' | 'receipts.pay' | 'receipts.check' | 'receipts.get' | 'receipts.cancel'
const ROUTE: Record<Method, string> = {
  'receipts.create': 'create',
  'receipts.pay': 'pay',
  'receipts.check': 'check',
  'receipts.get': 'get',
  'receipts.cancel': 'cancel',
}

type Call = { kind: 'result'; receipt?: Receipt; state?: number } | { kind: 'error'; code: number; message: Msg } | { kind: 'unknown'; reason: string }

let rpcId = 0

type Rpc = Exclude<RpcReply, { kind: 'malformed' }>

/** A JSON-RPC body for the shared R3 classification: an `error` refuses; a receipt paid (4) or cancelled (50) is final. */
function parseRpc(text: string): Parsed<Rpc> {
  const d = decodeRpc(text)
  if (d.kind === 'malformed') return d
  if (d.kind === 'error') return { kind: 'error', value: d }
  return { kind: d.state === PAID || d.state === CANCELLED ? 'final' : 'pending', value: d }
}

export async function rpc(ctx: Ctx, method: Method, params: Record<string, unknown>, logParams?: Record<string, unknown>): Promise<Call> {
  const c = ctx.config
  const id = ++rpcId
  const res = await ctx.http.send({
    route: ROUTE[method],
    method: 'POST',
    url: c.url,
    timeoutMs: c.timeout * 1000,
    opId: ctx.op.id,
    headers: { 'Content-Type': 'application/json', 'X-Auth': xAuth(c.posId, c.posKey) },
    body: rpcBody(id, method, params),
    logHeaders: { 'X-Auth': maskXAuth(c.posId) },
    ...(logParams ? { logBody: rpcBody(id, method, logParams) } : {}),
  })
  const r = classify(res, parseRpc, { route: method })
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  // A refusal without a JSON-RPC body (a 4xx that does not parse): the message names the HTTP status.
  if (r.kind === 'refusal' && !r.value) return { kind: 'error', code: -r.status, message: r.message }
  const d = r.value!
  if (d.kind === 'error') {
    const message =
      d.messageByLang && Object.keys(d.messageByLang).length
        ? { ...msg('payme.error', { code: d.code }), serverByLang: d.messageByLang }
        : msg('payme.error', { code: d.code }, d.message)
    return { kind: 'error', code: d.code, message }
  }
  return d
}

export const ignored = (ctx: Ctx, code: number) => ctx.config.ignoredErrors.includes(code)
