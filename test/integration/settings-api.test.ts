// The engine side of Settings: «Проверить связь» per provider, the import merge, the change log,
// and the PIN lockout kept in IndexedDB (a second engine on the same database — a reload or another tab).
import { afterEach, describe, expect, it } from 'vitest'
import { harness, SECRET, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

describe('«Проверить связь»', () => {
  for (const provider of ['clickpass', 'payme', 'oplati'] as const) {
    it(`${provider}: accepted, then refused with a wrong credential, then not reachable`, async () => {
      h = await harness({ provider, ...(provider === 'oplati' ? { secrets: {} } : {}) })
      const id = (await h.engine.listPaymentTypes())[0]!.id
      expect(await h.engine.checkConnection(id)).toMatchObject({ ok: true, verdict: 'ok', message: { key: 'check.ok' } })
      const routes = await h.routes()
      // One harmless request (O!plati: its token first), never a payment.
      expect(routes.filter((r) => /pay|payment|create|reversal|cancel/i.test(r) && !/report/i.test(r))).toEqual([])

      const t = (await h.engine.listPaymentTypes())[0]!
      const values = Object.fromEntries(
        Object.entries(t.values)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, String(v)]),
      )
      if (provider === 'oplati') await h.sb.control('oplati', 'cabinet/reset-token', { regNum: 'OPL000011111' }, 'POST').catch(() => undefined)
      if (provider === 'clickpass')
        await h.engine.savePaymentType({ id, provider, number: t.number, name: t.name, values, secrets: { secretKey: 'wrong-key' } })
      if (provider === 'payme') await h.engine.savePaymentType({ id, provider, number: t.number, name: t.name, values, secrets: { posKey: 'wrong-key' } })
      if (provider === 'oplati')
        await h.engine.savePaymentType({ id, provider, number: t.number, name: t.name, values, secrets: { password: 'wrong-password' } })
      expect(await h.engine.checkConnection(id)).toMatchObject({ ok: true, verdict: 'refused', message: { key: 'check.refused' } })

      await h.engine.savePaymentType({ id, provider, number: t.number, name: t.name, values: { ...values, url: 'http://127.0.0.1:9/nothing', timeout: '1' } })
      expect(await h.engine.checkConnection(id)).toMatchObject({ ok: true, verdict: 'unreachable' })
      // The log shows the checks; the secret never.
      expect(await h.engine.exportLog()).not.toContain(SECRET)
    })
  }
})

describe('import merge and the change log', () => {
  it('keeps what the file does not mention, records each field old → new, and a secret only as changed', async () => {
    h = await harness({ values: { cashboxCode: 'KASSA-7' } })
    const before = await h.engine.previewImport('click', '[Main]\ntimeout = 7\nsecretKey = NewSecret-123\nlegacyKey = 5\n')
    expect(before).toMatchObject({
      ok: true,
      changes: [
        { field: 'timeout', old: '1', next: '7' },
        { field: 'secretKey', secret: true },
      ],
      newForeign: ['legacyKey'],
    })
    // A preview stores nothing.
    expect((await h.engine.listPaymentTypes())[0]!.values.timeout).toBe(1)
    expect(await h.engine.applyImport('click', '[Main]\ntimeout = 7\nsecretKey = NewSecret-123\nlegacyKey = 5\n')).toMatchObject({ ok: true })
    const t = (await h.engine.listPaymentTypes())[0]!
    expect(t.values).toMatchObject({ timeout: 7, cashboxCode: 'KASSA-7', serviceId: 85335 })
    const exported = await h.engine.exportConf('click')
    expect(exported.ok && exported.text).toMatch(/^legacyKey = 5$/m)
    expect(exported.ok && exported.text).not.toContain('NewSecret-123')

    const changes = await h.engine.settingsChanges()
    expect(changes.slice(-2)).toEqual([
      expect.objectContaining({ paymentTypeId: 'click', field: 'timeout', action: 'imported', old: '1', next: '7', by: 'open' }),
      expect.objectContaining({ paymentTypeId: 'click', field: 'secretKey', action: 'imported', secret: true }),
    ])
    await h.engine.setAdminPin({ current: '', next: '2468' })
    await h.engine.savePaymentType({
      id: 'click',
      provider: 'clickpass',
      number: 1,
      name: 'Click 2',
      values: { url: t.values.url as string, serviceId: '85335', merchantUserId: '123', timeout: '7' },
      secrets: { secretKey: 'Another-Secret-9' },
    })
    const last = (await h.engine.settingsChanges()).slice(-3)
    expect(last.map((c) => [c.field, c.action, c.by])).toEqual([
      ['name', 'changed', 'admin'],
      ['secretKey', 'changed', 'admin'],
      ['cashboxCode', 'changed', 'admin'],
    ])
    const log = await h.engine.exportLog()
    expect(log).toContain('"event":"settings change"')
    expect(log).toContain('"field":"adminPin"')
    for (const s of ['NewSecret-123', 'Another-Secret-9', '2468', SECRET]) expect(log).not.toContain(s)
  })
})

