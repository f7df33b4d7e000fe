// The store's wire (issue 20, fleet design § 4), the transport part of the sync: `fetch` to the store's
// `/api/v1` with the till's bearer token, a time limit per request, and every answer turned into data the runner
// decides on (never an exception). The token and the bodies are never logged.
import type { Batch } from './outbox.ts'
import type { Settlement } from './outbox.ts'

/** A push or an enrolment that has not answered in this long is given up (the next attempt resends the rows). */
export const SYNC_TIMEOUT_MS = 20_000
/** A reply bigger than this is not the store's (a push reply is ids and revs). */
const REPLY_MAX_CHARS = 1_000_000

export interface TillStatus {
  /** Rows waiting in the outbox. */
  outbox: number
  /** The oldest waiting row's `outboxAt` (till clock, ms), or null when nothing waits. */
  oldestUnsyncedAt: number | null
  /** Entries in the compensation queue. */
  queue: number
  /** Operations not final yet. */
  open: number
  /** Operations in needs-attention, and rows the store refused. */
  attention: number
  appVersion: string
  configVersion: number | null
  /** The till's clock (ms): the store compares it with its own. */
  now: number
}

export interface Enrolled {
  tillId: string
  storeId: string
  token: string
  configVersion: number | null
  lastShift: number | null
  storeName?: string
}

export type PushAnswer =
  | ({ kind: 'ok'; configVersion: number | null } & Settlement)
  /** Try again later: no connection, a time-out, 5xx, 503/429 (`afterMs` from Retry-After). */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /** 401/403: the store does not know this token any more (revoked). */
  | { kind: 'revoked' }
  /** 413: the body was too big; send fewer rows. */
  | { kind: 'tooBig' }
  /** Another refusal of the whole push (400 …): a bug or a version skew; retried later, and logged. */
  | { kind: 'refused'; status: number; reason: string }

export type EnrolAnswer =
  | ({ kind: 'ok' } & Enrolled)
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
      const r = await post(`${base}/api/v1/enrol`, { code, device })
      if (r.kind === 'failed') return { kind: 'unreachable', reason: r.reason }
      if (r.status >= 500) return { kind: 'unreachable', reason: `HTTP ${r.status}` }
      if (r.status !== 200 && r.status !== 201) return { kind: 'refused', status: r.status, reason: errorOf(r.body) }
      const e = parseEnrolled(r.body)
      return e ? { kind: 'ok', ...e } : { kind: 'notAStore', reason: 'enrolment reply not understood' }
    },

    async push(base: string, token: string, batch: Batch, status: TillStatus): Promise<PushAnswer> {
      const r = await post(`${base}/api/v1/push`, { ops: batch.ops, shifts: batch.shifts, status }, token)
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
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null)

function errorOf(body: unknown): string {
  if (isObj(body)) {
    const e = body.error ?? body.message ?? body.reason
    if (typeof e === 'string') return e.slice(0, 200)
    if (isObj(e) && typeof e.code === 'string') return e.code.slice(0, 200)
  }
  return 'refused'
}

function parseEnrolled(b: unknown): Enrolled | undefined {
  if (!isObj(b) || typeof b.tillId !== 'string' || typeof b.storeId !== 'string' || typeof b.token !== 'string' || b.token.length < 16) return undefined
  return {
    tillId: b.tillId.slice(0, 100),
    storeId: b.storeId.slice(0, 100),
    token: b.token,
    configVersion: num(b.configVersion),
    lastShift: num(b.lastShift),
    ...(typeof b.storeName === 'string'
      ? { storeName: b.storeName.slice(0, 100) }
      : isObj(b.store) && typeof b.store.name === 'string'
        ? { storeName: b.store.name.slice(0, 100) }
        : {}),
  }
}

/** A shift on the wire is named by its number, or `shift:<n>`. */
function shiftOf(id: unknown): number | undefined {
  if (typeof id === 'number' && Number.isInteger(id)) return id
  const m = typeof id === 'string' ? /^shift:(\d{1,9})$/.exec(id) : null
  return m ? Number(m[1]) : undefined
}

function parseSettlement(b: unknown): (Settlement & { configVersion: number | null }) | undefined {
  if (!isObj(b) || !Array.isArray(b.acked)) return undefined
  const out: Settlement & { configVersion: number | null } = { ops: [], shifts: [], rejected: [], configVersion: num(b.configVersion) }
  const acked = [
    ...b.acked,
    ...(Array.isArray(b.ackedShifts) ? b.ackedShifts.map((x: unknown) => (Array.isArray(x) ? [`shift:${String(x[0])}`, x[1]] : x)) : []),
  ]
  for (const a of acked) {
    const [id, rev] = Array.isArray(a) ? a : isObj(a) ? [a.id ?? (a.number !== undefined ? `shift:${String(a.number)}` : undefined), a.rev] : []
    const r = num(rev)
    if (r === null) continue
    const n = shiftOf(id)
    if (n !== undefined) out.shifts.push([n, r])
    else if (typeof id === 'string') out.ops.push([id, r])
  }
  for (const x of Array.isArray(b.rejected) ? b.rejected : []) {
    if (!isObj(x)) continue
    const reason = typeof x.reason === 'string' ? x.reason.slice(0, 100) : 'refused'
    const n = shiftOf(x.id ?? (x.number !== undefined ? `shift:${String(x.number)}` : undefined))
    if (n !== undefined) out.rejected.push({ id: n, reason, shift: true })
    else if (typeof x.id === 'string') out.rejected.push({ id: x.id, reason })
  }
  return out
}
