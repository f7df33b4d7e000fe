// Sendy online: a sale whose `online` request never arrived keeps its number N in the journal,
// and the next sale — in another tab, or on another till on the same terminal — takes N from the server's
// counters and is paid. Recovering the first sale must never reverse by N: it never got a QR, so it is a
// lost request (our own order decides), not a poll whose window ends in a reverse by number.
import { afterEach, expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { harness, type Harness } from '../support/engine.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { createEngine, type Engine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { isFinal, type Operation } from '../../src/domain/operation.ts'

let h: Harness
const others: Engine[] = []
afterEach(async () => {
  for (const e of others.splice(0)) e.stop()
  await h?.close()
})

interface SbPayment {
  transactionNumber: number
  tradeState: string
  orderId?: string
}
const sbPayments = async () => ((await h.sb.state('sendy')) as { payments: SbPayment[] }).payments
const act = (body: Record<string, unknown>) => h.sb.control('sendy', 'customer/act', body)
const cabinetCode = async () => ((await h.sb.control('sendy', 'cabinet/activation-code', { terminalId: 'T0001' })) as { code: string }).code

/** The crashed tab: its `online` request never leaves (the renderer died as it was sent). */
const onlineNeverLeaves = (source: string, log: Logger): Http => {
  const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
  return { send: (req) => (req.route === 'online' ? new Promise<never>(() => undefined) : real.send(req)) }
}

const offlineNeverLeaves = (source: string, log: Logger): Http => {
  const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
  return { send: (req) => (req.route === 'offline' ? new Promise<never>(() => undefined) : real.send(req)) }
}

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = await get()
    if (ok(v)) return v
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('condition not met')
}

async function setup() {
  h = await harness({ provider: 'sendy', values: { mode: 'online' } })
  expect(await h.engine.providerAction('sendy', 'activate', { activationCode: await cabinetCode() })).toMatchObject({ ok: true })
}

/** Sale 1 in a tab that dies once its number is journaled as sent (`db`: the till's journal). */
async function crashedSale(db: PaydeskDb, make: () => Engine): Promise<Operation> {
  const a = make()
  others.push(a)
  void a.pay({ paymentTypeId: 'sendy', amount: 5000, code: '', choice: 'sendy' })
  const op = await until(
    async () => (await db.operations.toArray()).find((o) => o.kind === 'pay'),
    (o) => o?.state === 'sent',
  )
  a.stop()
  return op!
}

/** Sale 2 on `e`: the customer scans its QR and pays. */
async function paidSale(e: Engine, db: PaydeskDb): Promise<Operation> {
  h.clock.onTick = async () => {
    const op = (await db.operations.toArray()).filter((o) => o.kind === 'pay' && !isFinal(o.state) && o.details?.paymentId).at(-1)
    if (op) await act({ paymentId: op.details!.paymentId, action: 'confirm' }).catch(() => undefined)
  }
  const r = await e.pay({ paymentTypeId: 'sendy', amount: 7000, code: '', choice: 'sendy' })
  await e.settled()
  h.clock.onTick = undefined
  expect(r.ok).toBe(true)
  return (await db.operations.get(r.ok ? r.op.id : ''))!
}

it('two tabs: the crashed sale is recovered as a lost request; the next customer’s payment under the same number stays paid', async () => {
  await setup()
  const first = await crashedSale(h.db, () => h.makeEngine({ locks: memoryLocks(), http: onlineNeverLeaves }))
  const second = await paidSale(h.engine, h.db)
  expect(second).toMatchObject({ state: 'approved', ref: first.ref })
  // The till is opened again: the new worker resumes the first sale.
  const reopened = h.makeEngine()
  others.push(reopened)
  await reopened.start()
  await reopened.settled()
  await h.clock.advance(20_000)
  await reopened.drainQueue()
  await reopened.settled()
  expect((await h.op(first.id)).state).toBe('declined')
  expect((await h.op(second.id)).state).toBe('approved')
  expect(await sbPayments()).toMatchObject([{ transactionNumber: Number(first.ref), tradeState: 'SUCCESS', orderId: second.id }])
  expect((await h.routes()).filter((r) => r === 'reverse')).toHaveLength(0)
})

