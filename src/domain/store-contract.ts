// The store API's wire contract (docs/architecture.md § 6b; docs/fleet.md § 4): the request and reply bodies of `/api/v1`,
// as valibot schemas that both the store server (server/) and the till's sync runner (workers/) import, so the
// two sides cannot drift. valibot needs no `eval` (the till's CSP has no 'unsafe-eval'). Pure: no I/O here.
//
// Rules the schemas carry:
// - The store and the till of every request come from the bearer token, never from a body: no body has them.
// - Unknown fields are refused (strictObject) everywhere except an operation's `body`, which is the till's own
//   journal row (its shape grows with the till); `body` may never hold the customer's one-time `code` or the
//   search `keys`, and the request log is never sent (docs/rules.md R6).
// - Sizes are capped: at most 100 operations and 100 shifts a push, 1 MB a body (413 above), strings bounded.
import * as v from 'valibot'

export const API_PREFIX = '/api/v1'

/** Most operations (and, apart, most shifts) one push carries: the till sends batches of at most this many rows. */
export const MAX_PUSH_ROWS = 100
/** Largest request body the server reads (bytes); above it answers 413 `too-large`. ~1.3 KB a row × 100 rows, ×7 headroom. */
export const MAX_BODY_BYTES = 1024 * 1024
/** Enrolment codes: 10 Crockford base32 characters, valid 15 minutes, usable once. */
export const ENROL_CODE_LENGTH = 10
export const ENROL_CODE_TTL_MS = 15 * 60 * 1000
/** A till clock further than this from the server's is reported back as a `clock-skew` warning (rows are still stored, with the server's receive time beside them). */
export const CLOCK_SKEW_WARN_MS = 5 * 60 * 1000

const CROCKFORD_RE = /^[0-9A-HJKMNP-TV-Z]+$/
const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/

/** Normalise what a person typed as an enrolment code: upper case, no spaces or dashes, Crockford's I/L→1, O→0. */
export function normaliseEnrolCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0')
}

/** A shift's id in `acked` / `rejected` (operation ids are ULIDs, so the two never collide). */
export const shiftWireId = (shiftNumber: number): string => `shift:${shiftNumber}`
/** The shift number of a `shift:N` wire id, or undefined for an operation id. */
export function shiftNumberOf(wireId: string): number | undefined {
  const m = /^shift:(\d{1,15})$/.exec(wireId)
  return m ? Number(m[1]) : undefined
}

const Ms = v.pipe(v.number(), v.safeInteger(), v.minValue(0))
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0))
const Rev = v.pipe(v.number(), v.safeInteger(), v.minValue(1))
const Short = (max: number) => v.pipe(v.string(), v.maxLength(max))

// ---- enrolment ---------------------------------------------------------------------------------------------

export const EnrolRequest = v.strictObject({
  /** As typed; the server normalises it with `normaliseEnrolCode`. */
  code: v.pipe(v.string(), v.minLength(1), v.maxLength(40)),
  device: v.strictObject({ name: Short(80), appVersion: Short(40) }),
})
export type EnrolRequest = v.InferOutput<typeof EnrolRequest>

export const EnrolReply = v.strictObject({
  tillId: Short(64),
  tillName: Short(80),
  /** 'self' for a self-checkout kiosk. */
  kind: v.picklist(['till', 'self']),
  storeId: Short(64),
  storeName: Short(120),
  /** The till's bearer token: shown once, kept by the till (the server holds only its SHA-256). */
  token: Short(200),
  configVersion: Count,
  /** The highest shift number the store holds for this till (0 if none): a re-enrolled device numbers on from it. */
  lastShift: Count,
})
export type EnrolReply = v.InferOutput<typeof EnrolReply>

// ---- push --------------------------------------------------------------------------------------------------

const OpKind = v.picklist(['pay', 'cancel', 'refund', 'reconcile', 'loyalty'])
const OpState = v.picklist(['created', 'sent', 'approved', 'declined', 'unknown', 'resolving', 'compensating', 'compensated', 'needs-attention'])

/** Fields a journal row keeps on the till only: never in a pushed body. */
export const NEVER_SENT_FIELDS = ['code', 'keys', 'rev', 'syncedRev', 'outboxAt', 'syncError'] as const

const RowBody = v.pipe(
  v.record(v.string(), v.unknown()),
  v.check((b) => NEVER_SENT_FIELDS.every((k) => !(k in b)), `body must not carry ${NEVER_SENT_FIELDS.join(', ')}`),
)

