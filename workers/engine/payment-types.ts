// Payment types (docs/architecture.md § 3, settings): the stored types and their secrets, what the admin and the
// till see of them, and loading one as a provider's config. A production engine refuses a type
// bound to an emulator. The secret values are kept here for scrubbing logs and exports.
import { importConf, exportConf, missingRequired, parseValue, withDefaults, type ConfigValues, type FieldError } from '../../src/domain/config.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import { foreignTooBig } from '../../src/domain/conf-merge.ts'
import type { AnyProvider, PaymentType, PayMode, ProbeCtx } from '../providers/types.ts'
import type { EngineDeps } from './engine-deps.ts'
import type { Result } from './result.ts'
import type { Logger } from './log.ts'
import type { Memo } from './memo.ts'

const PAYMENT_TYPES_KEY = 'paymentTypes'

export interface PaymentTypeView {
  id: string
  number: number
  name: string
  provider: string
  currency: string
  values: ConfigValues
  secretsSet: string[]
  missing: string[]
  enabled: boolean
  capabilities: AnyProvider['capabilities']
  /** How this type takes a payment: the cashier scans (`customer-qr`), or the screen shows a code or QR. */
  payMode: PayMode
  /** Message key the till shows under "scan" (the provider's `about.ts`). */
  scanHint: string
  /** The provider has its own end of day (contract 1: the till's day close runs it). */
  closeDay: boolean
  /** The provider answers a status query for a settled operation (the journal's «Проверить статус»). */
  statusCheck: boolean
  /** Why a complete payment type is still disabled (bound to an emulator in a production build; Sendy: not activated); shown instead of missing fields. */
  reason?: Msg
  /** What the cashier picks before paying (Sendy online: the payment system); asked only with more than one option. */
  choices?: { title: Msg; options: { id: string; label: string }[] }
  /** Admin actions; those that declare `inputs` (even none) are rendered by Settings' generic block. */
  adminActions: { name: string; inputs?: { name: string; label: string; secret?: boolean }[]; confirm?: string }[]
  /** Bound to a sandbox (the provider's `emulated`): no real money moves (host results say `demo: true`). */
  sandbox: boolean
  /** Set by the store's config (that version); only the per-till fields are this till's to change. */
  managed?: { version: number }
  /** The provider has «Проверить связь» (not offered where unsupported). */
  checkConnection: boolean
  /** The settings file's name (`payment_clickpass.conf`, `sendy.json`): the import and export buttons say its kind. */
  fileName: string
  /** Deleted while it had operations: listed only for the journal (`listPaymentTypes({ archived: true })`). */
  archived?: boolean
}

export interface PaymentTypeInput {
  id?: string
  number: number
  name: string
  provider: string
  /** Form values as typed (strings); an empty string means "not set". */
  values: Record<string, string>
  /** Only the secrets the admin typed now; absent or empty keeps the stored one. */
  secrets?: Record<string, string>
}

export interface PaymentTypesWiring {
  providers: ReadonlyMap<string, AnyProvider>
  log: Logger
  probeContext: (pt: PaymentType, provider: AnyProvider, config: unknown) => ProbeCtx<unknown>
  /** The types and their secrets kept in memory until the settings or secrets table changes. */
  memo?: Memo
}

