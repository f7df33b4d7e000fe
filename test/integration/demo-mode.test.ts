// Demo is a mode: a production engine starts with no payment types and refuses a payment type bound to an
// emulator; a demo engine seeds the demo types it is handed, and they run.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { createProviders, PROVIDERS } from '../../workers/providers/registry.ts'
import { demo } from '../../sandbox/demo/worker.ts'

let seq = 0
function engine(mode: 'production' | 'demo') {
  const db = new PaydeskDb(`paydesk-demo-mode-${++seq}`, { indexedDB: new IDBFactory(), IDBKeyRange })
  return createEngine({
    db,
    fetch: () => Promise.reject(new Error('no network in this test')),
    clock: realClock,
    locks: memoryLocks(),
    providers: mode === 'demo' ? createProviders({ emulatedSerial: demo.emulatedSerial }) : PROVIDERS,
    timers: false,
    emulators: mode === 'demo' ? 'allow' : 'refuse',
    ...(mode === 'demo' ? { demo: { paymentTypes: demo.paymentTypes } } : {}),
  })
}

describe('production engine', () => {
  it('starts with no payment types', async () => {
    const e = engine('production')
    await e.start()
    expect(await e.listPaymentTypes()).toEqual([])
  })

  it('refuses to save a payment type bound to the pin-pad emulator or to a sandbox url, and saves a real one', async () => {
    const e = engine('production')
    await e.start()
    const inpas = await e.savePaymentType({ number: 1, name: 'Inpas', provider: 'inpas-sbp', values: { transport: 'sandbox', id: '99000001' } })
    expect(inpas).toMatchObject({ ok: false, message: { key: 'common.emulatorOnly' } })
    const click = await e.savePaymentType({
      number: 2,
      name: 'Click',
      provider: 'clickpass',
      values: { url: '/sandbox/clickpass', serviceId: '1', merchantUserId: '2' },
      secrets: { secretKey: 'k' },
    })
    expect(click).toMatchObject({ ok: false, message: { key: 'common.emulatorOnly' } })
    expect(await e.listPaymentTypes()).toEqual([])
    const real = await e.savePaymentType({ number: 3, name: 'Inpas', provider: 'inpas-sbp', values: { transport: 'serial', id: '99000001' } })
    expect(real).toMatchObject({ ok: true })
    expect((await e.listPaymentTypes()).map((t) => [t.name, t.enabled])).toEqual([['Inpas', true]])
  })

  it('a demo type already stored (a demo database opened by a production build) is disabled and never pays', async () => {
    const name = `paydesk-demo-mode-shared-${++seq}`
    const idb = new IDBFactory()
    const make = (mode: 'production' | 'demo') =>
      createEngine({
        db: new PaydeskDb(name, { indexedDB: idb, IDBKeyRange }),
        fetch: () => Promise.reject(new Error('no network in this test')),
        clock: realClock,
        locks: memoryLocks(),
        providers: PROVIDERS,
        timers: false,
        emulators: mode === 'demo' ? 'allow' : 'refuse',
        ...(mode === 'demo' ? { demo: { paymentTypes: demo.paymentTypes } } : {}),
      })
    await make('demo').start()
    const prod = make('production')
    await prod.start()
    const types = await prod.listPaymentTypes()
    expect(types.length).toBe(5)
    for (const t of types) expect(t).toMatchObject({ enabled: false, reason: { key: 'common.emulatorOnly' } })
    const inpas = types.find((t) => t.payMode === 'pinpad')!
    const r = await prod.pay({ paymentTypeId: inpas.id, amount: 500_000, code: '', method: 'card' })
    expect(r).toMatchObject({ ok: false, message: { key: 'common.emulatorOnly' } })
    const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
    expect(await db.operations.count()).toBe(0)
  })
})

describe('demo engine', () => {
  it('seeds the demo payment types, enabled, with their secrets set', async () => {
    const e = engine('demo')
    await e.start()
    const types = await e.listPaymentTypes()
    expect(types.map((t) => [t.name, t.enabled])).toEqual([
      ['ClickPass', true],
      ['PaymeGO', true],
      ['O!плати', true],
      // Sendy takes payments once activated in Settings with a code from the sandbox's personal account.
      ['Sendy', false],
      ['Inpas SmartSale', true],
    ])
    expect(types.find((t) => t.provider === 'payme')?.secretsSet).toEqual(['posKey'])
  })
})