it('two tills on one terminal: the crashed till’s sale is recovered as a lost request; the other till’s payment stays paid', async () => {
  await setup()
  // Till 2: its own browser (its own journal), the same terminal, activated with its own code.
  const db2 = new PaydeskDb('till-2', { indexedDB: new IDBFactory(), IDBKeyRange })
  const till2 = createEngine({ db: db2, fetch: globalThis.fetch, clock: h.clock, locks: memoryLocks(), providers: PROVIDERS, timers: false })
  others.push(till2)
  await till2.start()
  for (const t of await till2.listPaymentTypes()) await till2.deletePaymentType(t.id)
  const values = { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1', mode: 'online' }
  expect(await till2.savePaymentType({ id: 'sendy', number: 4, name: 'Sendy', provider: 'sendy', values })).toMatchObject({ ok: true })
  // The terminal's activation (its key) is the same on both tills: copied, as an admin configures the second till.
  for (const row of await h.db.settings.where('key').startsWith('sendy:sendy:').toArray()) await db2.settings.put(row)

  const first = await crashedSale(h.db, () => h.makeEngine({ locks: memoryLocks(), http: onlineNeverLeaves }))
  const second = await paidSale(till2, db2)
  expect(second).toMatchObject({ state: 'approved', ref: first.ref })
  const reopened = h.makeEngine()
  others.push(reopened)
  await reopened.start()
  await reopened.settled()
  await h.clock.advance(20_000)
  await reopened.drainQueue()
  await reopened.settled()
  expect((await h.op(first.id)).state).toBe('declined')
  expect(await sbPayments()).toMatchObject([{ transactionNumber: Number(first.ref), tradeState: 'SUCCESS', orderId: second.id }])
  expect((await h.routes()).filter((r) => r === 'reverse')).toHaveLength(0)
})

it('offline, two tills: the crashed till’s payment never arrived and its number was taken by the other till; the poll finds it foreign and declines, never reverses', async () => {
  h = await harness({ provider: 'sendy' })
  expect(await h.engine.providerAction('sendy', 'activate', { activationCode: await cabinetCode() })).toMatchObject({ ok: true })
  const db2 = new PaydeskDb('till-2-offline', { indexedDB: new IDBFactory(), IDBKeyRange })
  const till2 = createEngine({ db: db2, fetch: globalThis.fetch, clock: h.clock, locks: memoryLocks(), providers: PROVIDERS, timers: false })
  others.push(till2)
  await till2.start()
  for (const t of await till2.listPaymentTypes()) await till2.deletePaymentType(t.id)
  const values = { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1' }
  expect(await till2.savePaymentType({ id: 'sendy', number: 4, name: 'Sendy', provider: 'sendy', values })).toMatchObject({ ok: true })
  for (const row of await h.db.settings.where('key').startsWith('sendy:sendy:').toArray()) await db2.settings.put(row)
  const code = async () => ((await h.sb.mintToken('sendy', { system: 'wechat' })) as { token: string }).token

  // Till 1: its `offline` request never leaves; the till dies.
  const a = h.makeEngine({ locks: memoryLocks(), http: offlineNeverLeaves })
  others.push(a)
  void a.pay({ paymentTypeId: 'sendy', amount: 5000, code: await code() })
  const first = (await until(
    async () => (await h.db.operations.toArray()).find((o) => o.kind === 'pay'),
    (o) => o?.state === 'sent',
  ))!
  a.stop()
  // Till 2 takes the same number and is paid.
  const r = await till2.pay({ paymentTypeId: 'sendy', amount: 7000, code: await code() })
  await till2.settled()
  const second = (await db2.operations.get(r.ok ? r.op.id : ''))!
  expect(second).toMatchObject({ state: 'approved', ref: first.ref })

  const reopened = h.makeEngine()
  others.push(reopened)
  await reopened.start()
  await reopened.settled()
  expect(await h.op(first.id)).toMatchObject({ state: 'declined', message: { key: 'sendy.notPaid' } })
  expect(await h.db.queue.count()).toBe(0)
  expect(await sbPayments()).toMatchObject([{ transactionNumber: Number(first.ref), tradeState: 'SUCCESS', orderId: second.id }])
  expect((await h.routes()).filter((x) => x === 'reverse')).toHaveLength(0)
})

it('close: a sale whose QR was shown and whose stop was pressed closes by number only once the number is still its own', async () => {
  await setup()
  const first = await crashedSale(h.db, () => h.makeEngine({ locks: memoryLocks(), http: onlineNeverLeaves }))
  const second = await paidSale(h.engine, h.db)
  expect(second.ref).toBe(first.ref)
  // A journal that says a QR was shown (an older build wrote it before the reply was read) and a stop pressed:
  // the resume goes straight to the close, which used to reverse by the number at once.
  await h.db.operations.update(first.id, { display: { kind: 'qr', payload: 'weixin://x', until: h.clock.now() + 60_000 }, cashierLeft: true })
  const reopened = h.makeEngine()
  others.push(reopened)
  await reopened.start()
  await reopened.settled()
  expect((await h.op(first.id)).state).toBe('declined')
  expect((await h.op(second.id)).state).toBe('approved')
  expect(await sbPayments()).toMatchObject([{ transactionNumber: Number(first.ref), tradeState: 'SUCCESS', orderId: second.id }])
  expect((await h.routes()).filter((x) => x === 'reverse')).toHaveLength(0)
})

it('a settings change while the sale is open: an online sale resumes as online (a lost request) after the type was switched to offline', async () => {
  await setup()
  const first = await crashedSale(h.db, () => h.makeEngine({ locks: memoryLocks(), http: onlineNeverLeaves }))
  expect(first.details).toMatchObject({ mode: 'online' })
  const values = { url: `${h.sb.url}/sandbox/sendy`, terminalId: 'T0001', terminalSerial: 'SN-0001', timeout: '1', mode: 'offline' }
  expect(await h.engine.savePaymentType({ id: 'sendy', number: 4, name: 'Sendy', provider: 'sendy', values })).toMatchObject({ ok: true })
  const reopened = h.makeEngine()
  others.push(reopened)
  await reopened.start()
  await reopened.settled()
  expect(await h.op(first.id)).toMatchObject({ state: 'declined', message: { key: 'sendy.noServer' } })
  expect((await h.op(first.id)).history.some((x) => x.note === 'resumed: the online reply was never read')).toBe(true)
  expect((await h.routes()).filter((x) => x === 'reverse')).toHaveLength(0)
})
