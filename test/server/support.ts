// The store server under test, on either engine: a fresh database (PGlite in memory, or a new database in the
// suite's PostgreSQL cluster), migrated, with one store, and the Hono app over it (called without a port).
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { inject } from 'vitest'
import { createStoreApp, type StoreAppOptions } from '../../server/app.ts'
import { emptyConfig, type StoreContext } from '../../server/context.ts'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { openPostgres } from '../../server/db/pg.ts'
import { StoreEvents } from '../../server/events.ts'
import { migrate } from '../../server/migrate.ts'
import { ensureStore, issueEnrolCode } from '../../server/store/enrolment.ts'
import type { EnrolReply, OpRow, PushRequest, TillStatus } from '../../src/domain/store-contract.ts'
import { ulid } from '../../src/domain/ids.ts'
import { STORE } from './support-store.ts'

export type Engine = 'pglite' | 'postgres'

let pgliteTemplate: Promise<Blob> | undefined

/** PGlite always; PostgreSQL unless the run was told SKIP_POSTGRES=1. */
export const ENGINES: Engine[] = inject('pg') ? ['pglite', 'postgres'] : ['pglite']

export { STORE }

/** A new empty database on `engine` (not migrated). */
export async function emptyDb(engine: Engine, opts: { max?: number } = {}): Promise<{ db: Db; url?: string }> {
  if (engine === 'pglite') {
    pgliteTemplate ??= readFile(inject('pgliteDump')).then((b) => new Blob([b]))
    return { db: await openPglite({ say: () => undefined, loadDataDir: await pgliteTemplate }) }
  }
  const cluster = inject('pg')
  if (!cluster) throw new Error('no PostgreSQL cluster in this run')
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client(cluster.url)
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = cluster.url.replace(/\/postgres$/, `/${name}`)
  return { db: openPostgres({ url, max: opts.max ?? 10, onError: () => undefined }), url }
}

export interface StoreFixture {
  engine: Engine
  db: Db
  url?: string
  ctx: StoreContext
  app: ReturnType<typeof createStoreApp>['app']
  load: ReturnType<typeof createStoreApp>['load']
  /** A new till enrolled by a fresh code: its reply (token, ids). */
  enrolTill(name?: string): Promise<EnrolReply>
  request(path: string, init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>
  close(): Promise<void>
}

export async function storeFixture(
  engine: Engine,
  opts: StoreAppOptions & { afterPushCommit?: () => void | Promise<void>; max?: number } = {},
): Promise<StoreFixture> {
  const { db, url } = await emptyDb(engine, { max: opts.max })
  await migrate(db)
  await ensureStore(db, STORE)
  const ctx: StoreContext = {
    db: async () => db,
    store: STORE,
    events: new StoreEvents(),
    config: emptyConfig,
    now: () => Date.now(),
    log: () => undefined,
    afterPushCommit: opts.afterPushCommit,
  }
  const { app, load } = createStoreApp(ctx, opts)
  const request: StoreFixture['request'] = (path, init = {}) =>
    Promise.resolve(
      app.request(`/api/v1${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
          ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      }),
    )
  return {
    engine,
    db,
    url,
    ctx,
    app,
    load,
    request,
    async enrolTill(name = 'Till') {
      const { code } = await issueEnrolCode(db, { storeId: STORE.id, name })
      const r = await request('/enrol', { body: { code, device: { name: 'test', appVersion: '0.1.0' } } })
      if (r.status !== 200) throw new Error(`enrol: ${r.status} ${await r.text()}`)
      return (await r.json()) as EnrolReply
    },
    close: () => db.close(),
  }
}

export function status(over: Partial<TillStatus> = {}): TillStatus {
  return { outbox: 0, oldestUnsyncedAt: null, queue: 0, open: 0, attention: 0, appVersion: '0.1.0', configVersion: 1, now: Date.now(), ...over }
}

let seq = 0
/** A journal operation row at `rev` (a fresh ULID unless `id` is given). */
export function opRow(over: Partial<OpRow> = {}): OpRow {
  const now = Date.now()
  const id = over.id ?? ulid(now, randomBytes(10))
  return {
    id,
    rev: 1,
    kind: 'pay',
    state: 'approved',
    provider: 'payme',
    paymentTypeId: 'pt-1',
    amount: 150_000 + seq++,
    currency: 'UZS',
    createdAt: now,
    updatedAt: now,
    body: { id, note: 'x'.repeat(200) },
    ...over,
  }
}

export const pushBody = (ops: OpRow[], over: Partial<PushRequest> = {}): PushRequest => ({ ops, shifts: [], status: status(), ...over })
