// O!plati's wire (docs/protocols/oplati.md § 4): token or password auth, one classified call, E3 at the 5 s floor, E8, the E4/E7 body.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation } from '../../../src/domain/operation.ts'
import type { HttpRequest } from '../../transport/http.ts'
import type { OpCtx, ProbeCtx } from '../types.ts'
import { classify } from '../common/reply.ts'
import type { OplatiConfig } from './config.ts'
import {
  decodeEnvelope,
  decodeJson,
  decodePaymentInfo,
  decodeReports,
  type Decoded,
  type Envelope,
  paymentBody,
  type PaymentInfo,
  POLL_FLOOR_MS,
  shiftOf,
  UNREACHABLE_KEY,
  WIRE,
} from './codec.ts'

export type Ctx = OpCtx<OplatiConfig>
export type AnyCtx = ProbeCtx<OplatiConfig> & { op?: Operation }

// ---- store keys (per payment type; the `token.conf` equivalent, never exported) ----------------
const tokenKey = (c: OplatiConfig) => `token:${c.regNum}`
const tokenStateKey = (c: OplatiConfig) => `tokenState:${c.regNum}`
const LAST_POLL_KEY = 'lastStatusPoll'

export type Failure =
  { kind: 'refused'; status: number; env: Envelope | undefined; message: Msg } | { kind: 'auth'; message: Msg } | { kind: 'unknown'; reason: string }
type Reply<T = string> = { kind: 'ok'; value: T } | Failure

/** The body as it came: for replies whose fields the caller reads itself (E5, E6, C6). */
export const asText = (text: string): Decoded<string> => ({ ok: true, value: text })

/** The seed's messages A and B (§ 1.4), as the server words them when it does. */
const TOKEN_EXISTS_RU = 'Токен уже существует или касса работает в режиме пароля'
const TOKEN_RESET_RU = 'Необходимо получить новый токен в кассовом ПО либо касса не зарегистрирована в личном кабинете юр. лица'

function serverMsg(key: string, env: Envelope | undefined, params?: Record<string, string | number>): Msg {
  const m = msg(key, params, env?.ru)
  return env?.en ? { ...m, serverByLang: { ...(env.ru ? { ru: env.ru } : {}), en: env.en } } : m
}

async function setUnreachable(ctx: AnyCtx, value: boolean) {
  if ((await ctx.store.get<boolean>(UNREACHABLE_KEY)) !== value) await ctx.store.put(UNREACHABLE_KEY, value)
}

