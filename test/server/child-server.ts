// The store server as its own process, for the crash suite: DATABASE_URL (or PAYDESK_STORE_DIR for PGlite),
// with PGLITE_TEMPLATE for its first start),
// listening on 127.0.0.1 on a free port, printing `port N` once it listens. KILL_AFTER_COMMIT=n kills the
// process with SIGKILL after the n-th push's COMMIT and before its reply (the window where a till has no ack
// for rows the store holds).
import { serve } from '@hono/node-server'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig } from '../../server/context.ts'
import { StoreEvents } from '../../server/events.ts'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { migrate } from '../../server/migrate.ts'
import { openStoreDb } from '../../server/open.ts'
import { ensureStore, issueEnrolCode } from '../../server/store/enrolment.ts'
import { Hono } from 'hono'
import { STORE } from './support-store.ts'

/** PGlite in PAYDESK_STORE_DIR, its first start from PGLITE_TEMPLATE (the suite's initialised folder) to skip initdb. */
async function open(): Promise<Db> {
  const dir = process.env.PAYDESK_STORE_DIR
  const template = process.env.PGLITE_TEMPLATE
  if (process.env.DATABASE_URL || !dir || !template) return openStoreDb(process.env, STORE, () => undefined)
  const fresh = !existsSync(join(dir, 'pgdata', 'PG_VERSION'))
  const db = await openPglite({ dir, say: () => undefined, ...(fresh ? { loadDataDir: new Blob([readFileSync(template)]) } : {}) })
  await migrate(db)
  await ensureStore(db, STORE)
  return db
}

const killAfter = Number(process.env.KILL_AFTER_COMMIT ?? 0)
let commits = 0
const db = await open()
const { app } = createStoreApp({
  db: async () => db,
  store: STORE,
  events: new StoreEvents(),
  config: emptyConfig,
  now: () => Date.now(),
  log: () => undefined,
  afterPushCommit: () => {
    if (killAfter > 0 && ++commits === killAfter) process.kill(process.pid, 'SIGKILL')
  },
})
// The test's way to a code while this process holds the database.
const outer = new Hono()
outer.post('/api/v1/test/code', async (c) => c.json({ code: (await issueEnrolCode(db, { storeId: STORE.id, name: 'sim' })).code }))
outer.route('/', app)
serve({ fetch: outer.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`port ${info.port}\n`))
