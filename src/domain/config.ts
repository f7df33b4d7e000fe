// Provider settings as a schema: the seed module's names, types and defaults (docs/rules.md R9),
// parsing a seed `.conf`, validating a form, and exporting with secrets left empty.
import { parseIni, writeIni, type IniOut } from './ini.ts'
import type { Msg } from './messages.ts'
import { msg } from './messages.ts'

export type FieldType = 'int' | 'bool' | 'string' | 'list'

export interface FieldDef {
  name: string
  type: FieldType
  /** Seed default; `undefined` means "no default: not set". */
  default?: number | boolean | string | string[]
  secret?: boolean
  required?: boolean
  min?: number
  max?: number
  /** Other spellings accepted on import (e.g. the seed's `serviceld`). */
  aliases?: string[]
  /** Allowed list items (e.g. Payme `ignoredErrors`), or allowed values. */
  allowed?: readonly string[]
  /** The seed's description (ru) for the form and the exported comment. */
  seedText: string
  /** Key of the Paydesk hint in the i18n catalogue. */
  hint?: string
  pattern?: RegExp
  /** A format the value should have: accepted either way, with `message` as a warning when it does not match (O!plati `regNum`). */
  warnPattern?: { pattern: RegExp; message: string }
  /** A seed placeholder (Payme's `"id"`, `"key"`): while the value equals it, the field counts as missing (R8). */
  placeholder?: string
  /** A value of this one device (an O!plati `regNum`, a pin-pad port, a Sendy terminal): never set by the store's console. */
  perTill?: boolean
}

export type ConfigValue = number | boolean | string | string[] | undefined
export type ConfigValues = Record<string, ConfigValue>

export interface ConfigSchema {
  /** `json`: the module has no `.conf`, so settings travel as Paydesk JSON (Sendy); default INI. */
  format?: 'ini' | 'json'
  fileName: string
  section: string
  title: string
  fields: readonly FieldDef[]
  /** Rules across fields (e.g. Payme `frequency` ≤ `payDuration`), on the values with defaults. */
  validate?(values: ConfigValues): FieldError[]
}

export interface FieldError {
  field: string
  line?: number
  message: Msg
}

/** Parse one value written as text (form input or INI). `""` / empty means "not set". */
/** A C0 control character or DEL anywhere in the text. */
const hasControl = (s: string): boolean => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)

export function parseValue(def: FieldDef, raw: string): { ok: true; value: ConfigValue } | { ok: false; message: Msg } {
  const s = raw.trim()
  if (s === '' || s === '""') return { ok: true, value: undefined }
  switch (def.type) {
    case 'int': {
      if (!/^-?\d+$/.test(s)) return { ok: false, message: msg('config.notInteger', { field: def.name, value: s }) }
      const n = Number(s)
      if (!Number.isSafeInteger(n)) return { ok: false, message: msg('config.notInteger', { field: def.name, value: s }) }
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max))
        return { ok: false, message: msg('config.outOfRange', { field: def.name, min: def.min ?? '', max: def.max ?? '' }) }
      return { ok: true, value: n }
    }
    case 'bool': {
      const l = s.toLowerCase()
      if (l === 'true' || l === '1') return { ok: true, value: true }
      if (l === 'false' || l === '0') return { ok: true, value: false }
      return { ok: false, message: msg('config.notBoolean', { field: def.name, value: s }) }
    }
    case 'list': {
      // A lone "." is the seed sample's stray dot (`;ignoredErrors =.`): an empty list.
      const items = s === '.' ? [] : s.split(/[\s,]+/).filter((x) => x !== '')
      const bad = def.allowed ? items.filter((x) => !def.allowed!.includes(x)) : []
      if (bad.length) return { ok: false, message: msg('config.notAllowed', { field: def.name, value: bad.join(', ') }) }
      return { ok: true, value: items }
    }
    case 'string': {
      // No control characters in any value (a `cashboxCode` goes into requests and slips), and a
      // url never leaves the origin scheme-relative (`//other-host`).
      if (hasControl(s) || (def.name === 'url' && s.startsWith('//')))
        return { ok: false, message: msg('config.badFormat', { field: def.name, value: [...s].map((c) => (hasControl(c) ? '�' : c)).join('') }) }
      if (def.allowed && !def.allowed.includes(s)) return { ok: false, message: msg('config.notAllowed', { field: def.name, value: s }) }
      if (def.pattern && !def.pattern.test(s)) return { ok: false, message: msg('config.badFormat', { field: def.name, value: s }) }
      return { ok: true, value: s }
    }
  }
}

/** The values with the seed defaults filled in where nothing is set. */
export function withDefaults(schema: ConfigSchema, values: ConfigValues): ConfigValues {
  const out: ConfigValues = {}
  for (const f of schema.fields) out[f.name] = values[f.name] !== undefined ? values[f.name] : f.default
  return out
}

/** Required fields that are missing: the payment type is shown disabled with these (R8). */
export function missingRequired(
  schema: ConfigSchema,
  values: ConfigValues,
  secretsSet: ReadonlySet<string>,
  secretValues: Record<string, string> = {},
): string[] {
  return schema.fields
    .filter((f) => f.required)
    .filter((f) =>
      f.secret
        ? !secretsSet.has(f.name) || secretValues[f.name] === f.placeholder
        : values[f.name] === undefined || values[f.name] === '' || values[f.name] === f.placeholder,
    )
    .map((f) => f.name)
}

