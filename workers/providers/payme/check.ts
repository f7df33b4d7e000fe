// «Проверить связь» for PaymeGO: `receipts.check` of a receipt id that cannot exist. "Receipt not
// found" proves the url and `X-Auth`; -32504 (insufficient privileges) means the cashbox id or key is refused.
import type { ConnectionCheck, ProbeCtx } from '../types.ts'
import { msg } from '../../../src/domain/messages.ts'
import { decodeRpc, maskXAuth, rpcBody, xAuth } from './codec.ts'
import type { PaymeConfig } from './config.ts'

const NO_SUCH_RECEIPT = '000000000000000000000000'
const AUTH_ERROR = -32504

export async function checkConnection(ctx: ProbeCtx<PaymeConfig>): Promise<ConnectionCheck> {
  const c = ctx.config
  const res = await ctx.http.send({
    route: 'check',
    method: 'POST',
    url: c.url,
    timeoutMs: c.timeout * 1000,
    headers: { 'Content-Type': 'application/json', 'X-Auth': xAuth(c.posId, c.posKey) },
    logHeaders: { 'X-Auth': maskXAuth(c.posId) },
    body: rpcBody(1, 'receipts.check', { id: NO_SUCH_RECEIPT }),
  })
  if (res.kind === 'failed') return { verdict: 'unreachable', reason: res.reason }
  if (res.status >= 500) return { verdict: 'unreachable', reason: `HTTP ${res.status}` }
  const d = decodeRpc(res.text)
  if (d.kind === 'error' && d.code === AUTH_ERROR)
    return {
      verdict: 'refused',
      detail: d.messageByLang ? { ...msg('payme.error', { code: d.code }), serverByLang: d.messageByLang } : msg('payme.error', { code: d.code }, d.message),
    }
  if (res.status === 401 || res.status === 403) return { verdict: 'refused', detail: msg('common.httpStatus', { status: res.status }) }
  if (d.kind === 'error' || d.kind === 'result') return { verdict: 'ok' }
  return { verdict: 'unreachable', reason: `malformed reply (${d.why})` }
}