it('the one-step importConf merges too: a field the file does not mention keeps its value', async () => {
  h = await harness({ values: { cashboxCode: 'KASSA-9' } })
  expect(await h.engine.importConf('click', '[Main]\ntimeout = 4\nodd = 1\n')).toMatchObject({ ok: true })
  expect((await h.engine.listPaymentTypes())[0]!.values).toMatchObject({ timeout: 4, cashboxCode: 'KASSA-9' })
  const out = await h.engine.exportConf('click')
  expect(out.ok && out.text).toMatch(/^odd = 1$/m)
})

describe('the PIN lockout lives in IndexedDB', () => {
  it('five wrong tries lock a second engine on the same database too (a reload, another tab)', async () => {
    h = await harness()
    await h.engine.setAdminPin({ current: '', next: '1111' })
    for (let i = 0; i < 4; i++) expect(await h.engine.verifyAdminPin('9999')).toMatchObject({ ok: false, message: { key: 'pin.wrong' } })
    expect(await h.engine.verifyAdminPin('9999')).toMatchObject({ ok: false, message: { key: 'pin.wrongLocked', params: { seconds: 30 } } })
    const other = h.makeEngine()
    expect(await other.verifyAdminPin('1111')).toMatchObject({ ok: false, message: { key: 'pin.locked' } })
    await h.clock.advance(30_000)
    expect(await other.verifyAdminPin('1111')).toEqual({ ok: true })
    // A right PIN clears the count for every tab.
    expect(await h.engine.verifyAdminPin('9999')).toMatchObject({ message: { key: 'pin.wrong' } })
  })

  it('the supervisor PIN has its own lockout and is set or removed from Settings behind the admin PIN', async () => {
    h = await harness()
    // With no admin PIN nobody can set (or later remove) it; with one, only behind it.
    expect(await h.engine.setSupervisorPin({ next: '5555' })).toMatchObject({ ok: false, message: { key: 'supervisor.needAdmin' } })
    await h.engine.setAdminPin({ current: '', next: '2468' })
    expect(await h.engine.setSupervisorPin({ next: '12', adminPin: '2468' })).toMatchObject({ ok: false, message: { key: 'pin.format' } })
    expect(await h.engine.supervisorPinSet()).toBe(false)
    expect(await h.engine.setSupervisorPin({ next: '5555', adminPin: '2468' })).toEqual({ ok: true })
    for (let i = 0; i < 5; i++) await h.engine.verifySupervisorPin('0000')
    expect(await h.engine.verifySupervisorPin('5555')).toMatchObject({ ok: false, message: { key: 'pin.locked' } })
    expect(await h.engine.verifyAdminPin('2468')).toEqual({ ok: true })
    expect(await h.engine.setSupervisorPin({ next: '', adminPin: '1357' })).toMatchObject({ ok: false, message: { key: 'pin.wrong' } })
    expect(await h.engine.supervisorPinSet()).toBe(true)
    expect(await h.engine.setSupervisorPin({ next: '', adminPin: '2468' })).toEqual({ ok: true })
    expect(await h.engine.supervisorPinSet()).toBe(false)
  })
})
