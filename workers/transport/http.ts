// HTTP from the worker (docs/rules.md R3, R12): fetch with a per-request timeout through an
// AbortController, no credentials, and one log row per exchange with what the provider masked.
import type { Logger } from '../engine/log.ts'
import { maskPersonal } from './personal.ts'

export interface HttpRequest {
  /** The provider's route name, for the log. */
  route: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  opId?: string
  /** What the log shows instead of the real headers and body (masked by the provider). */
  logHeaders?: Record<string, string>
  logBody?: string
  /** What the log shows instead of the reply text (a reply that carries a secret, e.g. an O!plati token). */
  logReply?: (text: string) => string
}

export type HttpResult =
  { kind: 'response'; status: number; text: string; ms: number } | { kind: 'failed'; reason: 'timeout' | 'network'; detail: string; ms: number }

export interface Http {
  send(req: HttpRequest): Promise<HttpResult>
}

/** Bodies longer than this are cut in the log. */
const LOG_BODY_MAX = 4_000

export function createHttp(fetchFn: typeof fetch, log: Logger, source: string, now: () => number = () => Date.now()): Http {
  return {
    async send(req) {
      const started = now()
      const ctrl = new AbortController()
      const timer = setTimeout(() => ctrl.abort(), req.timeoutMs)
      let result: HttpResult
      try {
        const res = await fetchFn(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body,
          credentials: 'omit',
          cache: 'no-store',
          signal: ctrl.signal,
        })
        const text = await res.text()
        result = { kind: 'response', status: res.status, text, ms: now() - started }
      } catch (e) {
        const timedOut = ctrl.signal.aborted
        result = {
          kind: 'failed',
          reason: timedOut ? 'timeout' : 'network',
          detail: timedOut ? `no reply in ${req.timeoutMs} ms` : String(e),
          ms: now() - started,
        }
      } finally {
        clearTimeout(timer)
      }
      const entry = {
        route: req.route,
        method: req.method,
        path: pathOf(req.url),
        headers: req.logHeaders ?? {},
        body: cut(masked(req.logBody ?? req.body)),
        ...(result.kind === 'response'
          ? { status: result.status, reply: cut(maskPersonal(req.logReply ? req.logReply(result.text) : result.text)) }
          : { failed: result.reason, detail: result.detail }),
        ms: result.ms,
      }
      if (result.kind === 'response' && result.status < 400) log.info(source, 'http', entry, req.opId)
      else log.warn(source, 'http', entry, req.opId)
      return result
    },
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname
  } catch {
    return url
  }
}

const masked = (s: string | undefined) => (s === undefined ? s : maskPersonal(s))

function cut(s: string | undefined): string | undefined {
  return s && s.length > LOG_BODY_MAX ? `${s.slice(0, LOG_BODY_MAX)}…` : s
}