export function paymentTypesApi(deps: Pick<EngineDeps, 'db' | 'clock' | 'demo' | 'emulators' | 'baseUrl'>, w: PaymentTypesWiring) {
  const { db, clock } = deps
  const { providers, log, probeContext } = w
  let secretValues: string[] = []

  // ---- settings --------------------------------------------------------------------------

  /** As stored now: what a save reads before it writes the list back. */
  async function storedTypes(): Promise<PaymentType[]> {
    return ((await db.settings.get(PAYMENT_TYPES_KEY))?.value as PaymentType[] | undefined) ?? []
  }

  /** The types as the pay path reads them: from memory while the settings table is unchanged. */
  async function paymentTypes(): Promise<PaymentType[]> {
    return w.memo ? w.memo.get('paymentTypes', storedTypes) : storedTypes()
  }

  async function secretsOf(ptId: string): Promise<Record<string, string>> {
    const read = async () => {
      const rows = await db.secrets.where('key').startsWith(`${ptId}:`).toArray()
      return Object.fromEntries(rows.map((r) => [r.key.slice(ptId.length + 1), r.value]))
    }
    return { ...(await (w.memo ? w.memo.get(`secrets:${ptId}`, read) : read())) }
  }

  async function refreshSecretValues() {
    // Provider store rows are `${provider}:${paymentType}:${key}`; the provider says which keys are secrets.
    const isSecret = (row: string) => {
      const [pid, , ...rest] = row.split(':')
      return !!providers.get(pid as AnyProvider['id'])?.secretStoreKey?.(rest.join(':'))
    }
    const tokens = (await db.settings.toArray()).filter((r) => typeof r.value === 'string' && isSecret(r.key)).map((r) => r.value as string)
    secretValues = [...(await db.secrets.toArray()).map((r) => r.value), ...tokens].filter((v) => v.length >= 3)
  }

  async function view(pt: PaymentType): Promise<PaymentTypeView | undefined> {
    const p = providers.get(pt.provider)
    if (!p) return undefined
    const secrets = await secretsOf(pt.id)
    const set = new Set(Object.keys(secrets))
    const values = withDefaults(p.schema, pt.values)
    const missing = missingRequired(p.schema, values, set, secrets)
    const config = missing.length === 0 ? p.toConfig(values, secrets) : undefined
    const payMode = config !== undefined && p.payModeOf ? p.payModeOf(config) : (p.capabilities.payModes[0] ?? 'customer-qr')
    const ctx = config !== undefined ? probeContext(pt, p, config) : undefined
    const reason = emulatorRefused(p, values) ?? (ctx && p.unavailable ? await p.unavailable(ctx) : undefined)
    const choices = ctx && p.payChoices && !reason ? await p.payChoices(ctx) : undefined
    const adminActions = Object.entries(p.admin?.actions ?? {}).map(([name, a]) => ({
      name,
      ...(a.inputs ? { inputs: a.inputs } : {}),
      ...(a.confirm ? { confirm: a.confirm } : {}),
    }))
    const sandbox = !!p.emulated?.(values)
    return {
      id: pt.id,
      number: pt.number,
      name: pt.name,
      provider: pt.provider,
      currency: p.currency,
      values,
      secretsSet: [...set],
      missing,
      enabled: missing.length === 0 && !reason,
      // A setting may turn a capability off for this type (Sendy `allowRefund`).
      capabilities: config !== undefined && p.capabilitiesOf ? { ...p.capabilities, ...p.capabilitiesOf(config) } : p.capabilities,
      payMode,
      checkConnection: !!p.checkConnection,
      fileName: p.schema.fileName,
      scanHint: p.scanHint,
      closeDay: !!p.closeDay,
      statusCheck: !!p.status,
      adminActions,
      sandbox,
      ...(pt.archived !== undefined ? { archived: true, enabled: false } : {}),
      ...(reason ? { reason } : {}),
      ...(choices ? { choices } : {}),
      ...(pt.managed ? { managed: pt.managed } : {}),
    }
  }

  /** A production engine refuses a payment type bound to an emulator: no payment is approved with no money. */
  function emulatorRefused(p: AnyProvider, values: ConfigValues): Msg | undefined {
    return deps.emulators === 'refuse' && p.emulated?.(values) ? msg('common.emulatorOnly') : undefined
  }

  async function seedDemo() {
    if (!deps.demo || (await db.settings.get(PAYMENT_TYPES_KEY))) return
    const types: PaymentType[] = []
    let n = 1
    await db.transaction('rw', db.settings, db.secrets, async () => {
      // In the provider registry's order, whatever order the demo build found them in.
      const order = [...providers.keys()]
      const demos = (deps.demo?.paymentTypes ?? [])
        .filter((d) => providers.has(d.provider))
        .sort((a, b) => order.indexOf(a.provider) - order.indexOf(b.provider))
      for (const d of demos) {
        const id = `${d.provider}-1`
        types.push({ id, number: n++, name: d.name, provider: d.provider, values: d.values })
        for (const [k, v] of Object.entries(d.secrets)) await db.secrets.put({ key: `${id}:${k}`, value: v })
      }
      await db.settings.put({ key: PAYMENT_TYPES_KEY, value: types })
    })
  }

  async function loadConfig(ptId: string) {
    const pt = (await paymentTypes()).find((t) => t.id === ptId)
    if (!pt) return { ok: false as const, message: msg('common.noPaymentType') }
    const p = providers.get(pt.provider)
    if (!p) return { ok: false as const, message: msg('common.noPaymentType') }
    const secrets = await secretsOf(pt.id)
    const values = withDefaults(p.schema, pt.values)
    const missing = missingRequired(p.schema, values, new Set(Object.keys(secrets)), secrets)
    if (missing.length) return { ok: false as const, message: msg('common.typeDisabled', { fields: missing.join(', ') }) }
    const refused = emulatorRefused(p, values)
    if (refused) return { ok: false as const, message: refused }
    if (typeof values.url === 'string' && values.url.startsWith('/') && deps.baseUrl) values.url = new URL(values.url, deps.baseUrl).href.replace(/\/$/, '')
    return { ok: true as const, pt, provider: p, config: p.toConfig(values, secrets) as unknown }
  }

  /** The till's and Settings' types; the journal asks for the archived ones too, to name and reverse their operations. */
  async function listPaymentTypes(opts: { archived?: boolean } = {}): Promise<PaymentTypeView[]> {
    const out: PaymentTypeView[] = []
    for (const pt of await paymentTypes()) {
      if (pt.archived !== undefined && !opts.archived) continue
      const v = await view(pt)
      if (v) out.push(v)
    }
    return out
  }

  async function savePaymentType(input: PaymentTypeInput): Promise<Result<{ id: string; errors?: FieldError[] }>> {
    const p = providers.get(input.provider as AnyProvider['id'])
    if (!p) return { ok: false, message: msg('common.noPaymentType') }
    if (!Number.isInteger(input.number) || input.number < 1) return { ok: false, message: msg('config.badNumber') }
    if (!input.name.trim()) return { ok: false, message: msg('config.badName') }
    const values: ConfigValues = {}
    const errors: FieldError[] = []
    for (const f of p.schema.fields) {
      if (f.secret) continue
      const r = parseValue(f, input.values[f.name] ?? '')
      if (r.ok) values[f.name] = r.value
      else errors.push({ field: f.name, message: r.message })
    }
    for (const [k, v] of Object.entries(input.secrets ?? {})) {
      const f = p.schema.fields.find((x) => x.name === k && x.secret)
      if (!f) errors.push({ field: k, message: msg('config.unknownField', { field: k }) })
      else if (v.trim() !== v) errors.push({ field: k, message: msg('config.badFormat', { field: k, value: '…' }) })
    }
    if (!errors.length && p.schema.validate) errors.push(...p.schema.validate(withDefaults(p.schema, values)))
    if (!errors.length && emulatorRefused(p, withDefaults(p.schema, values))) return { ok: false, message: msg('common.emulatorOnly') }
    if (errors.length)
      return { ok: false, message: msg('config.invalid', { count: errors.length }), errors } as Result<{ id: string; errors?: FieldError[] }> & {
        errors: FieldError[]
      }
    const types = await storedTypes()
    const id = input.id ?? freshTypeId(p.id, types, clock.now())
    if (types.find((t) => t.id === id)?.archived !== undefined) return { ok: false, message: msg('common.noPaymentType') }
    // An archived type's number is free again: its operations are found by id.
    if (types.some((t) => t.id !== id && t.archived === undefined && t.number === input.number))
      return { ok: false, message: msg('config.numberTaken', { number: input.number }) }
    // A type the store manages keeps the store's name, number, values and secrets; the till sets only its own fields.
    const held = types.find((t) => t.id === id)?.managed ? types.find((t) => t.id === id) : undefined
    if (held) {
      for (const f of p.schema.fields) if (!f.perTill && !f.secret) values[f.name] = held.values[f.name]
      input = { ...input, number: held.number, name: held.name, secrets: {} }
    }
    const pt: PaymentType = { id, number: input.number, name: input.name.trim(), provider: p.id, values, ...(held?.managed ? { managed: held.managed } : {}) }
    await db.transaction('rw', db.settings, db.secrets, async () => {
      await db.settings.put({ key: PAYMENT_TYPES_KEY, value: [...types.filter((t) => t.id !== id), pt].sort((a, b) => a.number - b.number) })
      for (const [k, v] of Object.entries(input.secrets ?? {})) if (v !== '') await db.secrets.put({ key: `${id}:${k}`, value: v })
    })
    await refreshSecretValues()
    log.info('engine', 'payment type saved', { id, provider: p.id, values })
    return { ok: true, id }
  }

  /**
   * A type with operations is archived, never deleted: its journal rows keep their name and
   * their cancel and refund (which need its settings and secrets), and the reports keep their lines.
   */
  async function deletePaymentType(id: string): Promise<Result<{ archived: boolean }>> {
    const types = await storedTypes()
    const used = (await db.operations.where('paymentTypeId').equals(id).count()) > 0
    if (used) {
      const at = clock.now()
      await db.settings.put({ key: PAYMENT_TYPES_KEY, value: types.map((t) => (t.id === id && t.archived === undefined ? { ...t, archived: at } : t)) })
      log.info('engine', 'payment type archived', { id })
      return { ok: true, archived: true }
    }
    await db.transaction('rw', db.settings, db.secrets, async () => {
      await db.settings.put({ key: PAYMENT_TYPES_KEY, value: types.filter((t) => t.id !== id) })
      await db.secrets.where('key').startsWith(`${id}:`).delete()
    })
    await refreshSecretValues()
    return { ok: true, archived: false }
  }

  async function importConfFile(
    paymentTypeId: string,
    text: string,
  ): Promise<Result<{ foreign: Record<string, string>; errors: FieldError[]; warnings: FieldError[] }> & { errors?: FieldError[] }> {
    const pt = (await paymentTypes()).find((t) => t.id === paymentTypeId)
    const p = pt && providers.get(pt.provider)
    if (!pt || !p) return { ok: false, message: msg('common.noPaymentType') }
    const r = importConf(p.schema, text)
    if (!r.ok) return { ok: false, message: msg('config.importFailed', { count: r.errors.length }), errors: r.errors }
    const tooMany = foreignTooBig({ ...pt.foreign, ...r.foreign })
    if (tooMany) return { ok: false, message: tooMany }
    const types = await storedTypes()
    await db.transaction('rw', db.settings, db.secrets, async () => {
      await db.settings.put({
        key: PAYMENT_TYPES_KEY,
        value: types.map((t) => (t.id === pt.id ? { ...t, values: { ...t.values, ...r.values }, foreign: { ...t.foreign, ...r.foreign } } : t)),
      })
      for (const [k, v] of Object.entries(r.secrets)) await db.secrets.put({ key: `${pt.id}:${k}`, value: v })
    })
    await refreshSecretValues()
    if (Object.keys(r.foreign).length) log.warn('engine', 'conf import: unknown keys kept', { keys: Object.keys(r.foreign) })
    log.info('engine', 'conf imported', { paymentType: pt.id, values: r.values })
    return { ok: true, foreign: r.foreign, errors: [], warnings: r.warnings }
  }

  async function exportConfFile(paymentTypeId: string): Promise<Result<{ fileName: string; text: string }>> {
    const pt = (await paymentTypes()).find((t) => t.id === paymentTypeId)
    const p = pt && providers.get(pt.provider)
    if (!pt || !p) return { ok: false, message: msg('common.noPaymentType') }
    return { ok: true, fileName: p.schema.fileName, text: exportConf(p.schema, pt.values, pt.foreign) }
  }

  return {
    secretValues: () => secretValues,
    paymentTypes,
    loadConfig,
    refreshSecretValues,
    seedDemo,
    listPaymentTypes,
    savePaymentType,
    deletePaymentType,
    importConfFile,
    exportConfFile,
  }
}

/** A new payment type's id from the injected clock; a suffix keeps two saves in one millisecond apart. */
function freshTypeId(provider: string, types: readonly PaymentType[], now: number): string {
  const base = `${provider}-${now.toString(36)}`
  let id = base
  for (let n = 2; types.some((t) => t.id === id); n++) id = `${base}-${n}`
  return id
}

export type LoadedConfig = Awaited<ReturnType<ReturnType<typeof paymentTypesApi>['loadConfig']>>
