// Settings' flow, apart from its cards: the one notice every action answers in, the worker call that
// never swallows an error, and the payment types — the list, the form with the module's parameters,
// save and delete (archived when it has operations), the `.conf` import (preview, then «Применить») and
// export, «Проверить связь», the provider's state and admin actions, the pin-pad port. Anything sent to
// the worker is plain data (`$state.snapshot`), never a Svelte proxy. Its dependencies come in, so a
// test runs it without a browser or a worker.
import type { Api } from '../../../workers/payment.worker.ts'
import type { PaymentTypeView } from '../../../workers/engine/engine.ts'
import type { DeviceAbout, ProviderAbout } from '../../../workers/providers/types.ts'
import { deviceOf, tokenOf } from '../devices.ts'
import type { FieldError } from '../../domain/config.ts'
import { CONF_MAX_BYTES, type ConfChange } from '../../domain/conf-merge.ts'
import type { Msg } from '../../domain/messages.ts'

type PortResult = { ok: true; vid: string; pid: string } | { ok: false; message: Msg }

export interface SettingsDeps {
  engine: Pick<
    Api,
    | 'listPaymentTypes'
    | 'providerStatus'
    | 'providerAction'
    | 'savePaymentType'
    | 'deletePaymentType'
    | 'previewImport'
    | 'applyImport'
    | 'exportConf'
    | 'checkConnection'
  >
  /** The providers the page knows by folder (`workers/providers/catalog.ts`). */
  schemas: Readonly<Record<string, Pick<ProviderAbout, 'title' | 'schema'>>>
  /** The app's own yes/no dialog. */
  confirm: (question: string, opts?: { yes?: string; danger?: boolean }) => Promise<boolean>
  /** Save a file for the admin. */
  save: (name: string, text: string) => void
  t: (key: string, params?: Record<string, string | number>) => string
  /** The pin-pad's serial port: grant once (the admin's click), or forget. */
  grantPort: (vid: string | undefined, pid: string | undefined, texts: { unsupported: string; notChosen: string }) => Promise<PortResult>
  forgetPort: (vid: string | undefined, pid: string | undefined) => Promise<unknown>
}

export interface TypeForm {
  id?: string
  provider: string
  number: string
  name: string
  values: Record<string, string>
  secrets: Record<string, string>
}

export interface ConfPreview {
  file: string
  text: string
  changes: ConfChange[]
  foreign: Record<string, string>
  newForeign: string[]
  warnings: FieldError[]
}

const text = (v: unknown) => (v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v))

/**
 * The answer every Settings action gives, and the one worker call they all go through. An action (a button the
 * admin pressed) makes the page busy until it ends, so its buttons wait; a read the page makes by itself (the list,
 * a type's state, a refresh the store's configuration brings) never does: a button that went grey under the admin's
 * finger for a background read swallowed the press.
 */
export class SettingsNotice {
  notice = $state<{ text: Msg; ok: boolean; detail?: Msg } | undefined>()
  /** Actions under way: two at once keep the page busy until both end. */
  #running = $state(0)

  get busy(): boolean {
    return this.#running > 0
  }

  say = (t: Msg, ok: boolean, detail?: Msg): void => {
    this.notice = { text: t, ok, ...(detail ? { detail } : {}) }
  }

  clear = (): void => {
    this.notice = undefined
  }

  /** An action's worker call: the page is busy until it ends; an error from the worker is shown, never swallowed. */
  call = async <F extends () => unknown>(run: F): Promise<Awaited<ReturnType<F>> | undefined> => {
    this.#running++
    try {
      return await this.read(run)
    } finally {
      this.#running--
    }
  }

  /** A read the page makes by itself: its error is shown like an action's, and no button waits for it. */
  read = async <F extends () => unknown>(run: F): Promise<Awaited<ReturnType<F>> | undefined> => {
    try {
      return (await run()) as Awaited<ReturnType<F>>
    } catch (e) {
      this.say({ key: 'settings.workerError', params: { error: e instanceof Error ? e.message : String(e) } }, false)
      return undefined
    }
  }
}

export class PaymentTypesFlow {
  types = $state.raw<PaymentTypeView[]>([])
  selected = $state<string | undefined>()
  form = $state<TypeForm | undefined>()
  errors = $state.raw<FieldError[]>([])
  preview = $state.raw<ConfPreview | undefined>()
  /** Provider state an admin looks after (O!plati: the stored token, the `token.conf` equivalent). */
  providerStatus = $state.raw<Record<string, string | boolean> | undefined>()
  /** Admin actions that declare their inputs, rendered generically: labelled fields above the button. */
  actionInputs = $state<Record<string, string>>({})
  actionBusy = $state(false)

  readonly notice: SettingsNotice
  readonly #d: SettingsDeps
  constructor(deps: SettingsDeps, notice: SettingsNotice = new SettingsNotice()) {
    this.#d = deps
    this.notice = notice
  }

