// Nothing crosses the worker boundary that cannot be cloned. Every engine method the UI calls is
// called here with the argument shapes the UI builds, through a wrapper that does what postMessage does —
// `structuredClone` of the arguments on the way in and of the result on the way out. A Svelte state proxy
// (the DataCloneError Settings once met) fails this clone exactly as it fails postMessage.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import type { Engine } from '../../workers/engine/engine.ts'

let h: Harness
afterEach(async () => h?.close())

/** The engine as the page sees it over Comlink: arguments and results cloned, like postMessage. */
function overTheBoundary(engine: Engine, used: Set<string>): Engine {
  return new Proxy(engine, {
    get(target, key: string) {
      const fn = (target as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[key]
      if (typeof fn !== 'function') return fn
      return async (...args: unknown[]) => {
        used.add(key)
        return structuredClone(await fn(...structuredClone(args)))
      }
    },
  })
}

/** Every `engine.x(` the UI source calls. */
function uiMethods(): string[] {
  const dir = new URL('../../src/app/', import.meta.url).pathname
  const names = new Set<string>()
  for (const f of readdirSync(dir)) {
    if (!/\.(svelte|ts)$/.test(f)) continue
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\bengine\.(\w+)\(/g)) names.add(m[1]!)
  }
  return [...names].sort()
}

it('a Svelte-like proxy is refused by the clone, as postMessage refuses it', () => {
  const form = new Proxy({ values: { timeout: '12' } }, {})
  expect(() => structuredClone(form)).toThrow(/could not be cloned/)
})

it('every engine method the UI uses takes and returns plain data', async () => {
  h = await harness()
  const used = new Set<string>()
  const e = overTheBoundary(h.engine, used)

  // Settings: the shapes Settings.svelte builds from `$state.snapshot(form)`.
  const form = {
    id: 'click',
    provider: 'clickpass',
    number: '1',
    name: 'ClickPass',
    values: {
      timeout: '12',
      url: `${h.sb.url}/sandbox/clickpass`,
      serviceId: '85335',
      merchantUserId: '123',
      confirmMode: 'true',
      paymentProvider: '64',
      cashboxCode: '',
    },
    secrets: {} as Record<string, string>,
  }
  expect(
    await e.savePaymentType({ id: form.id, provider: form.provider, number: Number(form.number), name: form.name, values: form.values, secrets: form.secrets }),
  ).toMatchObject({ ok: true })
  const types = await e.listPaymentTypes()
  expect(types[0]?.values.timeout).toBe(12)
  expect(await e.providerStatus('click')).toMatchObject({ ok: true })
  expect(await e.providerAction('click', 'resetToken')).toMatchObject({ ok: false })
  expect(await e.checkConnection('click')).toMatchObject({ ok: true, verdict: 'ok' })
  expect(await e.previewImport('click', '[Main]\ntimeout = 9\n')).toMatchObject({ ok: true, changes: [{ field: 'timeout', old: '12', next: '9' }] })
  expect(await e.applyImport('click', '[Main]\ntimeout = 9\n')).toMatchObject({ ok: true })
  expect(await e.exportConf('click')).toMatchObject({ ok: true, fileName: 'clickpass.conf' })
  expect(await e.drainQueue()).toMatchObject({ ok: true })
  // The status bar and Settings ask the engine for the queue (they never read its table).
  expect(await e.queueStatus()).toMatchObject({ length: 0, entries: [] })
  expect(typeof (await e.exportLog())).toBe('string')
  expect(await e.adminPinSet()).toBe(false)
  expect(await e.setAdminPin({ current: '', next: '1234' })).toEqual({ ok: true })
  expect(await e.verifyAdminPin('1234')).toEqual({ ok: true })
  expect(await e.supervisorPinSet()).toBe(false)
  expect(await e.setSupervisorPin({ next: '5678', adminPin: '1234' })).toEqual({ ok: true })
  expect(await e.verifySupervisorPin('5678')).toEqual({ ok: true })
  // the kiosk's start and exit, the PIN money going back needs, a host request's earlier operation.
  expect(await e.kioskStart()).toEqual({ ok: true })
  expect(await e.verifyKioskExit('1234')).toEqual({ ok: true })
  expect(await e.reversalGuard()).toBe('supervisor')
  expect(await e.verifyReversalPin('5678')).toEqual({ ok: true })
  expect(await e.hostRequestOperation('["x"]')).toBeUndefined()

  // The till: Sale.svelte's pay and loyalty shapes, and «Прекратить ожидание».
  const code = await h.token()
  const paid = await e.pay({
    paymentTypeId: 'click',
    amount: 150050,
    code,
    scannedAt: h.clock.now(),
    order: 'R-1',
    items: [{ title: 'Non', price: 150050, count: 1 }],
  })
  expect(paid).toMatchObject({ ok: true })
  const op = paid.ok ? paid.op : undefined
  await h.engine.settled()
  expect(await e.stopWaiting(op!.id)).toEqual({ ok: true })
  expect(await e.addLoyaltyCard({ paymentTypeId: 'click', code: '123', scannedAt: h.clock.now() })).toMatchObject({ ok: false })

  // The journal: reverse, check status, reconcile, void, export.
  expect(await e.checkStatus({ opId: op!.id })).toMatchObject({ ok: false })
  expect(await e.reconcile({ paymentTypeId: 'click' })).toMatchObject({ ok: false })
  expect(await e.voidOrder({ order: 'R-1' })).toBeDefined()
  expect(await e.reverse({ opId: op!.id, kind: 'cancel' })).toBeDefined()
  expect(typeof (await e.exportJournal())).toBe('string')
  expect(await e.online()).toEqual({ ok: true })

  // The shift and its reports: ShiftPanel.svelte's shapes.
  expect(await e.setCashier('Анна')).toMatchObject({ ok: true })
  expect(await e.xReport({ withOps: true })).toMatchObject({ ok: true })
  expect(await e.closeDay({ force: true })).toMatchObject({ ok: true })
  expect(await e.shiftReport({ shift: 1, withOps: false })).toBeDefined()
  expect(await e.shiftReport({ from: h.clock.now() - 86_400_000, to: h.clock.now(), withOps: true })).toMatchObject({ ok: true })

  // The host POS contract: host.ts and HostOrigins.svelte's shapes.
  expect(await e.setHostOrigins('http://127.0.0.1:9000')).toMatchObject({ ok: true })
  expect(await e.hostOrigins()).toEqual(['http://127.0.0.1:9000'])
  expect(await e.registerHostOrder({ order: 'H-1', amount: 150000, origin: 'http://127.0.0.1:9000' })).toMatchObject({ ok: true })
  expect(Array.isArray(await e.orderOperations('R-1'))).toBe(true)
  await e.hostRefused('http://evil.example', 'origin not allowed (paydesk.pay)')
  // The self-checkout's staff text, kept in the log (what the customer was not shown).
  expect(await e.noteForStaff({ text: 'Токен уже существует', key: 'oplati.tokenExists', order: 'A-1' })).toEqual({ ok: true })

  expect(await e.deletePaymentType('click')).toEqual({ ok: true, archived: true })

  // The store link: StoreLink.svelte's shapes (no store listens on port 1; this till has none to leave).
  expect(await e.enrolStore({ address: 'http://127.0.0.1:1', code: 'ABCDEFGHJK' })).toMatchObject({ ok: false })
  expect(await e.unenrolStore()).toMatchObject({ ok: false })

  // A method the UI starts calling must be added here.
  expect(uiMethods().filter((m) => !used.has(m))).toEqual([])
})
