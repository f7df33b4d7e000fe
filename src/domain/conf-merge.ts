// Import of a seed `.conf` as a preview, then a merge: what changes (field, old → new),
// the unknown keys (kept, and written again on export), warnings about the url, and refusals of a
// file too big or too broken to be a `.conf`. Fields the file does not mention keep their values.
// Pure: text and the current values in, a preview out.
import { importConf, withDefaults, type ConfigSchema, type ConfigValue, type ConfigValues, type FieldError } from './config.ts'
import { msg, type Msg } from './messages.ts'

/** A `.conf` is a few hundred bytes; anything above this is not one, and is refused before parsing. */
export const CONF_MAX_BYTES = 64 * 1024
/** More bad lines than this: not a `.conf` at all; refused at once. */
export const CONF_MAX_BAD_LINES = 50
/**
 * Unknown keys are kept (and exported again), but counted: all of a type's unknown keys together
 * stay well under the import cap, so its own export can always be imported back.
 */
export const CONF_MAX_FOREIGN_KEYS = 100
export const CONF_MAX_FOREIGN_BYTES = 16 * 1024

/** The message when a type's unknown keys, with those of an import, would be too many or too large. */
export function foreignTooBig(merged: Record<string, string>): Msg | undefined {
  const count = Object.keys(merged).length
  const bytes = utf8Bytes(
    Object.entries(merged)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
  )
  if (count > CONF_MAX_FOREIGN_KEYS || bytes > CONF_MAX_FOREIGN_BYTES)
    return msg('conf.tooManyUnknown', { count, max: CONF_MAX_FOREIGN_KEYS, kb: CONF_MAX_FOREIGN_BYTES / 1024 })
  return undefined
}
/** How many errors a refusal lists. */
export const CONF_ERRORS_SHOWN = 10
/** The seed modules' `url` placeholder: a file that still has it was never filled in. */
export const URL_PLACEHOLDER = 'http://localhost'

export interface ConfChange {
  field: string
  /** As text; a secret's value is never shown, only that it changes. */
  old: string
  next: string
  secret?: boolean
}

export type ConfPreview =
  | {
      ok: true
      values: ConfigValues
      secrets: Record<string, string>
      foreign: Record<string, string>
      changes: ConfChange[]
      newForeign: string[]
      warnings: FieldError[]
    }
  | { ok: false; message: Msg; errors: FieldError[] }

export const valueText = (v: ConfigValue): string => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v))

/** Byte length of UTF-8 text, without I/O. */
export function utf8Bytes(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3
  }
  return n
}

/** Warnings about a `url`: the placeholder left in, or one that leaves the page's origin. */
export function urlWarnings(field: string, url: string, origin?: string, line?: number): FieldError[] {
  const at = line === undefined ? {} : { line }
  if (url.replace(/\/+$/, '') === URL_PLACEHOLDER) return [{ field, ...at, message: msg('conf.urlPlaceholder', { field }) }]
  if (url.startsWith('//')) return [{ field, ...at, message: msg('conf.urlLeavesOrigin', { field, value: url }) }]
  if (origin && /^https?:\/\//i.test(url)) {
    try {
      if (new URL(url).origin !== origin) return [{ field, ...at, message: msg('conf.urlCrossOrigin', { field, value: url }) }]
    } catch {
      /* the schema's pattern refuses it */
    }
  }
  return []
}

/**
 * Preview the import of `text` over the payment type's current values. Nothing is applied here;
 * the caller stores `values`, `secrets` and `foreign` when the admin presses «Применить».
 */
export function previewConf(
  schema: ConfigSchema,
  current: { values: ConfigValues; foreign?: Record<string, string>; secretsSet?: readonly string[] },
  text: string,
  origin?: string,
): ConfPreview {
  const bytes = utf8Bytes(text)
  if (bytes > CONF_MAX_BYTES) return { ok: false, message: msg('conf.tooBig', { kb: Math.ceil(bytes / 1024), max: CONF_MAX_BYTES / 1024 }), errors: [] }
  const r = importConf(schema, text)
  const badLines = r.errors.filter((e) => e.field === '').length
  if (badLines > CONF_MAX_BAD_LINES)
    return { ok: false, message: msg('conf.notConf', { count: badLines, max: CONF_MAX_BAD_LINES }), errors: r.errors.slice(0, CONF_ERRORS_SHOWN) }
  if (r.errors.length) return { ok: false, message: msg('config.importFailed', { count: r.errors.length }), errors: r.errors.slice(0, CONF_ERRORS_SHOWN) }

  const values: ConfigValues = { ...current.values }
  for (const [k, v] of Object.entries(r.values)) values[k] = v
  const crossField = schema.validate ? schema.validate(withDefaults(schema, values)) : []
  if (crossField.length) return { ok: false, message: msg('config.importFailed', { count: crossField.length }), errors: crossField }

  const changes: ConfChange[] = []
  for (const f of schema.fields) {
    if (f.secret) {
      if (f.name in r.secrets) changes.push({ field: f.name, old: current.secretsSet?.includes(f.name) ? '••••' : '', next: '••••', secret: true })
      continue
    }
    if (!(f.name in r.values)) continue
    const old = valueText(withDefaults(schema, current.values)[f.name])
    const next = valueText(withDefaults(schema, values)[f.name])
    if (old !== next) changes.push({ field: f.name, old, next })
  }
  const known = current.foreign ?? {}
  const tooMany = foreignTooBig({ ...known, ...r.foreign })
  if (tooMany) return { ok: false, message: tooMany, errors: [] }
  const newForeign = Object.keys(r.foreign).filter((k) => known[k] !== r.foreign[k])
  const warnings = [...r.warnings]
  for (const f of schema.fields) {
    if (f.name !== 'url' || !(f.name in r.values)) continue
    const v = r.values[f.name]
    warnings.push(...urlWarnings(f.name, typeof v === 'string' ? v : URL_PLACEHOLDER, origin))
  }
  return { ok: true, values, secrets: r.secrets, foreign: { ...known, ...r.foreign }, changes, newForeign, warnings }
}
