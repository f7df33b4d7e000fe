// ClickPass's one HTTP call (docs/protocols/clickpass.md § 2, § 4): the Auth header, the reply classified (docs/rules.md R3), refusals as messages.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { OpPatch } from '../../../src/domain/operation.ts'
import type { OpCtx } from '../types.ts'
import type { ClickPassConfig } from './config.ts'
import { authHeader } from './auth.ts'
import { CLICK_PATHS, decodeReply, maskAuth, type ClickReply } from './codec.ts'
import { classify, type Parsed } from '../common/reply.ts'

export type Ctx = OpCtx<ClickPassConfig>

export type Call =
  { kind: 'reply'; status: number; reply: ClickReply } | { kind: 'refused'; status: number; message: Msg } | { kind: 'unknown'; reason: string }

/** A Click body for the shared R3 classification: `error_code` 0 is a result (PROCESSING 0/1 in progress), else an error. */
function parseClick(text: string): Parsed<ClickReply> {
  const d = decodeReply(text)
  if (d.kind === 'malformed') return d
  if (d.reply.errorCode !== 0) return { kind: 'error', value: d.reply }
  const s = d.reply.paymentStatus
  return { kind: s === 0 || s === 1 ? 'pending' : 'final', value: d.reply }
}

type Route = keyof typeof CLICK_PATHS

export async function call(ctx: Ctx, route: Route, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string, logBody?: string): Promise<Call> {
  const c = ctx.config
  const auth = await authHeader(c.merchantUserId, c.secretKey, Math.floor(ctx.clock.now() / 1000))
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', Auth: auth }
  const res = await ctx.http.send({
    route,
    method,
    url: c.url.replace(/\/+$/, '') + path,
    headers,
    timeoutMs: c.timeout * 1000,
    opId: ctx.op.id,
    logHeaders: { Auth: maskAuth(auth) },
    ...(body !== undefined ? { body } : {}),
    ...(logBody !== undefined ? { logBody } : {}),
  })
  const r = classify(res, parseClick, { route, authMessage: (status) => msg('clickpass.authHttp', { status }) })
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  // A refusal without a Click body: a 4xx that does not parse (the message names the status).
  if (r.kind === 'refusal' && r.value === undefined) return { kind: 'refused', status: r.status, message: r.message }
  return { kind: 'reply', status: r.status, reply: r.value! }
}

/** Click writes its `error_note` in Russian: a till in another language shows «Rad etildi (kod …)» instead. */
export function clickDeclined(code: number, note: string | undefined): Msg {
  const m = msg('common.declined', { code }, note)
  return m.server ? { ...m, serverLang: 'ru' } : m
}

export function declineMessage(r: Call) {
  if (r.kind === 'refused') return r.message
  if (r.kind === 'reply') {
    if (r.status === 401 || r.reply.errorCode === -9001) return msg('clickpass.auth')
    return clickDeclined(r.reply.errorCode, r.reply.errorNote)
  }
  return msg('common.unknownAttention')
}

export function errorOf(r: Call): OpPatch['error'] {
  if (r.kind === 'reply') return { code: String(r.reply.errorCode), ...(r.reply.errorNote ? { note: r.reply.errorNote } : {}), httpStatus: r.status }
  if (r.kind === 'refused') return { code: `HTTP ${r.status}`, httpStatus: r.status }
  return { code: 'unknown', note: r.reason }
}
