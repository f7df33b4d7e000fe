// The store's wire (docs/fleet.md § 4), the transport part of the sync: `fetch` to the store's
// `/api/v1` with the till's bearer token, a time limit per request, and every answer turned into data the runner
// decides on (never an exception). The token and the bodies are never logged.
import * as v from 'valibot'
import {
  API_PREFIX,
  EnrolReply,
  ErrorReply,
  PushReply,
  UploadReply,
  shiftNumberOf,
  type TillStatus,
  type UploadType,
} from '../../../src/domain/store-contract.ts'
import type { Batch, Settlement } from './outbox.ts'

/** A push or an enrolment that has not answered in this long is given up (the next attempt resends the rows). */
export const SYNC_TIMEOUT_MS = 20_000
/** A reply bigger than this is not the store's (a push reply is ids and revs). */
const REPLY_MAX_CHARS = 1_000_000

export type { TillStatus }

export type Enrolled = EnrolReply

export type PushAnswer =
  | ({ kind: 'ok'; configVersion: number } & Settlement)
  /** Try again later: no connection, a time-out, 5xx, 503/429 (`afterMs` from Retry-After). */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** 401/403: the store does not know this token any more (revoked). */
  | { kind: 'revoked' }
  /** 413: the body was too big; send fewer rows. */
  | { kind: 'tooBig' }
  /** Another refusal of the whole push (400 …): a bug or a version skew; retried later, and logged. */
  | { kind: 'refused'; status: number; reason: string }

export type EnrolAnswer =
  | { kind: 'ok'; reply: Enrolled }
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'notAStore'; reason: string }

type Reply = { kind: 'reply'; status: number; body: unknown; retryAfter: string | null } | { kind: 'failed'; reason: string }

export function storeTransport(fetchFn: typeof fetch, timeoutMs = SYNC_TIMEOUT_MS) {
  async function post(url: string, body: unknown, token?: string): Promise<Reply> {
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), timeoutMs)
    try {
      const res = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
        signal: ctrl.signal,
      })
      const text = await res.text()
      let parsed: unknown
      try {
        parsed = text && text.length <= REPLY_MAX_CHARS ? (JSON.parse(text) as unknown) : undefined
      } catch {
        parsed = undefined
      }
      return { kind: 'reply', status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') }
    } catch (e) {
      return { kind: 'failed', reason: ctrl.signal.aborted ? `no reply in ${timeoutMs} ms` : String(e) }
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    async enrol(base: string, code: string, device: { name: string; appVersion: string }): Promise<EnrolAnswer> {
      const r = await post(`${base}${API_PREFIX}/enrol`, { code, device })
      if (r.kind === 'failed') return { kind: 'unreachable', reason: r.reason }
      if (r.status >= 500) return { kind: 'unreachable', reason: `HTTP ${r.status}` }
      if (r.status !== 200 && r.status !== 201) {
        const code = errorOf(r.body)
        // Only the store's own refusal of the code is one; anything else at that address is not a store.
        return v.is(ErrorReply, r.body) ? { kind: 'refused', status: r.status, reason: code } : { kind: 'notAStore', reason: `HTTP ${r.status}` }
      }
      const e = v.safeParse(EnrolReply, r.body)
      return e.success ? { kind: 'ok', reply: e.output } : { kind: 'notAStore', reason: 'enrolment reply not understood' }
    },

    /** The till's own payment types, offered to the store right after enrolling (the secrets travel; never logged). */
    async uploadTypes(base: string, token: string, types: UploadType[]): Promise<{ kind: 'ok'; reply: UploadReply } | { kind: 'failed'; reason: string }> {
      const r = await post(`${base}${API_PREFIX}/payment-types`, { types }, token)
      if (r.kind === 'failed') return { kind: 'failed', reason: r.reason }
      if (r.status !== 200) return { kind: 'failed', reason: `HTTP ${r.status} ${errorOf(r.body)}` }
      const u = v.safeParse(UploadReply, r.body)
      return u.success ? { kind: 'ok', reply: u.output } : { kind: 'failed', reason: 'upload reply not understood' }
    },

    async push(base: string, token: string, batch: Batch, status: TillStatus): Promise<PushAnswer> {
      const r = await post(`${base}${API_PREFIX}/push`, { ops: batch.ops, shifts: batch.shifts, status }, token)
      if (r.kind === 'failed') return { kind: 'retry', reason: r.reason }
      if (r.status === 401 || r.status === 403) return { kind: 'revoked' }
      if (r.status === 413) return { kind: 'tooBig' }
      if (r.status === 429 || r.status === 503 || r.status >= 500) {
        const after = retryAfterMs(r.retryAfter)
        return { kind: 'retry', reason: `HTTP ${r.status}`, ...(after !== undefined ? { afterMs: after } : {}) }
      }
      if (r.status !== 200) return { kind: 'refused', status: r.status, reason: errorOf(r.body) }
      const s = parseSettlement(r.body)
      return s ? { kind: 'ok', ...s } : { kind: 'refused', status: r.status, reason: 'push reply not understood' }
    },
  }
}

export type StoreTransport = ReturnType<typeof storeTransport>

/** Retry-After in seconds (or an HTTP date, read as "later"), capped at 10 minutes. */
export function retryAfterMs(v: string | null): number | undefined {
  if (!v) return undefined
  const s = Number(v)
  if (Number.isFinite(s) && s >= 0) return Math.min(600, s) * 1000
  const at = Date.parse(v)
  return Number.isFinite(at) ? 30_000 : undefined
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)

/** The store's error code (`{error: {code, message}}`), for the log. */
function errorOf(body: unknown): string {
  if (isObj(body) && isObj(body.error) && typeof body.error.code === 'string') return body.error.code.slice(0, 100)
  return 'refused'
}

/** The push reply as the outbox settles it: shifts (`shift:<n>`) apart from operations. */
function parseSettlement(b: unknown): (Settlement & { configVersion: number }) | undefined {
  const r = v.safeParse(PushReply, b)
  if (!r.success) return undefined
  const out: Settlement & { configVersion: number } = { ops: [], shifts: [], rejected: [], configVersion: r.output.configVersion }
  for (const [id, rev] of r.output.acked) {
    const n = shiftNumberOf(id)
    if (n !== undefined) out.shifts.push([n, rev])
    else out.ops.push([id, rev])
  }
  for (const x of r.output.rejected) {
    const n = shiftNumberOf(x.id)
    out.rejected.push(n !== undefined ? { id: n, reason: x.reason, shift: true } : { id: x.id, reason: x.reason })
  }
  return out
}
