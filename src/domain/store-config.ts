// Payment types configured once for the store, on the till's own schemas (one source: each provider's
// `about.ts` schema, parsed and validated by config.ts): which fields the store sets and which stay on the till,
// validating an edit made in the console, the rule that a pushed config never moves a provider `url` to another
// host with the old secret, the config a till receives, and how a till's line in the console reads. Pure.
import { missingRequired, parseValue, withDefaults, type ConfigSchema, type ConfigValue, type ConfigValues, type FieldError } from './config.ts'
import { msg } from './messages.ts'
import { LIVE_MS, type TillStatus } from './store-report.ts'

/** Fields the store's console sets for a schema: everything but a till's own values (`perTill`). */
export const storeFields = (schema: ConfigSchema) => schema.fields.filter((f) => !f.perTill)
export const storeSecretFields = (schema: ConfigSchema) => schema.fields.filter((f) => !f.perTill && f.secret)

/** The store's part of a set of values (drops per-till fields and secrets, which never travel as values). */
export function storeValues(schema: ConfigSchema, values: ConfigValues): ConfigValues {
  const out: ConfigValues = {}
  for (const f of storeFields(schema)) if (!f.secret && values[f.name] !== undefined) out[f.name] = values[f.name]
  return out
}

/** The till's managed values, as the store sends them, laid over its own per-till values. */
export function mergeManaged(schema: ConfigSchema, tillValues: ConfigValues, managed: ConfigValues): ConfigValues {
  const out: ConfigValues = {}
  for (const f of schema.fields) {
    if (f.secret) continue
    const v = f.perTill ? tillValues[f.name] : managed[f.name]
    if (v !== undefined) out[f.name] = v
  }
  return out
}

export const MAX_NAME = 60
export const MAX_TEXT_VALUE = 4096

export interface TypeEdit {
  name: string
  number: number
  values: ConfigValues
}

/**
 * Validate a payment type as the console sends it (values as text, the way a form holds them): every store field
 * parsed by the till's own rules, unknown and per-till fields refused, the schema's cross-field rules. Errors name
 * the field; nothing is applied unless there are none.
 */
export function parseTypeEdit(
  schema: ConfigSchema,
  input: { name: unknown; number: unknown; values: unknown },
): { ok: true; edit: TypeEdit } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = []
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (!name || name.length > MAX_NAME) errors.push({ field: 'name', message: msg('console.pt.badName', { max: MAX_NAME }) })
  const number = typeof input.number === 'number' ? input.number : Number(input.number)
  if (!Number.isSafeInteger(number) || number < 0 || number > 9999) errors.push({ field: 'number', message: msg('console.pt.badNumber') })
  const raw = typeof input.values === 'object' && input.values !== null && !Array.isArray(input.values) ? (input.values as Record<string, unknown>) : {}
  const values: ConfigValues = {}
  for (const [k, v] of Object.entries(raw)) {
    const def = schema.fields.find((f) => f.name === k)
    if (!def) {
      errors.push({ field: k, message: msg('console.pt.unknownField', { field: k }) })
      continue
    }
    if (def.perTill) {
      errors.push({ field: k, message: msg('console.pt.perTillField', { field: k }) })
      continue
    }
    if (def.secret) {
      errors.push({ field: k, message: msg('console.pt.secretAsValue', { field: k }) })
      continue
    }
    const text = v === null || v === undefined ? '' : Array.isArray(v) ? v.map(String).join(',') : String(v)
    if (text.length > MAX_TEXT_VALUE) {
      errors.push({ field: k, message: msg('console.pt.tooLong', { field: k }) })
      continue
    }
    const r = parseValue(def, text)
    if (!r.ok) errors.push({ field: k, message: r.message })
    else if (r.value !== undefined) values[k] = r.value
  }
  if (!errors.length && schema.validate) errors.push(...schema.validate(withDefaults(schema, values)))
  return errors.length ? { ok: false, errors } : { ok: true, edit: { name, number, values } }
}

/** Secrets as the console sends them: only the schema's store secrets, non-empty strings, capped. */
export function parseSecrets(schema: ConfigSchema, input: unknown): { ok: true; secrets: Record<string, string> } | { ok: false; errors: FieldError[] } {
  const raw = typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : null
  if (!raw) return { ok: false, errors: [{ field: '', message: msg('console.pt.badSecrets') }] }
  const errors: FieldError[] = []
  const secrets: Record<string, string> = {}
  for (const [k, v] of Object.entries(raw)) {
    const def = storeSecretFields(schema).find((f) => f.name === k)
    if (!def) errors.push({ field: k, message: msg('console.pt.unknownField', { field: k }) })
    else if (typeof v !== 'string' || !v.trim() || v.length > 1024) errors.push({ field: k, message: msg('console.pt.badSecret', { field: k }) })
    else secrets[k] = v.trim()
  }
  return errors.length ? { ok: false, errors } : { ok: true, secrets }
}