/** One journal operation at one revision. The columns the store indexes, plus the whole row as `body`. */
export const OpRow = v.strictObject({
  id: v.pipe(v.string(), v.regex(ULID_RE, 'id must be a ULID')),
  rev: Rev,
  kind: OpKind,
  state: OpState,
  provider: Short(40),
  paymentTypeId: Short(64),
  /** Minor units (tiyin), as the journal keeps them. */
  amount: v.pipe(v.number(), v.safeInteger()),
  currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code')),
  /** Till clock, ms since the epoch. */
  createdAt: Ms,
  updatedAt: Ms,
  /** The journal row as the till keeps it, minus NEVER_SENT_FIELDS. */
  body: RowBody,
})
export type OpRow = v.InferOutput<typeof OpRow>

/** One closed shift at one revision (shifts are keyed by the till's own shift number). */
export const ShiftRow = v.strictObject({
  number: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  rev: Rev,
  openedAt: Ms,
  closedAt: Ms,
  /** The shift row as the till keeps it (with its own totals and count), minus NEVER_SENT_FIELDS. */
  body: RowBody,
})
export type ShiftRow = v.InferOutput<typeof ShiftRow>

/** What the till reports with every push; the server keeps the last one per till. */
export const TillStatus = v.strictObject({
  /** Rows (operations + shifts) not yet acknowledged. */
  outbox: Count,
  /** Till clock of the oldest unacknowledged change; null when the outbox is empty. */
  oldestUnsyncedAt: v.nullable(Ms),
  /** Compensation queue depth. */
  queue: Count,
  /** Operations in an open state. */
  open: Count,
  /** Operations in needs-attention. */
  attention: Count,
  appVersion: Short(40),
  configVersion: Count,
  /** The till's clock when it sent this push (ms). */
  now: Ms,
})
export type TillStatus = v.InferOutput<typeof TillStatus>

export const PushRequest = v.strictObject({
  ops: v.pipe(v.array(OpRow), v.maxLength(MAX_PUSH_ROWS)),
  shifts: v.pipe(v.array(ShiftRow), v.maxLength(MAX_PUSH_ROWS)),
  status: TillStatus,
})
export type PushRequest = v.InferOutput<typeof PushRequest>

/**
 * The server's first pass over a push: the envelope is strict, the rows are checked one by one (PushRequest's
 * OpRow / ShiftRow) so one malformed row is rejected as `invalid` and the rest of the batch still lands.
 */
export const PushEnvelope = v.strictObject({
  ops: v.pipe(v.array(v.unknown()), v.maxLength(MAX_PUSH_ROWS)),
  shifts: v.pipe(v.array(v.unknown()), v.maxLength(MAX_PUSH_ROWS)),
  status: TillStatus,
})

/**
 * Why a row was not acknowledged:
 * - `foreign`: the store holds this id for another till (or store); never overwritten, logged as an alarm.
 * - `stale`: the store holds a newer rev of this row from this till than the one sent (the till's rev went
 *   backwards: a restored or copied browser profile); `rev` says what the store holds.
 * - `invalid`: the row does not match OpRow / ShiftRow; `detail` says which field.
 */
export const RejectReason = v.picklist(['foreign', 'stale', 'invalid'])
export type RejectReason = v.InferOutput<typeof RejectReason>

export const Rejected = v.strictObject({
  id: Short(64),
  reason: RejectReason,
  rev: v.optional(Rev),
  detail: v.optional(Short(300)),
})
export type Rejected = v.InferOutput<typeof Rejected>

export const PushWarning = v.strictObject({ code: v.picklist(['clock-skew']), skewMs: v.pipe(v.number(), v.safeInteger()) })

export const PushReply = v.strictObject({
  /**
   * `[id, rev]` for every row the store now holds from this till at `rev` or newer, sent only after COMMIT.
   * Shifts appear as `[shiftWireId(n), rev]`. The till marks a row synced only if it is still at that rev.
   */
  acked: v.array(v.tuple([Short(64), Rev])),
  rejected: v.array(Rejected),
  /** The store's current config version: when it differs from the till's, the till fetches GET /config. */
  configVersion: Count,
  /** Present when the till should know something that did not stop the push (its clock is far off). */
  warnings: v.optional(v.array(PushWarning)),
})
export type PushReply = v.InferOutput<typeof PushReply>

// ---- config ------------------------------------------------------------------------------------------------