/** Auth headers for one call: password mode, or the stored token (issued here on first access, C1). */
async function authHeaders(ctx: AnyCtx): Promise<{ ok: true; headers: Record<string, string>; log: Record<string, string> } | { ok: false; reply: Failure }> {
  const c = ctx.config
  if (c.password) return { ok: true, headers: { regNum: c.regNum, password: c.password }, log: { regNum: c.regNum, password: '****' } }
  let token = await ctx.store.get<string>(tokenKey(c))
  if (!token) {
    const res = await ctx.http.send({
      route: 'tokenIssue',
      method: 'POST',
      url: c.url + WIRE.tokenIssuePath,
      timeoutMs: c.timeout * 1000,
      ...(ctx.op ? { opId: ctx.op.id } : {}),
      headers: { 'Content-Type': 'application/json', regNum: c.regNum },
      body: '{}',
      logHeaders: { regNum: c.regNum },
      logReply: (t) => t.replace(/("token"\s*:\s*")[^"]*"/, '$1****"'),
    })
    if (res.kind === 'failed') {
      await setUnreachable(ctx, true)
      return { ok: false, reply: { kind: 'unknown', reason: `token: ${res.reason}` } }
    }
    const d = decodeJson(res.text)
    const issued = res.status === 200 && d.ok && typeof d.value.token === 'string' && d.value.token !== '' ? d.value.token : undefined
    if (!issued) {
      if (res.status >= 500) return { ok: false, reply: { kind: 'unknown', reason: `token: HTTP ${res.status}` } }
      const env = decodeEnvelope(res.text, res.status)
      await setUnreachable(ctx, false)
      if (res.status === 409 || env?.ru === TOKEN_EXISTS_RU) {
        // Rule 1.3.3: desync. Every new attempt retries C1 once, until the cabinet resets it.
        await ctx.store.put(tokenStateKey(c), 'desync')
        return { ok: false, reply: { kind: 'auth', message: serverMsg('oplati.tokenExists', env) } }
      }
      return { ok: false, reply: { kind: 'refused', status: res.status, env, message: serverMsg('oplati.error', env, { code: env?.code ?? res.status }) } }
    }
    token = issued
    await ctx.store.put(tokenKey(c), token)
    await ctx.store.put(tokenStateKey(c), 'ok')
    await setUnreachable(ctx, false)
    ctx.log.info('oplati', 'token issued', { regNum: c.regNum }, ctx.op?.id)
  }
  return { ok: true, headers: { regNum: c.regNum, [WIRE.tokenHeader]: token }, log: { regNum: c.regNum, [WIRE.tokenHeader]: '****' } }
}

/**
 * One request, its reply classified by the shared R3 rules: a 2xx body read by `decode` (one that does not read is
 * unknown), an error envelope on any other status a refusal — except 429 (too frequent: a wait) and a token the
 * server no longer knows (the admin resets it).
 */
export async function call<T>(
  ctx: AnyCtx,
  route: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  decode: (text: string) => Decoded<T>,
): Promise<Reply<T>> {
  const c = ctx.config
  const auth = await authHeaders(ctx)
  if (!auth.ok) return auth.reply
  const req: HttpRequest = {
    route,
    method,
    url: c.url + path,
    timeoutMs: c.timeout * 1000,
    ...(ctx.op ? { opId: ctx.op.id } : {}),
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...auth.headers },
    logHeaders: auth.log,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }
  const res = await ctx.http.send(req)
  // No answer or a 5xx: the server counts as unreachable (§ 4.4) until it answers again.
  await setUnreachable(ctx, res.kind === 'failed' || res.status >= 500)
  const r = classify<{ value?: T; env?: Envelope }>(
    res,
    (text, status) => {
      if (status >= 200 && status < 300) {
        const d = decode(text)
        return d.ok ? { kind: 'final', value: { value: d.value } } : { kind: 'malformed', why: d.why }
      }
      const env = decodeEnvelope(text, status)
      return env ? { kind: 'error', value: { env } } : { kind: 'malformed', why: 'no error envelope' }
    },
    { route },
  )
  if (r.kind === 'unknown') return { kind: 'unknown', reason: r.reason }
  if (r.kind !== 'refusal') return { kind: 'ok', value: r.value.value as T }
  const env = r.value?.env
  // § 3.5: too frequent is a wait, not a refusal.
  if (r.status === 429) return { kind: 'unknown', reason: `${route}: too frequent` }
  if (r.status === 401 && (env?.internalCode === 'TOKEN_INVALID' || env?.ru === TOKEN_RESET_RU)) {
    // Rule 1.3.4: the token is kept (B can also mean "not registered"); the admin resets it.
    await ctx.store.put(tokenStateKey(c), 'invalid')
    return { kind: 'auth', message: serverMsg('oplati.tokenReset', env) }
  }
  return { kind: 'refused', status: r.status, env, message: serverMsg('oplati.error', env, { code: env?.code ?? r.status }) }
}

export async function info(
  ctx: AnyCtx,
  route: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ kind: 'info'; info: PaymentInfo } | Failure> {
  const r = await call(ctx, route, method, path, body, decodePaymentInfo)
  return r.kind === 'ok' ? { kind: 'info', info: r.value } : r
}

/**
 * E3 with the 5 s floor kept per paymentId across operations and reloads (§ 2.6): the last poll
 * time is stored, and a poll that would come too soon waits for the rest of the floor first.
 */
export async function paymentStatus(ctx: Ctx, id: string) {
  const polls = (await ctx.store.get<Record<string, number>>(LAST_POLL_KEY)) ?? {}
  const since = ctx.clock.now() - (polls[id] ?? -Infinity)
  if (since < POLL_FLOOR_MS) await ctx.pause(POLL_FLOOR_MS - since)
  const now = ctx.clock.now()
  const kept = Object.fromEntries(Object.entries(polls).filter(([, at]) => now - at < POLL_FLOOR_MS * 12))
  await ctx.store.put(LAST_POLL_KEY, { ...kept, [id]: now })
  return info(ctx, 'paymentStatus', 'GET', WIRE.paymentPath(id))
}

/** E8: every payment of a shift (sales and reversals). */
export async function reports(
  ctx: AnyCtx,
  shift: string,
  range?: { start: string; end: string },
): Promise<{ ok: true; list: PaymentInfo[] } | { ok: false; reply: Failure }> {
  const q = new URLSearchParams({ shift, ...(range ? { shiftStart: range.start, shiftEnd: range.end } : {}) })
  const r = await call(ctx, 'reports', 'GET', `${WIRE.reportsPath}?${q.toString()}`, undefined, decodeReports)
  return r.kind === 'ok' ? { ok: true, list: r.value } : { ok: false, reply: r }
}

/** § 2.4: the public display text of a final status. */
export function statusMessage(status: number): Msg {
  return msg(`oplati.status${status}`)
}

export function body(ctx: Ctx, amount = ctx.op.amount) {
  return paymentBody({
    amount,
    orderNumber: ctx.op.id,
    regNum: ctx.config.regNum,
    shift: shiftOf(ctx.op.createdAt),
    receiptNumber: ctx.op.order ?? ctx.op.id,
    items: ctx.op.kind === 'pay' ? ctx.op.items : undefined,
  })
}
