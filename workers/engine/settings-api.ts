// The admin's settings API beyond plain save/delete: `.conf` import as a preview then a merge,
// «Проверить связь» through each provider's hook, the change log of settings (who, which field, which
// type, when — a secret only as "changed"), and the optional supervisor PIN that guards money going back.
// Wired into engine.ts with a few lines; everything here crosses the worker boundary as plain data.
import { previewConf, valueText, type ConfChange } from '../../src/domain/conf-merge.ts'
import { withDefaults, type FieldError } from '../../src/domain/config.ts'
import { checkPinFormat } from '../../src/domain/pin.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import { adminPin, SUPERVISOR_PIN_KEY, type PinResult } from './admin-pin.ts'
import type { Locks } from './locks.ts'
import type { Clock } from './clock.ts'
import type { PaydeskDb } from './db.ts'
import type { Logger } from './log.ts'
import type { AnyProvider, PaymentType, ProbeCtx } from '../providers/types.ts'

const PAYMENT_TYPES_KEY = 'paymentTypes'
const CHANGES_KEY = 'settings.changes'
/** The change log keeps this many entries (years of a till's settings changes). */
export const CHANGES_MAX = 2_000
export { SUPERVISOR_PIN_KEY }

export interface SettingsChange {
  at: number
  /** Who: the admin behind the admin PIN, or anyone (no admin PIN set). */
  by: 'admin' | 'open'
  paymentTypeId?: string
  paymentTypeName?: string
  /** `type` for the payment type as a whole (added / deleted / imported), else the field. */
  field: string
  action: 'added' | 'changed' | 'deleted' | 'imported' | 'set' | 'removed'
  old?: string
  next?: string
  /** A secret: no values, only that it changed. */
  secret?: boolean
}

type R<T = object> = ({ ok: true } & T) | { ok: false; message: Msg; errors?: FieldError[] }

export interface SettingsDeps {
  db: PaydeskDb
  clock: Clock
  log: Logger
  providers: ReadonlyMap<string, AnyProvider>
  baseUrl?: string | undefined
  adminPinSet(): Promise<boolean>
  verifyAdminPin(pin: string): Promise<PinResult>
  locks?: Locks
  refreshSecretValues(): Promise<void>
  loadConfig(ptId: string): Promise<{ ok: true; pt: PaymentType; provider: AnyProvider; config: unknown } | { ok: false; message: Msg }>
  probeContext(pt: PaymentType, provider: AnyProvider, config: unknown): ProbeCtx<unknown>
}

