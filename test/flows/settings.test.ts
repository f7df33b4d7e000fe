// Settings' payment-type flow without a browser: what goes to the worker is plain data, a refusal keeps the
// form and says why by field, a delete asks first (and «Нет» sends nothing), a big `.conf` is refused before
// it is read, an import is a preview first, and every worker error lands in the one notice.
import { describe, expect, it } from 'vitest'
import { PaymentTypesFlow, SettingsNotice, type SettingsDeps } from '../../src/app/flows/settings.svelte.ts'
import type { PaymentTypeView } from '../../workers/engine/engine.ts'
import { CONF_MAX_BYTES } from '../../src/domain/conf-merge.ts'

const SCHEMAS: SettingsDeps['schemas'] = {
  oplati: {
    title: 'O!плати (BY)',
    schema: { fileName: 'oplati.conf', fields: [{ name: 'regNum', type: 'string', seedText: '' }] } as never,
  },
  clickpass: {
    title: 'ClickPass (Click Pass)',
    schema: {
      fileName: 'clickpass.conf',
      fields: [
        { name: 'serviceId', type: 'int', default: 1, seedText: '' },
        { name: 'secretKey', type: 'string', secret: true, seedText: '' },
      ],
    } as never,
  },
}

const view = (p: Partial<PaymentTypeView> = {}): PaymentTypeView =>
  ({
    id: 'clickpass-1',
    number: 1,
    name: 'ClickPass',
    provider: 'clickpass',
    values: { serviceId: 42 },
    secretsSet: ['secretKey'],
    missing: [],
    enabled: true,
    capabilities: {},
    payMode: 'customer-qr',
    ...p,
  }) as unknown as PaymentTypeView

function fake(over: Partial<SettingsDeps['engine']> = {}, first: Partial<PaymentTypeView> = {}) {
  const sent: unknown[] = []
  const asked: string[] = []
  const saved: string[] = []
  let answer = true
  let types = [view(first)]
  const engine = {
    listPaymentTypes: async () => types,
    providerStatus: async () => ({ ok: true, status: {} }),
    providerAction: async () => ({ ok: true, message: { key: 'done' } }),
    savePaymentType: async (input: unknown) => {
      // What reaches the worker must survive structuredClone (no Svelte proxy).
      sent.push(structuredClone(input))
      return { ok: true, id: 'clickpass-1' }
    },
    deletePaymentType: async (id: string) => {
      sent.push(`delete ${id}`)
      types = []
      return { ok: true, archived: true }
    },
    previewImport: async () => ({ ok: true, changes: [{ field: 'serviceId', old: '42', next: '43' }], foreign: {}, newForeign: [], warnings: [] }),
    applyImport: async (_id: string, text: string) => (sent.push(`apply ${text}`), { ok: true, changes: [{}] }),
    exportConf: async () => ({ ok: true, fileName: 'clickpass.conf', text: 'serviceId=42\n' }),
    checkConnection: async () => ({ ok: true, verdict: 'ok', message: { key: 'settings.linkOk' } }),
    ...over,
  } as unknown as SettingsDeps['engine']
  const deps: SettingsDeps = {
    engine,
    schemas: SCHEMAS,
    confirm: async (q) => (asked.push(q), answer),
    save: (name) => saved.push(name),
    t: (key, params) => `${key}${params ? JSON.stringify(params) : ''}`,
    grantPort: async () => ({ ok: true, vid: '1234', pid: '5678' }),
    forgetPort: async () => undefined,
  }
  const notice = new SettingsNotice()
  return { flow: new PaymentTypesFlow(deps, notice), notice, engine, sent, asked, saved, no: () => (answer = false) }
}