/** The host a `url` sends requests to; a path (`/sandbox/…`) is the till's own origin. */
export function urlHost(url: ConfigValue): string {
  if (typeof url !== 'string' || url.startsWith('/')) return 'self'
  try {
    return new URL(url).host.toLowerCase()
  } catch {
    return 'invalid'
  }
}

/**
 * A changed `url` sends the secret to the new host (turn2 F13), so moving a type's `url` to another host is refused
 * unless every secret it already holds is entered anew with it. `secretsHeld`: the secret names stored now;
 * `secretsNew`: the names entered with this change.
 */
export function urlMoveError(
  schema: ConfigSchema,
  before: ConfigValues,
  after: ConfigValues,
  secretsHeld: readonly string[],
  secretsNew: readonly string[],
): FieldError | undefined {
  if (!schema.fields.some((f) => f.name === 'url')) return undefined
  const a = urlHost(withDefaults(schema, before).url)
  const b = urlHost(withDefaults(schema, after).url)
  if (a === b) return undefined
  const stale = secretsHeld.filter((s) => !secretsNew.includes(s))
  return stale.length ? { field: 'url', message: msg('console.pt.urlMove', { from: a, to: b, secrets: stale.join(', ') }) } : undefined
}

/**
 * The till's check of a pushed config: a type whose `url` host changes must come with secrets that changed too
 * (else the secret the till holds would go to a host the store never vouched for), and never a per-till field.
 */
export function pushedTypeSafe(
  schema: ConfigSchema,
  held: { values: ConfigValues; secrets: Record<string, string> },
  pushed: { values: ConfigValues; secrets: Record<string, string> },
): boolean {
  if (schema.fields.some((f) => f.perTill && f.name in pushed.values)) return false
  if (urlHost(withDefaults(schema, held.values).url) === urlHost(withDefaults(schema, pushed.values).url)) return true
  return Object.keys(held.secrets).every((k) => k in pushed.secrets && pushed.secrets[k] !== held.secrets[k])
}

/** Store fields still missing (per-till required fields are the till's to fill, so they do not count here). */
export function storeMissing(schema: ConfigSchema, values: ConfigValues, secretsSet: ReadonlySet<string>): string[] {
  const perTill = new Set(schema.fields.filter((f) => f.perTill).map((f) => f.name))
  return missingRequired(schema, values, secretsSet).filter((n) => !perTill.has(n))
}

/** What the till receives (GET /config): its assigned types, their store values, and their secrets. */
export interface StoreConfig {
  version: number
  paymentTypes: { id: string; number: number; name: string; provider: string; values: ConfigValues }[]
  /** Secrets by payment type id, only for the types assigned to this till. */
  secrets: Record<string, Record<string, string>>
}

/** The entity tag of a config version (`If-None-Match`). */
export const configTag = (version: number) => `"${version}"`
export function tagMatches(header: string | null | undefined, version: number): boolean {
  if (!header) return false
  return header
    .split(',')
    .map((s) => s.trim().replace(/^W\//, ''))
    .includes(configTag(version))
}

// ---- the till's line in the console -----------------------------------------------------------

export const RED_OUTBOX_MS = 3_600_000

export interface TillView {
  online: boolean
  /** Oldest row not yet at the store is older than an hour. */
  outboxRed: boolean
  oldestAgeMs?: number
  /** The till's clock minus the server's at its last push (ms); undefined without a report. */
  skewMs?: number
  configBehind: boolean
  appBehind: boolean
}

export function tillView(
  t: { lastSeenAt?: number | null; lastPushAt?: number | null; receivedAt?: number | null; status?: TillStatus | null; revokedAt?: number | null },
  ctx: { now: number; streamOpen: boolean; configVersion: number; appVersion?: string },
): TillView {
  const seen = Math.max(t.lastSeenAt ?? -Infinity, t.lastPushAt ?? -Infinity)
  const online = !t.revokedAt && (ctx.streamOpen || ctx.now - seen < LIVE_MS)
  const s = t.status ?? undefined
  const oldest = s?.oldestUnsyncedAt ?? undefined
  const oldestAgeMs = s && s.outbox > 0 && oldest !== undefined && s.now !== undefined ? Math.max(0, s.now - oldest) : undefined
  const at = t.receivedAt ?? t.lastPushAt ?? undefined
  return {
    online,
    outboxRed: oldestAgeMs !== undefined && oldestAgeMs > RED_OUTBOX_MS,
    ...(oldestAgeMs !== undefined ? { oldestAgeMs } : {}),
    ...(s?.now !== undefined && at !== undefined ? { skewMs: s.now - at } : {}),
    configBehind: s?.configVersion !== undefined && s.configVersion !== ctx.configVersion,
    appBehind: !!ctx.appVersion && s?.appVersion !== undefined && s.appVersion !== ctx.appVersion,
  }
}
