// The store server as its own process, for the crash suite: DATABASE_URL (or PAYDESK_STORE_DIR for PGlite),
// listening on 127.0.0.1 on a free port, printing `port N` once it listens. KILL_AFTER_COMMIT=n kills the
// process with SIGKILL after the n-th push's COMMIT and before its reply (the window where a till has no ack
// for rows the store holds).
import { serve } from '@hono/node-server'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig } from '../../server/context.ts'
import { StoreEvents } from '../../server/events.ts'
import { openStoreDb } from '../../server/open.ts'
import { STORE } from './support-store.ts'

const killAfter = Number(process.env.KILL_AFTER_COMMIT ?? 0)
let commits = 0
const db = await openStoreDb(process.env, STORE, () => undefined)
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
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => process.stdout.write(`port ${info.port}\n`))