  get current(): PaymentTypeView | undefined {
    return this.types.find((t) => t.id === this.selected)
  }
  /** A type the store manages: read-only here but for this till's own fields, labelled with the store's version. */
  get managed(): PaymentTypeView['managed'] {
    return this.form?.id ? this.current?.managed : undefined
  }
  /** The device its provider declares (about.ts `device`): its port is granted here. */
  get device(): DeviceAbout | undefined {
    return deviceOf(this.current)
  }
  fieldError = (name: string): FieldError | undefined => this.errors.find((e) => e.field === name)

  async reload(keep?: string): Promise<void> {
    const list = await this.notice.read(() => this.#d.engine.listPaymentTypes())
    if (!list) return
    this.types = list
    const id = keep ?? this.selected ?? list[0]?.id
    const t = list.find((x) => x.id === id)
    if (t) this.edit(t, false)
  }

  /** The store's config was applied: the list refreshes, and an open store-managed type shows the store's values. */
  async refreshManaged(): Promise<void> {
    const list = await this.notice.read(() => this.#d.engine.listPaymentTypes())
    if (!list) return
    this.types = list
    const t = list.find((x) => x.id === this.selected)
    if (t?.managed) this.edit(t, false)
  }

  async loadStatus(t: PaymentTypeView): Promise<void> {
    this.providerStatus = undefined
    // A complete type that is stopped (Inpas: another terminal ID) still shows its state.
    if (t.missing.length) return
    const r = await this.notice.read(() => this.#d.engine.providerStatus(t.id))
    if (r?.ok && this.selected === t.id) this.providerStatus = r.status
  }

  edit(t: PaymentTypeView, clearNotice = true): void {
    this.selected = t.id
    void this.loadStatus(t)
    this.errors = []
    this.preview = undefined
    if (clearNotice) this.notice.clear()
    const schema = this.#d.schemas[t.provider]!.schema
    this.form = {
      id: t.id,
      provider: t.provider,
      number: String(t.number),
      name: t.name,
      values: Object.fromEntries(schema.fields.filter((f) => !f.secret).map((f) => [f.name, text(t.values[f.name])])),
      secrets: {},
    }
  }

  addType(provider: string): void {
    const about = this.#d.schemas[provider]!
    this.selected = undefined
    this.errors = []
    this.preview = undefined
    this.notice.clear()
    this.providerStatus = undefined
    this.form = {
      provider,
      number: String(Math.max(0, ...this.types.map((t) => t.number)) + 1),
      name: about.title.split(' ')[0]!,
      values: Object.fromEntries(about.schema.fields.filter((f) => !f.secret).map((f) => [f.name, text(f.default)])),
      secrets: {},
    }
  }

  async save(): Promise<boolean> {
    if (!this.form) return false
    // Plain data only: a Svelte state proxy cannot cross to the worker (DataCloneError).
    const f = $state.snapshot(this.form)
    const r = await this.notice.call(() =>
      this.#d.engine.savePaymentType({
        ...(f.id ? { id: f.id } : {}),
        provider: f.provider,
        number: Number(f.number),
        name: f.name,
        values: f.values,
        secrets: f.secrets,
      }),
    )
    if (!r) return false
    if (!r.ok) {
      this.errors = (r as { errors?: FieldError[] }).errors ?? []
      this.notice.say(r.message, false)
      return false
    }
    this.errors = []
    await this.reload(r.id)
    this.notice.say({ key: f.id ? 'settings.saved' : 'settings.typeAdded', params: { name: f.name } }, true)
    return true
  }

  async remove(): Promise<void> {
    const f = this.form && $state.snapshot(this.form)
    // The confirm says that a type with operations is archived, not deleted.
    if (!f?.id || !(await this.#d.confirm(this.#d.t('settings.deleteConfirm', { name: f.name }), { danger: true }))) return
    const id = f.id
    const r = await this.notice.call(() => this.#d.engine.deletePaymentType(id))
    if (!r) return
    this.selected = undefined
    this.form = undefined
    await this.reload()
    this.notice.say({ key: r.ok && r.archived ? 'settings.archived' : 'settings.deleted', params: { name: f.name } }, r.ok)
  }

  // ---- .conf import: preview, then «Применить» ------------------------------------------------

  async importFile(file: { name: string; size: number; text(): Promise<string> } | undefined): Promise<void> {
    const id = this.form?.id
    if (!file || !id) return
    this.preview = undefined
    this.errors = []
    // Refused before reading: a big file is not a `.conf`, and the till must not freeze on it.
    if (file.size > CONF_MAX_BYTES) {
      this.notice.say({ key: 'conf.tooBig', params: { kb: Math.ceil(file.size / 1024), max: CONF_MAX_BYTES / 1024 } }, false)
      return
    }
    const body = await file.text()
    const r = await this.notice.call(() => this.#d.engine.previewImport(id, body))
    if (!r) return
    if (!r.ok) {
      this.errors = r.errors ?? []
      this.notice.say(r.message, false)
      return
    }
    this.notice.clear()
    this.preview = { file: file.name, text: body, changes: r.changes, foreign: r.foreign, newForeign: r.newForeign, warnings: r.warnings }
  }

  async applyImport(): Promise<void> {
    const id = this.form?.id
    const p = this.preview
    if (!id || !p) return
    const r = await this.notice.call(() => this.#d.engine.applyImport(id, p.text))
    if (!r) return
    if (!r.ok) {
      this.errors = r.errors ?? []
      this.notice.say(r.message, false)
      return
    }
    this.preview = undefined
    await this.reload(id)
    this.notice.say({ key: 'conf.applied', params: { count: r.changes.length } }, true)
  }

  cancelImport(): void {
    this.preview = undefined
  }

  async exportFile(): Promise<void> {
    const id = this.form?.id
    if (!id) return
    const r = await this.notice.call(() => this.#d.engine.exportConf(id))
    if (!r) return
    if (!r.ok) return this.notice.say(r.message, false)
    this.#d.save(r.fileName, r.text)
    this.notice.say({ key: 'settings.fileSaved', params: { file: r.fileName } }, true)
  }

  /** `.conf` or `.json`: what the import and export buttons say (Sendy's file is JSON). */
  get fileExt(): string {
    return (this.current?.fileName?.match(/\.[a-z0-9]+$/i)?.[0] ?? '.conf').toLowerCase()
  }

  // ---- the provider: connection, state, admin actions ---------------------------------------------

  async checkConnection(): Promise<void> {
    const id = this.selected
    if (!id) return
    this.notice.clear()
    const r = await this.notice.call(() => this.#d.engine.checkConnection(id))
    if (!r) return
    if (!r.ok) return this.notice.say(r.message, false)
    this.notice.say(r.message, r.verdict === 'ok', r.detail)
    // The check may lift a stop (Inpas: the right pin-pad answered): the list says so at once.
    await this.reload(id)
  }

  async resetToken(): Promise<void> {
    const id = this.selected
    const token = tokenOf(this.types.find((x) => x.id === id))
    if (!id || !token || !(await this.#d.confirm(this.#d.t(token.confirm), { danger: true }))) return
    const r = await this.notice.call(() => this.#d.engine.providerAction(id, 'resetToken'))
    if (r) this.notice.say(r.message, r.ok)
    const t = this.types.find((x) => x.id === id)
    if (t) await this.loadStatus(t)
  }

  async runAction(name: string, confirmKey?: string): Promise<void> {
    const id = this.selected
    if (!id) return
    if (confirmKey && !(await this.#d.confirm(this.#d.t(confirmKey)))) return
    this.actionBusy = true
    const inputs = $state.snapshot(this.actionInputs)
    const r = await this.notice.call(() => this.#d.engine.providerAction(id, name, inputs))
    if (!r) {
      this.actionBusy = false
      return
    }
    this.actionInputs = {}
    // The form is reloaded before the verdict shows: an admin who edits a field once the notice appears
    // must not have the edit wiped by a reload landing after it (a flaky Sendy offline save did exactly that).
    await this.reload(this.selected)
    this.actionBusy = false
    this.notice.notice = { text: r.message, ok: r.ok }
  }

  /** The provider's stored notice for the admin (Inpas: another terminal ID answered). */
  get storedNotice(): Msg | undefined {
    const s = this.providerStatus
    if (!this.form?.id || typeof s?.notice !== 'string') return undefined
    let params: Record<string, string | number> | undefined
    try {
      params = typeof s.noticeParams === 'string' ? (JSON.parse(s.noticeParams) as Record<string, string | number>) : undefined
    } catch {
      params = undefined
    }
    return { key: s.notice, ...(params ? { params } : {}) }
  }

  // ---- pin-pad port (a type that pays on a pin-pad): grant once, or forget ----------------------

  async choosePort(): Promise<void> {
    if (!this.form) return
    const { usbVendorId: vid, usbProductId: pid } = this.form.values
    const texts = this.device?.port
    if (!texts) return
    const r = await this.#d.grantPort(vid, pid, texts)
    if (!r.ok) return this.notice.say(r.message, false)
    this.form.values.usbVendorId = r.vid
    this.form.values.usbProductId = r.pid
    if (await this.save()) this.notice.say({ key: texts.chosen, params: { vid: r.vid || '—', pid: r.pid || '—' } }, true)
  }

  async dropPort(): Promise<void> {
    if (!this.form) return
    await this.#d.forgetPort(this.form.values.usbVendorId, this.form.values.usbProductId)
    this.form.values.usbVendorId = ''
    this.form.values.usbProductId = ''
    if (await this.save()) this.notice.say({ key: 'port.forgotten' }, true)
  }
}
