// «Проверить связь» for ClickPass: the status of a payment id that cannot exist. An answer of
// "not found" proves the url and the `Auth` digest; a 401 (or -9001) means the credentials are refused.
import type { ConnectionCheck, ProbeCtx } from '../types.ts'
import { msg } from '../../../src/domain/messages.ts'
import { authHeader } from './auth.ts'
import { CLICK_PATHS, decodeReply, maskAuth } from './codec.ts'
import type { ClickPassConfig } from './config.ts'

/** A payment id no server has: the status request must end "not found". */
const NO_SUCH_PAYMENT = '1'

export async function checkConnection(ctx: ProbeCtx<ClickPassConfig>): Promise<ConnectionCheck> {
  const c = ctx.config
  const auth = await authHeader(c.merchantUserId, c.secretKey, Math.floor(ctx.clock.now() / 1000))
  const res = await ctx.http.send({
    route: 'status',
    method: 'GET',
    url: c.url.replace(/\/+$/, '') + CLICK_PATHS.status(c.serviceId, NO_SUCH_PAYMENT),
    headers: { Accept: 'application/json', Auth: auth },
    logHeaders: { Auth: maskAuth(auth) },
    timeoutMs: c.timeout * 1000,
  })
  if (res.kind === 'failed') return { verdict: 'unreachable', reason: res.reason }
  const d = decodeReply(res.text)
  const code = d.kind === 'reply' ? d.reply.errorCode : undefined
  const note = d.kind === 'reply' ? d.reply.errorNote : undefined
  if (res.status === 401 || res.status === 403 || code === -9001)
    return { verdict: 'refused', detail: { ...msg('clickpass.auth', {}, note), ...(note ? { serverLang: 'ru' } : {}) } }
  if (d.kind !== 'reply' || res.status >= 500) return { verdict: 'unreachable', reason: `HTTP ${res.status}` }
  // "Not found" (or any answer about the payment itself) came from a server that accepted the digest.
  return { verdict: 'ok', detail: { ...msg('common.declined', { code: code ?? res.status }, note), ...(note ? { serverLang: 'ru' } : {}) } }
}
