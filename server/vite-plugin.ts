// Mounts the store API on the demo's own origin (`npm start`, `npm run dev`), the way sandbox/vite-plugin.ts
// mounts the sandbox: `/api/v1/*` goes to the store server, everything else to Vite. The database opens on the
// first API request, in the background of the app: the till pages never wait for PGlite's first start (tens of
// seconds on a loaded machine); an API request waits at most a few seconds and is otherwise told 503 + Retry-After.
// The demo store also answers POST /api/v1/demo/enrol-code, so a demo till can enrol by itself (never in
// `npm run store`).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { getRequestListener } from '@hono/node-server'
import { Hono } from 'hono'
import type { Plugin } from 'vite'
import { API_PREFIX } from '../src/domain/store-contract.ts'
import { createStoreApp } from './app.ts'
import { emptyConfig, type StoreContext } from './context.ts'
import type { Db } from './db/db.ts'
import { StoreEvents } from './events.ts'
import { openStoreDb, storeIdentity } from './open.ts'
import { issueEnrolCode } from './store/enrolment.ts'
import { demoPassword, setDemoPassword } from './admin/demo.ts'

export const DEMO_STORE = { id: 'demo', name: 'Demo store' }

/** The store server as a Connect middleware over a lazily opened database. */
export function storeMiddleware(env: Record<string, string | undefined> = process.env, open: typeof openStoreDb = openStoreDb) {
  const store = storeIdentity(env, DEMO_STORE)
  const password = demoPassword(env.PAYDESK_STORE_DIR ?? '.paydesk-store')
  let opening: Promise<Db> | undefined
  const db = (): Promise<Db> => {
    if (!opening) {
      // The demo's console password, set when the demo store first opens.
      opening = open(env, store).then(async (d) => (await setDemoPassword(d, store.id, password), d))
      opening.catch((err: unknown) => {
        console.error(`store database did not open: ${err instanceof Error ? err.message : String(err)}`)
        // The next request tries again (a stale lock's process may have ended).
        opening = undefined
      })
    }
    return opening
  }
  const ctx: StoreContext = {
    db,
    store,
    events: new StoreEvents(),
    config: emptyConfig,
    now: () => Date.now(),
    log: (l) => console.warn(l),
  }
  const { app: storeApp } = createStoreApp(ctx)
  const app = new Hono()
  // The demo's shortcut: a code for a new demo till, so the till enrols itself (no admin console needed).
  app.post(`${API_PREFIX}/demo/enrol-code`, async (c) => {
    const issued = await issueEnrolCode(await db(), { storeId: store.id, name: `Demo till ${new Date().toISOString().slice(11, 19)}` })
    return c.json({ code: issued.code })
  })
  // The demo's window on what the store holds (the till's browser test and a newcomer's curiosity):
  // each operation's id, till and rev. Demo only, never in `npm run store`.
  app.get(`${API_PREFIX}/demo/operations`, async (c) => {
    const r = await (
      await db()
    ).query<{ id: string; till_id: string; rev: number | string }>('SELECT id, till_id, rev FROM operation WHERE store_id = $1 ORDER BY id', [store.id])
    return c.json({ operations: r.rows.map((o) => ({ id: o.id, tillId: o.till_id, rev: Number(o.rev) })) })
  })
  app.route('/', storeApp)
  const listener = getRequestListener(app.fetch)
  return {
    /** The store console's demo password (printed by the plugin at start). */
    password,
    handle(req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void {
      const path = (req.url ?? '/').split('?')[0]!
      if (path !== API_PREFIX && !path.startsWith(`${API_PREFIX}/`)) return next()
      listener(req, res).catch(next)
    },
    async close(): Promise<void> {
      ctx.events.close()
      const o = opening
      opening = undefined
      if (o) await (await o.catch(() => undefined))?.close()
    },
  }
}

export function paydeskStore(): Plugin {
  const mount = (server: {
    middlewares: { use(fn: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void): unknown }
    httpServer: { once(event: 'close', fn: () => void): unknown } | null
  }) => {
    const store = storeMiddleware()
    console.warn(`Store console: /console/ on this server, demo password: ${store.password}`)
    server.middlewares.use((req, res, next) => store.handle(req, res, next))
    server.httpServer?.once('close', () => void store.close())
  }
  return {
    name: 'paydesk-store',
    configureServer(server) {
      mount(server)
    },
    configurePreviewServer(server) {
      mount(server)
    },
  }
}