describe('a payment type', () => {
  it('opens with its values and never a secret; a save sends plain data and says so', async () => {
    const f = fake()
    await f.flow.reload()
    expect(f.flow.form).toEqual({ id: 'clickpass-1', provider: 'clickpass', number: '1', name: 'ClickPass', values: { serviceId: '42' }, secrets: {} })
    f.flow.form!.secrets.secretKey = 'new-secret'
    expect(await f.flow.save()).toBe(true)
    expect(f.sent).toEqual([
      { id: 'clickpass-1', provider: 'clickpass', number: 1, name: 'ClickPass', values: { serviceId: '42' }, secrets: { secretKey: 'new-secret' } },
    ])
    expect(f.notice.notice).toEqual({ text: { key: 'settings.saved', params: { name: 'ClickPass' } }, ok: true })
  })

  it('a refused save keeps the form and shows the errors by field', async () => {
    const f = fake({
      savePaymentType: (async () => ({
        ok: false,
        message: { key: 'config.invalid' },
        errors: [{ field: 'serviceId', message: { key: 'config.notInt' } }],
      })) as never,
    })
    await f.flow.reload()
    f.flow.form!.values.serviceId = 'abc'
    expect(await f.flow.save()).toBe(false)
    expect(f.flow.fieldError('serviceId')?.message).toEqual({ key: 'config.notInt' })
    expect(f.flow.form!.values.serviceId).toBe('abc')
    expect(f.notice.notice).toEqual({ text: { key: 'config.invalid' }, ok: false })
  })

  it('a new type takes the next number and the schema’s defaults', async () => {
    const f = fake()
    await f.flow.reload()
    f.flow.addType('clickpass')
    expect(f.flow.form).toEqual({ provider: 'clickpass', number: '2', name: 'ClickPass', values: { serviceId: '1' }, secrets: {} })
    expect(f.flow.selected).toBeUndefined()
  })

  it('delete asks in the app’s dialog: «Нет» sends nothing; «Да» archives a type with operations and says so', async () => {
    const f = fake()
    await f.flow.reload()
    f.no()
    await f.flow.remove()
    expect(f.asked).toEqual(['settings.deleteConfirm{"name":"ClickPass"}'])
    expect(f.sent).toEqual([])
    const g = fake()
    await g.flow.reload()
    await g.flow.remove()
    expect(g.sent).toEqual(['delete clickpass-1'])
    expect(g.flow.form).toBeUndefined()
    expect(g.notice.notice).toEqual({ text: { key: 'settings.archived', params: { name: 'ClickPass' } }, ok: true })
  })

  it('«Сбросить токен» and an admin action with a confirm ask first', async () => {
    // The token's confirm is the provider's own (its about.ts `token`): O!plati declares one.
    const f = fake({}, { provider: 'oplati' })
    await f.flow.reload()
    f.no()
    await f.flow.resetToken()
    await f.flow.runAction('reactivate', 'sendy.reactivateConfirm')
    expect(f.asked).toEqual(['oplati.resetTokenConfirm', 'sendy.reactivateConfirm'])
    expect(f.notice.notice).toBeUndefined()
  })

  it('an error thrown in the worker is shown, never swallowed, and the page is not left busy', async () => {
    const f = fake({
      checkConnection: (async () => {
        throw new Error('worker gone')
      }) as never,
    })
    await f.flow.reload()
    await f.flow.checkConnection()
    expect(f.notice.notice).toEqual({ text: { key: 'settings.workerError', params: { error: 'worker gone' } }, ok: false })
    expect(f.notice.busy).toBe(false)
  })
})

describe('the buttons while the page reads', () => {
  /** A worker answer the test lets go of when it wants. */
  function held<T>(value: T) {
    let release!: () => void
    const done = new Promise<T>((resolve) => (release = () => resolve(value)))
    return { call: () => done, release }
  }

  it('a refresh the store brings, or a type’s state read, never turns the buttons grey under the admin’s finger', async () => {
    const list = held([view()])
    const status = held({ ok: true, status: {} })
    const f = fake()
    await f.flow.reload()
    Object.assign(f.engine, { listPaymentTypes: list.call, providerStatus: status.call })
    const refreshing = f.flow.refreshManaged()
    const reading = f.flow.loadStatus(view())
    // Both reads are under way: «Проверить связь», «Сохранить» and the rest still take a press.
    expect(f.notice.busy).toBe(false)
    list.release()
    status.release()
    await Promise.all([refreshing, reading])
    expect(f.notice.busy).toBe(false)
  })

  it('two actions at once keep the page busy until the second one ends', async () => {
    const first = held({ ok: true, verdict: 'ok', message: { key: 'settings.linkOk' } })
    const second = held({ ok: true, message: { key: 'done' } })
    const f = fake({ checkConnection: first.call as never, providerAction: second.call as never })
    await f.flow.reload()
    const checking = f.flow.checkConnection()
    const acting = f.flow.runAction('drain')
    expect(f.notice.busy).toBe(true)
    first.release()
    await checking
    expect(f.notice.busy).toBe(true)
    second.release()
    await acting
    expect(f.notice.busy).toBe(false)
  })
})

describe('the .conf file', () => {
  const file = (text: string, size = text.length) => ({ name: 'clickpass.conf', size, text: async () => text })

  it('a file too big is refused before it is read', async () => {
    const f = fake()
    await f.flow.reload()
    let read = false
    await f.flow.importFile({ name: 'big.conf', size: CONF_MAX_BYTES + 1, text: async () => ((read = true), '') })
    expect(read).toBe(false)
    expect(f.notice.notice?.text.key).toBe('conf.tooBig')
    expect(f.flow.preview).toBeUndefined()
  })

  it('an import is a preview first; «Применить» merges it and says how many fields changed', async () => {
    const f = fake()
    await f.flow.reload()
    await f.flow.importFile(file('serviceId=43\n'))
    expect(f.flow.preview).toMatchObject({ file: 'clickpass.conf', changes: [{ field: 'serviceId', next: '43' }] })
    expect(f.sent).toEqual([])
    await f.flow.applyImport()
    expect(f.sent).toEqual(['apply serviceId=43\n'])
    expect(f.flow.preview).toBeUndefined()
    expect(f.notice.notice).toEqual({ text: { key: 'conf.applied', params: { count: 1 } }, ok: true })
  })

  it('the export saves the module’s own file name; the buttons say its extension', async () => {
    const f = fake()
    await f.flow.reload()
    await f.flow.exportFile()
    expect(f.saved).toEqual(['clickpass.conf'])
    expect(f.flow.fileExt).toBe('.conf')
  })
})