export interface ConfImport {
  ok: boolean
  values: ConfigValues
  secrets: Record<string, string>
  /** Unknown keys, kept and shown as a warning; never dropped silently. */
  foreign: Record<string, string>
  errors: FieldError[]
  warnings: FieldError[]
}

/** Import a seed `.conf`: all errors listed, nothing applied unless the whole file is valid. */
export function importConf(schema: ConfigSchema, text: string): ConfImport {
  if (schema.format === 'json') {
    const ini = jsonToIni(schema, text)
    if (typeof ini !== 'string') return { ok: false, values: {}, secrets: {}, foreign: {}, errors: [ini], warnings: [] }
    text = ini
  }
  const parsed = parseIni(text)
  const values: ConfigValues = {}
  const secrets: Record<string, string> = {}
  const foreign: Record<string, string> = {}
  const errors: FieldError[] = parsed.errors.map((e) => ({ field: '', line: e.line, message: msg('config.badLine', { line: e.line }) }))
  const warnings: FieldError[] = []
  const seen = new Map<string, { raw: string; line: number }>()
  for (const e of parsed.entries) {
    if (e.section !== schema.section && e.section !== '') {
      foreign[`[${e.section}] ${e.key}`] = e.value
      continue
    }
    const def = schema.fields.find((f) => f.name === e.key || f.aliases?.includes(e.key))
    if (!def) {
      foreign[e.key] = e.value
      continue
    }
    const prev = seen.get(def.name)
    if (prev && prev.raw.trim() !== e.value.trim()) {
      errors.push({ field: def.name, line: e.line, message: msg('config.conflict', { field: def.name, line: prev.line }) })
      continue
    }
    seen.set(def.name, { raw: e.value, line: e.line })
    if (def.type === 'list' && e.value.trim() === '.') warnings.push({ field: def.name, line: e.line, message: msg('config.strayDot', { field: def.name }) })
    const r = parseValue(def, e.value)
    if (!r.ok) {
      errors.push({ field: def.name, line: e.line, message: r.message })
      continue
    }
    if (def.warnPattern && typeof r.value === 'string' && !def.warnPattern.pattern.test(r.value))
      warnings.push({ field: def.name, line: e.line, message: msg(def.warnPattern.message, { field: def.name, value: r.value }) })
    if (def.secret) {
      if (typeof r.value === 'string') secrets[def.name] = r.value
    } else values[def.name] = r.value
  }
  if (schema.validate && errors.length === 0) errors.push(...schema.validate(withDefaults(schema, values)))
  return { ok: errors.length === 0, values, secrets, foreign, errors, warnings }
}

/** Paydesk JSON settings `{ "<section>": { key: value } }` as INI text for `importConf`; an error when it is not that shape. */
function jsonToIni(schema: ConfigSchema, text: string): string | FieldError {
  const bad: FieldError = { field: '', message: msg('config.badLine', { line: 1 }) }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return bad
  }
  const section = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)[schema.section] : undefined
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return bad
  const lines = [`[${schema.section}]`]
  for (const [k, v] of Object.entries(section)) {
    if (!/^[\w.]+$/.test(k) || (v !== null && typeof v === 'object' && !Array.isArray(v))) return bad
    const value = v === null ? '' : Array.isArray(v) ? v.map(String).join(',') : String(v)
    if (/[\r\n]/.test(value)) return bad
    lines.push(`${k} = ${value}`)
  }
  return lines.join('\n')
}

/** Export in the seed's shape; secrets are written empty with a comment (R9, R10). */
export function exportConf(schema: ConfigSchema, values: ConfigValues, foreign: Record<string, string> = {}): string {
  if (schema.format === 'json') {
    const out: Record<string, ConfigValue | string | null> = {}
    for (const f of schema.fields) out[f.name] = f.secret ? '' : (values[f.name] ?? null)
    for (const [k, v] of Object.entries(foreign)) out[k] = v
    return JSON.stringify({ _comment: `${schema.title}: exported by Paydesk; secrets are not exported`, [schema.section]: out }, null, 2)
  }
  const items: IniOut[] = schema.fields.map((f) => {
    const v = values[f.name]
    if (f.secret) return { key: f.name, value: '', comment: [f.seedText, 'секрет не экспортируется / secret not exported'], commented: true }
    const text = v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v)
    return { key: f.name, value: text, comment: [f.seedText], commented: v === undefined }
  })
  // Unknown keys an import kept go out again (README: kept and exported again); other sections after.
  const other = new Map<string, IniOut[]>()
  for (const [k, v] of Object.entries(foreign)) {
    const m = /^\[([^\]]+)\] (.+)$/.exec(k)
    if (!m) items.push({ key: k, value: v, comment: ['не используется Paydesk / not used by Paydesk'] })
    else other.set(m[1]!, [...(other.get(m[1]!) ?? []), { key: m[2]!, value: v }])
  }
  let text = writeIni(schema.section, [schema.title, 'exported by Paydesk'], items)
  for (const [section, rows] of other) text += '\n' + writeIni(section, [], rows)
  return text
}
