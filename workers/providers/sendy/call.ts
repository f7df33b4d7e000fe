// Sendy's one HTTP call (docs/protocols/sendy.md § 3.2, § 4.1): the wire constants, the key and terminal headers,
// secrets masked in the log, and the reply read by the shared classification (common/reply.ts, docs/rules.md R3)
// into Sendy's own terms: a result, a business refusal with its errCode, not activated, refused, or unknown.
import { maskCode } from '../../../src/domain/ids.ts'
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { OpCtx, ProbeCtx } from '../types.ts'
import { classify, type Parsed } from '../common/reply.ts'
import type { SendyConfig } from './config.ts'
import { KEY, REVOKED } from './store.ts'
import { decodeEnvelope, type Envelope, type Wire, wireOf } from './codec.ts'

export type Ctx = OpCtx<SendyConfig>
export type AnyCtx = ProbeCtx<SendyConfig> & { op?: Operation }

export type Reply =
  | { kind: 'ok'; data: Record<string, unknown> }
  | { kind: 'fail'; errCode: string; des: string | undefined; data: Record<string, unknown> }
  | { kind: 'auth' }
  | { kind: 'refused'; message: Msg; code: string }
  | { kind: 'unknown'; reason: string }

export const wire = (ctx: AnyCtx): Wire => wireOf(ctx.config.wire)

export function failMsg(r: Exclude<Reply, { kind: 'ok' }>): Msg {
  if (r.kind === 'fail') return msg('sendy.error', { code: r.errCode }, r.des)
  if (r.kind === 'auth') return msg('sendy.notActivated')
  if (r.kind === 'refused') return r.message
  return msg('sendy.noServer')
}

/** Mask what the log must not show (R6, R10): customer codes, activation codes. */
function logBodyOf(body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return undefined
  const b = { ...body }
  if (typeof b.authCode === 'string') b.authCode = maskCode(b.authCode)
  if ('activationCode' in b) b.activationCode = '****'
  return JSON.stringify(b)
}

export async function call(
  ctx: AnyCtx,
  route: keyof Wire['paths'],
  method: 'GET' | 'POST',
  body?: Record<string, unknown>,
  query?: Record<string, string>,
): Promise<Reply> {
  const c = ctx.config
  const w = wire(ctx)
  const headers: Record<string, string> = { Accept: 'application/json', [w.headers.language]: c.language }
  const logHeaders: Record<string, string> = {}
  if (route !== 'activate') {
    const key = await ctx.store.get<string>(KEY)
    if (!key) return { kind: 'auth' }
    headers[w.headers.terminalId] = c.terminalId
    headers[w.headers.authorization] = w.headers.bearer + key
    logHeaders[w.headers.terminalId] = c.terminalId
    logHeaders[w.headers.authorization] = `${w.headers.bearer.trim()} ****`
  }
  if (body) headers['Content-Type'] = 'application/json'
  const qs = query ? `?${new URLSearchParams(query).toString()}` : ''
  const res = await ctx.http.send({
    route,
    method,
    url: c.url + w.paths[route] + qs,
    timeoutMs: c.timeout * 1000,
    headers,
    logHeaders,
    ...(ctx.op ? { opId: ctx.op.id } : {}),
    ...(body ? { body: JSON.stringify(body), logBody: logBodyOf(body) } : {}),
    logReply: (t) => t.replace(/("terminalKey"\s*:\s*")[^"]*"/, '$1****"'),
  })
  // docs/rules.md R3, the shared classification: a transport failure, a 5xx and a 2xx that is not our envelope are
  // unknown; a 4xx is refused with its status (its body is not read); 401 means the key is revoked (§ 4.2).
  const r = classify(res, (text, status) => parseReply(text, status, w), { route })
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  if (r.kind === 'refusal' && r.status === 401) {
    await ctx.store.put(REVOKED, true)
    return { kind: 'auth' }
  }
  if (r.kind === 'refusal' && !r.value) return { kind: 'refused', code: `HTTP ${r.status}`, message: r.message }
  const env = r.value!
  if ('paramError' in env) return { kind: 'refused', code: 'PARAM_ERROR', message: msg('sendy.error', { code: 'PARAM_ERROR' }, env.paramError) }
  if (env.ok) return { kind: 'ok', data: env.data }
  const errCode = env.errCode ?? 'FAIL'
  return { kind: 'fail', errCode, des: env.errCodeDes, data: env.data }
}

/**
 * The body as R3 reads it: only a 200 carries the envelope (§ 3.2); `resultCode: SUCCESS` is a result, a business
 * `FAIL` (its `errCode` decides: some are unknown, § 3.5) and a `PARAM_ERROR` are the server's refusals to read.
 */
function parseReply(text: string, status: number, w: Wire): Parsed<Envelope | { paramError: string }> {
  if (status !== 200) return { kind: 'malformed', why: `HTTP ${status}` }
  const env = decodeEnvelope(text, w)
  if (!env) return { kind: 'malformed', why: 'not the envelope' }
  return 'paramError' in env || !env.ok ? { kind: 'error', value: env } : { kind: 'final', value: env }
}

export const isUnknownCode = (w: Wire, code: string) => code === w.codes.systemError || code === w.codes.bankError