export function settingsApi(d: SettingsDeps) {
  const { db, clock, log } = d
  const supervisor = adminPin(db, clock, SUPERVISOR_PIN_KEY, d.locks)
  const origin = d.baseUrl ? new URL(d.baseUrl).origin : undefined

  const types = async () => ((await db.settings.get(PAYMENT_TYPES_KEY))?.value as PaymentType[] | undefined) ?? []
  const secretNames = async (id: string) => (await db.secrets.where('key').startsWith(`${id}:`).primaryKeys()).map((k) => String(k).slice(id.length + 1))

  async function record(entries: Omit<SettingsChange, 'at' | 'by'>[]) {
    if (!entries.length) return
    const by = (await d.adminPinSet()) ? 'admin' : 'open'
    const at = clock.now()
    await db.transaction('rw', db.settings, async () => {
      const cur = ((await db.settings.get(CHANGES_KEY))?.value as SettingsChange[] | undefined) ?? []
      await db.settings.put({ key: CHANGES_KEY, value: [...cur, ...entries.map((e) => ({ at, by, ...e }))].slice(-CHANGES_MAX) })
    })
  }

  /** What differs between two stored versions of a payment type (values with defaults, and secrets typed). */
  function diff(p: AnyProvider, before: PaymentType | undefined, after: PaymentType, secretsTyped: readonly string[]): Omit<SettingsChange, 'at' | 'by'>[] {
    const base = { paymentTypeId: after.id, paymentTypeName: after.name }
    if (!before) return [{ ...base, field: 'type', action: 'added', next: p.id }]
    const out: Omit<SettingsChange, 'at' | 'by'>[] = []
    if (before.number !== after.number) out.push({ ...base, field: 'number', action: 'changed', old: String(before.number), next: String(after.number) })
    if (before.name !== after.name) out.push({ ...base, field: 'name', action: 'changed', old: before.name, next: after.name })
    const a = withDefaults(p.schema, before.values)
    const b = withDefaults(p.schema, after.values)
    for (const f of p.schema.fields) {
      if (f.secret) {
        if (secretsTyped.includes(f.name)) out.push({ ...base, field: f.name, action: 'changed', secret: true })
      } else if (valueText(a[f.name]) !== valueText(b[f.name]))
        out.push({ ...base, field: f.name, action: 'changed', old: valueText(a[f.name]), next: valueText(b[f.name]) })
    }
    return out
  }

  /** Wrap the engine's save: the same result, with the change log written after a save that stuck. */
  function recordingSave<I extends { id?: string; provider: string; secrets?: Record<string, string> }, O extends { ok: boolean }>(save: (i: I) => Promise<O>) {
    return async (input: I): Promise<O> => {
      const before = input.id ? (await types()).find((t) => t.id === input.id) : undefined
      const r = await save(input)
      const id = (r as { id?: string }).id
      if (r.ok && id) {
        const after = (await types()).find((t) => t.id === id)
        const p = d.providers.get(input.provider)
        if (after && p)
          await record(
            diff(
              p,
              before,
              after,
              Object.entries(input.secrets ?? {})
                .filter(([, v]) => v !== '')
                .map(([k]) => k),
            ),
          )
      }
      return r
    }
  }

  function recordingDelete<O>(del: (id: string) => Promise<O>) {
    return async (id: string): Promise<O> => {
      const before = (await types()).find((t) => t.id === id)
      const r = await del(id)
      if (before) await record([{ paymentTypeId: id, paymentTypeName: before.name, field: 'type', action: 'deleted', old: before.provider }])
      return r
    }
  }

  async function previewFor(ptId: string, text: string) {
    const pt = (await types()).find((t) => t.id === ptId)
    const p = pt && d.providers.get(pt.provider)
    if (!pt || !p) return { pt: undefined, p: undefined, preview: { ok: false as const, message: msg('common.noPaymentType'), errors: [] } }
    return { pt, p, preview: previewConf(p.schema, { values: pt.values, foreign: pt.foreign ?? {}, secretsSet: await secretNames(pt.id) }, text, origin) }
  }

  /** Choosing a file: what would change, the unknown keys, the warnings. Nothing is stored. */
  async function previewImport(
    ptId: string,
    text: string,
  ): Promise<R<{ changes: ConfChange[]; foreign: Record<string, string>; newForeign: string[]; warnings: FieldError[] }>> {
    const { preview } = await previewFor(ptId, text)
    if (!preview.ok) return preview
    return { ok: true, changes: preview.changes, foreign: preview.foreign, newForeign: preview.newForeign, warnings: preview.warnings }
  }

  /** «Применить»: the same preview, merged into the stored type (fields the file does not mention keep their values). */
  async function applyImport(ptId: string, text: string): Promise<R<{ changes: ConfChange[] }>> {
    const { pt, preview } = await previewFor(ptId, text)
    if (!preview.ok || !pt) return preview.ok ? { ok: false, message: msg('common.noPaymentType') } : preview
    await db.transaction('rw', db.settings, db.secrets, async () => {
      const all = await types()
      await db.settings.put({
        key: PAYMENT_TYPES_KEY,
        value: all.map((t) => (t.id === pt.id ? { ...t, values: preview.values, foreign: preview.foreign } : t)),
      })
      for (const [k, v] of Object.entries(preview.secrets)) await db.secrets.put({ key: `${pt.id}:${k}`, value: v })
    })
    await d.refreshSecretValues()
    const base = { paymentTypeId: pt.id, paymentTypeName: pt.name }
    await record(
      preview.changes.map((c) =>
        c.secret
          ? { ...base, field: c.field, action: 'imported' as const, secret: true }
          : { ...base, field: c.field, action: 'imported' as const, old: c.old, next: c.next },
      ),
    )
    if (preview.newForeign.length) log.warn('engine', 'conf import: unknown keys kept', { keys: preview.newForeign })
    log.info('engine', 'conf imported', { paymentType: pt.id, fields: preview.changes.map((c) => c.field) })
    return { ok: true, changes: preview.changes }
  }

  /** «Проверить связь»: the provider's harmless request, told plainly. */
  async function checkConnection(ptId: string): Promise<R<{ verdict: 'ok' | 'refused' | 'unreachable'; message: Msg; detail?: Msg }>> {
    const cfg = await d.loadConfig(ptId)
    if (!cfg.ok) return cfg
    const hook = cfg.provider.checkConnection
    if (!hook) return { ok: false, message: msg('common.notSupported') }
    let r
    try {
      r = await hook(d.probeContext(cfg.pt, cfg.provider, cfg.config))
    } catch (e) {
      r = { verdict: 'unreachable' as const, reason: String(e) }
    }
    await d.refreshSecretValues()
    log.info('engine', 'connection check', { paymentType: ptId, verdict: r.verdict, ...(r.reason ? { reason: r.reason } : {}) })
    const url = (cfg.config as { url?: unknown }).url
    const crossOrigin = typeof url === 'string' && !!origin && /^https?:\/\//i.test(url) && new URL(url).origin !== origin
    const message =
      r.verdict === 'ok'
        ? msg('check.ok')
        : r.verdict === 'refused'
          ? msg('check.refused')
          : crossOrigin
            ? msg('check.unreachableRelay', { url })
            : msg('check.unreachable')
    return { ok: true, verdict: r.verdict, message, ...(r.detail ? { detail: r.detail } : {}) }
  }

  async function changes(): Promise<SettingsChange[]> {
    return ((await db.settings.get(CHANGES_KEY))?.value as SettingsChange[] | undefined) ?? []
  }

  /** The request log's export with the settings change log after it (one JSON object a line). */
  function exportWithChanges(exportLog: () => Promise<string>) {
    return async () => {
      const log = await exportLog()
      const rows = (await changes()).map((c) => JSON.stringify({ source: 'settings', event: 'settings change', ...c }))
      return [log, ...rows].filter((x) => x !== '').join('\n')
    }
  }

  /** The admin PIN's changes go into the change log too (the PIN itself never). */
  function recordingAdminPin<O extends { ok: boolean }>(set: (r: { current: string; next: string }) => Promise<O>) {
    return async (r: { current: string; next: string }): Promise<O> => {
      const was = await d.adminPinSet()
      const out = await set(r)
      if (out.ok) await record([{ field: 'adminPin', action: r.next === '' ? 'removed' : was ? 'changed' : 'set', secret: true }])
      return out
    }
  }

  return {
    recordingAdminPin,
    recordingSave,
    recordingDelete,
    exportWithChanges,
    calls: {
      previewImport,
      applyImport,
      checkConnection,
      settingsChanges: changes,
      /** The supervisor PIN (optional): when set, the journal asks for it before money goes back. */
      supervisorPinSet: supervisor.isSet,
      verifySupervisorPin: (pin: string) => supervisor.verify(pin),
      /**
       * Set or remove (`next` empty) behind the admin PIN, checked here: the page's gate alone let
       * anyone remove it where no admin PIN was set.
       */
      async setSupervisorPin(r: { next: string; adminPin?: string }): Promise<R> {
        if (!(await d.adminPinSet())) return { ok: false, message: msg('supervisor.needAdmin') }
        const admin = await d.verifyAdminPin(r.adminPin ?? '')
        if (!admin.ok) return admin
        const was = await supervisor.isSet()
        const bad = r.next === '' ? undefined : checkPinFormat(r.next)
        if (bad) return { ok: false, message: bad }
        await db.settings.delete(SUPERVISOR_PIN_KEY)
        if (r.next !== '') await supervisor.set('', r.next)
        await db.settings.delete(`${SUPERVISOR_PIN_KEY}.tries`)
        await record([{ field: 'supervisorPin', action: r.next === '' ? 'removed' : was ? 'changed' : 'set', secret: true }])
        return { ok: true }
      },
    },
  }
}

export type SettingsApi = ReturnType<typeof settingsApi>['calls']
