// The store console's API over the store server (PGlite in memory, no port): first-run password,
// login and a lockout that survives a restart, CSRF, enrolment codes, payment types pushed to tills by version
// with their secrets sealed and never shown again, a url never moved with the old secret, revocation, the store X.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig, type StoreContext } from '../../server/context.ts'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { StoreEvents } from '../../server/events.ts'
import { migrate } from '../../server/migrate.ts'
import { ensureStore } from '../../server/store/enrolment.ts'
import { createSealer } from '../../server/admin/seal.ts'
import { adminRoutes } from '../../server/admin/index.ts'
import { LOCK_MS, MAX_FAILURES } from '../../server/admin/auth.ts'
import { ulid } from '../../src/domain/ids.ts'
import type { StoreReport } from '../../src/domain/store-report.ts'

const STORE = { id: 'store-1', name: 'Магазин 1' }
const ORIGIN = 'http://127.0.0.1:4173'
const PASSWORD = 'correct horse battery'
const SECRET = 'CLICK-SECRET-9f3a'

let db: Db
let clock = Date.now()
const events = new StoreEvents()

function server() {
  const ctx: StoreContext = { db: async () => db, store: STORE, events, config: emptyConfig, now: () => clock, log: () => undefined }
  // The console's routes with a test key (the real server reads its key file).
  adminRoutes(ctx, { sealer: createSealer(new Uint8Array(32).fill(3)) })
  return createStoreApp(ctx).app
}
let app: ReturnType<typeof server>
let cookie = ''

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.request(`${ORIGIN}/api/v1${path}`, {
    method,
    headers: {
      Host: '127.0.0.1:4173',
      ...(method !== 'GET' ? { Origin: ORIGIN } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const set = res.headers.get('set-cookie')
  if (set) cookie = set.split(';')[0]!
  return res
}
const json = async <T>(r: Response) => (await r.json()) as T

beforeAll(async () => {
  db = await openPglite({ say: () => undefined })
  await migrate(db)
  await ensureStore(db, STORE)
  app = server()
}, 180_000)
afterAll(() => db.close())

describe('console admin API', () => {
  it('first run: the session says setup; a short password is refused; the password is set once, with an HttpOnly SameSite=Strict cookie', async () => {
    expect(await json(await call('GET', '/admin/session'))).toMatchObject({ state: 'setup' })
    const weak = await call('POST', '/admin/setup', { password: 'short' })
    expect(weak.status).toBe(400)
    expect(await json(weak)).toEqual({ error: { key: 'console.setup.weak', params: { min: 8 } } })
    const r = await call('POST', '/admin/setup', { password: PASSWORD })
    expect(r.status).toBe(200)
    const set = r.headers.get('set-cookie')!
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/SameSite=Strict/)
    expect(await json(await call('GET', '/admin/session'))).toMatchObject({ state: 'in' })
    expect((await call('POST', '/admin/setup', { password: 'another password' })).status).toBe(409)
    const stored = await db.query<{ password_hash: string }>('SELECT password_hash FROM admin_account')
    expect(stored.rows[0]!.password_hash).toMatch(/^scrypt\$15\$8\$1\$/)
    expect(stored.rows[0]!.password_hash).not.toContain(PASSWORD)
  })

  it('CSRF: a call from a foreign origin, with no origin, or cross-site is refused and changes nothing', async () => {
    const before = await db.query('SELECT count(*)::int AS n FROM till')
    for (const headers of [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { 'Sec-Fetch-Site': 'cross-site' }] as Record<string, string>[]) {
      const r = await call('POST', '/admin/tills', { name: 'Evil' }, headers)
      expect(r.status).toBe(403)
      expect(await json(r)).toEqual({ error: { key: 'console.csrf' } })
    }
    const noOrigin = await app.request(`${ORIGIN}/api/v1/admin/tills`, {
      method: 'POST',
      headers: { Host: '127.0.0.1:4173', Cookie: cookie, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Evil' }),
    })
    expect(noOrigin.status).toBe(403)
    expect((await call('GET', '/admin/tills', undefined, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403)
    expect(await db.query('SELECT count(*)::int AS n FROM till')).toEqual(before)
  })

  it('wrong passwords lock the login, the right one is refused while locked, and a restart does not lift it', async () => {
    await call('POST', '/admin/logout', {})
    cookie = ''
    expect(await json(await call('GET', '/admin/session'))).toMatchObject({ state: 'login' })
    expect((await call('GET', '/admin/tills')).status).toBe(401)
    for (let i = 1; i < MAX_FAILURES; i++) {
      const r = await call('POST', '/admin/login', { password: `wrong ${i}` })
      expect(r.status).toBe(401)
      expect(await json(r)).toEqual({ error: { key: 'console.login.wrong', params: { left: MAX_FAILURES - i } } })
    }
    expect((await call('POST', '/admin/login', { password: 'wrong last' })).status).toBe(423)
    expect((await call('POST', '/admin/login', { password: PASSWORD })).status).toBe(423)
    app = server() // a restart: a new app over the same database
    const locked = await call('POST', '/admin/login', { password: PASSWORD })
    expect(locked.status).toBe(423)
    expect((await json<{ error: { key: string } }>(locked)).error.key).toBe('console.login.locked')
    expect(cookie).toBe('')
    clock += LOCK_MS + 1000
    expect((await call('POST', '/admin/login', { password: PASSWORD })).status).toBe(200)
    expect(cookie).toMatch(/^paydesk_console=/)
  })

  let till1: { tillId: string; token: string }
  let till2: { tillId: string; token: string }
  const enrol = async (name: string) => {
    const r = await call('POST', '/admin/tills', { name, kind: 'till' })
    const { code, tillId } = await json<{ code: string; tillId: string }>(r)
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    const e = await call('POST', '/enrol', { code, device: { name, appVersion: '0.1.0' } })
    expect(e.status).toBe(200)
    const reply = await json<{ tillId: string; token: string }>(e)
    expect(reply.tillId).toBe(tillId)
    // The code works once.
    expect((await call('POST', '/enrol', { code, device: { name, appVersion: '0.1.0' } })).status).toBe(400)
    return reply
  }

  it('enrols two tills by one-time codes and lists them online', async () => {
    clock = Date.now()
    till1 = await enrol('Касса 1')
    till2 = await enrol('Касса 2')
    const r = await json<{ tills: { name: string; view: { online: boolean } }[] }>(await call('GET', '/admin/tills'))
    expect(r.tills.map((t) => [t.name, t.view.online])).toEqual([
      ['Касса 1', true],
      ['Касса 2', true],
    ])
    expect((await call('POST', '/admin/tills', { name: '' })).status).toBe(400)
  })

  let typeId = ''
  const pull = (token: string, etag?: string) =>
    app.request(`${ORIGIN}/api/v1/config`, { headers: { Authorization: `Bearer ${token}`, ...(etag ? { 'If-None-Match': etag } : {}) } })

  it('a ClickPass type configured once reaches its assigned tills with its secret; the secret is never shown again', async () => {
    const got: unknown[] = []
    const off = events.subscribe(till1.tillId, (m) => got.push(m))
    const r = await call('POST', '/admin/payment-types', {
      provider: 'clickpass',
      name: 'Click',
      number: 1,
      values: { url: 'https://api.click.uz/v2/merchant', serviceId: '77', merchantUserId: '5', timeout: '10' },
      secrets: { secretKey: SECRET },
      tills: [till1.tillId, till2.tillId],
    })
    expect(r.status).toBe(200)
    const saved = await json<{ id: string; secretsSet: string[] }>(r)
    typeId = saved.id
    expect(saved.secretsSet).toEqual(['secretKey'])
    expect(JSON.stringify(saved)).not.toContain(SECRET)
    expect(got).toEqual([{ event: 'config', data: { version: 2 } }])
    off()

    const c1 = await pull(till1.token)
    expect(c1.status).toBe(200)
    expect(c1.headers.get('etag')).toBe('"2"')
    const cfg = await json<{
      version: number
      paymentTypes: { id: string; values: Record<string, unknown> }[]
      secrets: Record<string, Record<string, string>>
    }>(c1)
    expect(cfg.version).toBe(2)
    expect(cfg.paymentTypes[0]).toMatchObject({ id: typeId, values: { timeout: 10, serviceId: 77 } })
    expect(cfg.secrets[typeId]).toEqual({ secretKey: SECRET })
    expect((await pull(till1.token, '"2"')).status).toBe(304)

    // Never again in what the console reads, the audit log, or the database.
    for (const path of ['/admin/payment-types', '/admin/audit', '/admin/tills']) expect(await (await call('GET', path)).text()).not.toContain(SECRET)
    for (const table of ['payment_type', 'payment_type_secret', 'audit'])
      expect(JSON.stringify((await db.query(`SELECT * FROM ${table}`)).rows)).not.toContain(SECRET)
    const audit = await json<{ entries: { action: string; detail: { secrets?: string[] } }[] }>(await call('GET', '/admin/audit'))
    expect(audit.entries[0]).toMatchObject({ action: 'ptCreate', detail: { secrets: ['secretKey'] } })
  })

  it('a changed timeout moves the version, and the tills see it; bad values are refused with the field and change nothing', async () => {
    const bad = await call('PUT', `/admin/payment-types/${typeId}`, { name: 'Click', number: 1, values: { timeout: '0', cashboxCode: 'K' } })
    expect(bad.status).toBe(400)
    expect((await json<{ errors: { field: string }[] }>(bad)).errors.map((e) => e.field)).toEqual(['timeout', 'cashboxCode'])
    const ok = await call('PUT', `/admin/payment-types/${typeId}`, {
      name: 'Click',
      number: 1,
      values: { url: 'https://api.click.uz/v2/merchant', serviceId: '77', merchantUserId: '5', timeout: '25' },
    })
    expect(ok.status).toBe(200)
    const c2 = await pull(till2.token, '"2"')
    expect(c2.status).toBe(200)
    const cfg = await json<{ version: number; paymentTypes: { values: Record<string, unknown> }[]; secrets: Record<string, Record<string, string>> }>(c2)
    expect(cfg.version).toBe(3)
    expect(cfg.paymentTypes[0]!.values.timeout).toBe(25)
    expect(cfg.secrets[typeId]).toEqual({ secretKey: SECRET })
    const audit = await json<{ entries: { action: string; detail: { fields?: string[] } }[] }>(await call('GET', '/admin/audit'))
    expect(audit.entries[0]).toMatchObject({ action: 'ptUpdate', detail: { fields: ['timeout'] } })
  })

  it('a url moved to another host without the secret entered anew is refused; with it, accepted', async () => {
    const values = { url: 'https://evil.example/click', serviceId: '77', merchantUserId: '5', timeout: '25' }
    const r = await call('PUT', `/admin/payment-types/${typeId}`, { name: 'Click', number: 1, values })
    expect(r.status).toBe(400)
    expect((await json<{ error: { key: string } }>(r)).error.key).toBe('console.pt.urlMove')
    const c = await json<{ paymentTypes: { values: Record<string, unknown> }[] }>(await pull(till1.token))
    expect(c.paymentTypes[0]!.values.url).toBe('https://api.click.uz/v2/merchant')
    expect((await call('PUT', `/admin/payment-types/${typeId}`, { name: 'Click', number: 1, values, secrets: { secretKey: 'NEW-KEY' } })).status).toBe(200)
  })

  it('the store X is the sum of the tills’ X', async () => {
    const now = Date.now()
    const push = async (t: { token: string }, amounts: number[]) => {
      const ops = amounts.map((amount, i) => {
        const id = ulid(now + i, randomBytes(10))
        const row = {
          id,
          kind: 'pay',
          state: 'approved',
          provider: 'clickpass',
          paymentTypeId: typeId,
          amount,
          currency: 'UZS',
          createdAt: now + i,
          updatedAt: now + i,
        }
        return { ...row, rev: 1, body: { ...row, history: [] } }
      })
      const status = { outbox: 0, oldestUnsyncedAt: null, queue: 0, open: 0, attention: 0, appVersion: '0.1.0', configVersion: 4, now }
      const r = await app.request(`${ORIGIN}/api/v1/push`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ops, shifts: [], status }),
      })
      expect(r.status).toBe(200)
    }
    await push(till1, [10000, 2500])
    await push(till2, [700])
    clock = Date.now()
    const r = await call('GET', `/admin/reports/x?from=${now - 1000}&to=${now + 60_000}`)
    expect(r.status).toBe(200)
    const rep = await json<StoreReport>(r)
    expect(rep.tills.map((l) => [l.name, l.totals.total[0]?.net])).toEqual([
      ['Касса 1', 12500],
      ['Касса 2', 700],
    ])
    expect(rep.store.total[0]!.net).toBe(13200)
    expect((await call('GET', `/admin/reports/x?from=5&to=1`)).status).toBe(400)
    const j = await json<{ ops: { tillName: string }[] }>(await call('GET', `/admin/operations?till=${till2.tillId}`))
    expect(j.ops.map((o) => o.tillName)).toEqual(['Касса 2'])
  })

  it('revoking a till names the keys to rotate; its next push and config pull are refused', async () => {
    const r = await call('POST', `/admin/tills/${till2.tillId}/revoke`, {})
    expect(await json(r)).toEqual({ keys: [{ paymentType: 'Click', secrets: ['secretKey'] }] })
    const push = await app.request(`${ORIGIN}/api/v1/push`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${till2.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ops: [],
        shifts: [],
        status: { outbox: 0, oldestUnsyncedAt: null, queue: 0, open: 0, attention: 0, appVersion: '0.1.0', configVersion: 4, now: Date.now() },
      }),
    })
    expect(push.status).toBe(401)
    expect((await pull(till2.token)).status).toBe(401)
    expect((await pull(till1.token)).status).toBe(200)
  })
})
