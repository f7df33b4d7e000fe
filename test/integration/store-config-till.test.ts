// Store config, the till's side: an enrolled till pulls the payment types the store's console configured for it (by
// version, If-None-Match), applies them in one transaction, pays with the store's secret, sees a changed timeout on
// its next pull, keeps its own per-till values, refuses a local edit of a managed field, and is refused once revoked.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig, type StoreContext } from '../../server/context.ts'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { StoreEvents } from '../../server/events.ts'
import { migrate } from '../../server/migrate.ts'
import { ensureStore } from '../../server/store/enrolment.ts'
import { adminRoutes } from '../../server/admin/index.ts'
import { createSealer } from '../../server/admin/seal.ts'
import { harness, type Harness } from '../support/engine.ts'

const STORE_URL = 'http://store.test'
const STORE_SECRET = 'S3cr3t-Click-Key' // the sandbox's ClickPass key (test/support/engine.ts SECRET)
let db: Db
let app: ReturnType<typeof createStoreApp>['app']
let h: Harness
let cookie = ''

const admin = async (method: string, path: string, body?: unknown) => {
  const r = await app.request(`${STORE_URL}/api/v1/admin${path}`, {
    method,
    headers: { Host: 'store.test', Origin: STORE_URL, 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const set = r.headers.get('set-cookie')
  if (set) cookie = set.split(';')[0]!
  return r
}

beforeAll(async () => {
  db = await openPglite({ say: () => undefined })
  await migrate(db)
  await ensureStore(db, { id: 'S', name: 'Store' })
  const ctx: StoreContext = {
    db: async () => db,
    store: { id: 'S', name: 'Store' },
    events: new StoreEvents(),
    config: emptyConfig,
    now: () => Date.now(),
    log: () => undefined,
  }
  adminRoutes(ctx, { sealer: createSealer(new Uint8Array(32).fill(9)) })
  app = createStoreApp(ctx).app
  const storeFetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    return url.startsWith(STORE_URL) ? Promise.resolve(app.request(url, init)) : globalThis.fetch(input, init)
  }) as typeof fetch
  h = await harness({ fetch: storeFetch })
  expect((await admin('POST', '/setup', { password: 'store-admin-pass' })).status).toBe(200)
}, 180_000)
afterAll(async () => {
  await h?.close()
  await db?.close()
})

let typeId = ''
let tillId = ''
const values = (timeout: string) => ({ url: `${h.sb.url}/sandbox/clickpass`, serviceId: '85335', merchantUserId: '123', timeout, confirmMode: 'true' })

it('an enrolled till pulls its assigned type with the secret, marked managed, and pays with it', async () => {
  const code = (await (await admin('POST', '/tills', { name: 'Касса 1' })).json()) as { code: string; tillId: string }
  tillId = code.tillId
  expect((await h.engine.enrolStore({ address: STORE_URL, code: code.code })).ok).toBe(true)
  const r = await admin('POST', '/payment-types', {
    provider: 'clickpass',
    name: 'Click магазина',
    number: 5,
    values: values('7'),
    secrets: { secretKey: STORE_SECRET },
    tills: [tillId],
  })
  expect(r.status).toBe(200)
  typeId = ((await r.json()) as { id: string }).id

  expect(await h.engine.pullStoreConfig()).toMatchObject({ kind: 'applied', refused: 0 })
  const t = (await h.engine.listPaymentTypes()).find((x) => x.id === typeId)!
  expect(t).toMatchObject({ name: 'Click магазина', enabled: true, values: { timeout: 7 }, secretsSet: ['secretKey'], managed: { version: 2 } })
  // The till's own local type is still there.
  expect((await h.engine.listPaymentTypes()).some((x) => x.id === 'click' && !x.managed)).toBe(true)
  // Unchanged: 304, nothing applied again.
  expect(await h.engine.pullStoreConfig()).toEqual({ kind: 'unchanged' })

  const pay = await h.engine.pay({ paymentTypeId: typeId, amount: 150000, code: await h.token() })
  await h.engine.settled()
  expect(pay.ok && (await h.op(pay.op.id)).state).toBe('approved')
  // Secrets never in the till's log or export.
  expect(await h.engine.exportLog()).not.toContain(STORE_SECRET)
})

it('a timeout changed in the console reaches the till on its next pull; a local edit of a managed field is kept out', async () => {
  expect((await admin('PUT', `/payment-types/${typeId}`, { name: 'Click магазина', number: 5, values: values('9') })).status).toBe(200)
  await h.engine.syncNow() // the push reports the new version; the pull follows
  expect(await h.engine.pullStoreConfig()).toMatchObject({ kind: expect.stringMatching(/applied|unchanged/) })
  const t = (await h.engine.listPaymentTypes()).find((x) => x.id === typeId)!
  expect(t.values.timeout).toBe(9)
  expect(t.managed).toEqual({ version: 3 })
  const local = await h.engine.savePaymentType({
    id: typeId,
    number: 5,
    name: 'Renamed',
    provider: 'clickpass',
    values: { ...values('60'), cashboxCode: 'K-7' },
  })
  expect(local.ok).toBe(true)
  const after = (await h.engine.listPaymentTypes()).find((x) => x.id === typeId)!
  expect(after).toMatchObject({ name: 'Click магазина', values: { timeout: 9, cashboxCode: 'K-7' }, managed: { version: 3 } })
})

it('a revoked till is refused its config and keeps what it had', async () => {
  expect((await admin('POST', `/tills/${tillId}/revoke`, {})).status).toBe(200)
  expect(await h.engine.pullStoreConfig()).toEqual({ kind: 'revoked' })
  expect((await h.engine.listPaymentTypes()).some((x) => x.id === typeId)).toBe(true)
})
