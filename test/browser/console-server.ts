// A store server for the console's browser tests: the built pages (dist-demo, which the suite's set-up builds) and
// the store API on one 127.0.0.1 origin, over PGlite in memory, with a clock the test can move (a lockout's end)
// and helpers that act as tills over HTTP (enrol by code, push, pull the config).
import { serve, type ServerType } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig, type StoreContext } from '../../server/context.ts'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { StoreEvents } from '../../server/events.ts'
import { migrate } from '../../server/migrate.ts'
import { ensureStore } from '../../server/store/enrolment.ts'
import { adminRoutes } from '../../server/admin/index.ts'
import { createSealer } from '../../server/admin/seal.ts'
import { ulid } from '../../src/domain/ids.ts'

export interface ConsoleServer {
  url: string
  db: Db
  /** Tills with an open event stream now. */
  connected(): string[]
  /** Moves the server's clock forward (ms). */
  advance(ms: number): void
  enrol(code: string, name: string): Promise<{ tillId: string; token: string }>
  push(token: string, body: { ops?: unknown[]; shifts?: unknown[]; status?: Partial<Status> }): Promise<Response>
  config(token: string, etag?: string): Promise<Response>
  close(): Promise<void>
}
type Status = {
  outbox: number
  oldestUnsyncedAt: number | null
  queue: number
  open: number
  attention: number
  appVersion: string
  configVersion: number
  now: number
}

export const STORE = { id: 'store-browser', name: 'Магазин на Чиланзаре' }

export async function startConsoleServer(): Promise<ConsoleServer> {
  const db = await openPglite({ say: () => undefined })
  await migrate(db)
  await ensureStore(db, STORE)
  let offset = 0
  const ctx: StoreContext = {
    db: async () => db,
    store: STORE,
    events: new StoreEvents(),
    config: emptyConfig,
    now: () => Date.now() + offset,
    log: () => undefined,
  }
  adminRoutes(ctx, { sealer: createSealer(randomBytes(32)) })
  const { app: api } = createStoreApp(ctx)
  const app = new Hono()
  app.route('/', api)
  app.get('/console', (c) => c.redirect('/console/'))
  app.use('/*', serveStatic({ root: './dist-demo' }))
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const json = { 'Content-Type': 'application/json' }
  return {
    url,
    db,
    connected: () => ctx.events.connected(),
    advance: (ms) => void (offset += ms),
    async enrol(code, name) {
      const r = await fetch(`${url}/api/v1/enrol`, { method: 'POST', headers: json, body: JSON.stringify({ code, device: { name, appVersion: '0.1.0' } }) })
      if (!r.ok) throw new Error(`enrol: ${r.status} ${await r.text()}`)
      return (await r.json()) as { tillId: string; token: string }
    },
    push(token, body) {
      const now = Date.now()
      const status: Status = { outbox: 0, oldestUnsyncedAt: null, queue: 0, open: 0, attention: 0, appVersion: '0.1.0', configVersion: 1, now, ...body.status }
      return fetch(`${url}/api/v1/push`, {
        method: 'POST',
        headers: { ...json, Authorization: `Bearer ${token}` },
        body: JSON.stringify({ ops: body.ops ?? [], shifts: body.shifts ?? [], status }),
      })
    },
    config: (token, etag) => fetch(`${url}/api/v1/config`, { headers: { Authorization: `Bearer ${token}`, ...(etag ? { 'If-None-Match': etag } : {}) } }),
    async close() {
      ctx.events.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await db.close()
    },
  }
}

/** An approved payment as a till's push row. */
export function payRow(p: { amount: number; paymentTypeId: string; at?: number }) {
  const at = p.at ?? Date.now()
  const id = ulid(at, randomBytes(10))
  const row = {
    id,
    kind: 'pay',
    state: 'approved',
    provider: 'clickpass',
    paymentTypeId: p.paymentTypeId,
    amount: p.amount,
    currency: 'UZS',
    createdAt: at,
    updatedAt: at,
  }
  return { ...row, rev: 1, body: { ...row, history: [] } }
}