/** GET /config (with `If-None-Match: "<version>"` → 304 when unchanged). */
export const ConfigReply = v.strictObject({
  version: Count,
  /** The store's payment types assigned to this till, as the till's settings keep them (shape owned by the till). */
  paymentTypes: v.array(v.record(v.string(), v.unknown())),
  tillSettings: v.record(v.string(), v.unknown()),
  /** Processor secrets for the assigned types: `{[paymentTypeId]: {[name]: value}}`; never logged. */
  secrets: v.record(v.string(), v.record(v.string(), v.string())),
})
export type ConfigReply = v.InferOutput<typeof ConfigReply>

// ---- upload (POST /payment-types) --------------------------------------------------------------------------

/**
 * A till that joins with payment types of its own and chooses to upload them: each type's store fields and secrets
 * (never its per-till fields), saved by the store as if the manager had typed them, assigned to that till, audited,
 * secrets sealed. Open only for UPLOAD_WINDOW_MS after the till enrolled (`upload-closed` after that).
 */
export const UPLOAD_MAX_TYPES = 50
export const UPLOAD_WINDOW_MS = 15 * 60_000
export const UploadType = v.strictObject({
  provider: Short(40),
  number: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(999_999)),
  name: Short(100),
  values: v.record(v.string(), v.unknown()),
  secrets: v.record(v.string(), Short(4096)),
})
export type UploadType = v.InferOutput<typeof UploadType>
export const UploadRequest = v.strictObject({ types: v.pipe(v.array(UploadType), v.maxLength(UPLOAD_MAX_TYPES)) })
export type UploadRequest = v.InferOutput<typeof UploadRequest>
/** Per type, in the request's order: saved (`ok`), or why not — `taken` (the store has that number), `invalid`. */
export const UploadReply = v.strictObject({
  version: Count,
  results: v.array(v.strictObject({ number: Count, ok: v.boolean(), reason: v.optional(v.picklist(['taken', 'invalid'])) })),
})
export type UploadReply = v.InferOutput<typeof UploadReply>

// ---- events (GET /events, text/event-stream) ---------------------------------------------------------------

/** SSE event names: `config` (data `{version}`), `resync` (push everything again), `revoked` (stop; forget the token), `hello` on connect. Heartbeat comments every 25 s. */
export const STORE_EVENTS = ['hello', 'config', 'resync', 'revoked'] as const
export type StoreEvent = (typeof STORE_EVENTS)[number]
export const SSE_HEARTBEAT_MS = 25_000

// ---- errors ------------------------------------------------------------------------------------------------

/**
 * Every non-2xx reply is `{error: {code, message}}`; the till shows a translated text for `code` (ru, uz, en)
 * and the English `message` only in its log.
 * - `invalid-body` 400: not JSON, or a field missing, unknown or out of range (`message` names it)
 * - `code-invalid` 400: the enrolment code is unknown, used or expired (one answer for all three)
 * - `unauthorized` 401: no bearer token, or one the store never issued
 * - `revoked` 401: the till's token was revoked: stop syncing and ask for a new enrolment
 * - `too-large` 413: the body is over MAX_BODY_BYTES
 * - `rate-limited` 429 and `busy` 503: try again after `Retry-After` seconds
 * - `upload-closed` 409: a payment type upload came later than UPLOAD_WINDOW_MS after the till enrolled
 * - `not-found` 404, `internal` 500
 */
export const ERROR_CODES = [
  'invalid-body',
  'code-invalid',
  'unauthorized',
  'revoked',
  'too-large',
  'rate-limited',
  'busy',
  'not-found',
  'upload-closed',
  'internal',
] as const
export type StoreErrorCode = (typeof ERROR_CODES)[number]

export const ErrorReply = v.strictObject({ error: v.strictObject({ code: v.picklist(ERROR_CODES), message: Short(500) }) })
export type ErrorReply = v.InferOutput<typeof ErrorReply>

/** Is `s` a plausible enrolment code after normalising (the server still looks it up)? */
export const looksLikeEnrolCode = (s: string): boolean => s.length === ENROL_CODE_LENGTH && CROCKFORD_RE.test(s)

/** First issue of a valibot parse as one line: `ops[3].rev: Invalid type: Expected number but received "2"`, `status.x: unknown field`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0]
  if (!first) return 'invalid'
  const path = (first.path ?? [])
    .map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`))
    .join('')
    .replace(/^\./, '')
  const what = first.type === 'strict_object' || first.type === 'strict_tuple' ? 'unknown field' : first.message
  return (path ? `${path}: ` : '') + what
}
