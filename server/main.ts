// `npm run store`: the store server for production — the built app (`dist/`, from `npm run build`) and the
// store API on one origin, so tills load the app from their store (docs/store.md). HTTPS with TLS_CERT and
// TLS_KEY (PEM file paths), or plain HTTP on 127.0.0.1 behind a reverse proxy that terminates HTTPS.
//
//   npm run store                          serve (PORT, default 8443; HOST, default 127.0.0.1)
//   npm run store -- code "Касса 2" [--self]   issue an enrolment code for a new till (shown once)
//   npm run store -- code --till <tillId>      a code to re-enrol an existing till
//   npm run store -- revoke <tillId>           refuse a till's token from now on
//   npm run store -- migrate                   apply migrations and exit
import { readFileSync, existsSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { resolve } from 'node:path'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { Hono } from 'hono'
import { securityHeaders } from '../sandbox/security-headers.ts'
import { createStoreApp } from './app.ts'
import { emptyConfig } from './context.ts'
import { StoreEvents } from './events.ts'
import { openStoreDb, storeIdentity, type Env } from './open.ts'
import { issueEnrolCode, revokeTill } from './store/enrolment.ts'

const DEFAULT_STORE = { id: 'store', name: 'Store' }

async function serveStore(env: Env): Promise<void> {
  const store = storeIdentity(env, DEFAULT_STORE)
  const distDir = resolve(env.PAYDESK_DIST ?? 'dist')
  if (!existsSync(resolve(distDir, 'index.html'))) throw new Error(`${distDir}/index.html is missing: run \`npm run build\` first`)
  const host = env.HOST ?? '127.0.0.1'
  const port = Number(env.PORT ?? 8443)
  const tls = env.TLS_CERT && env.TLS_KEY ? { cert: readFileSync(env.TLS_CERT), key: readFileSync(env.TLS_KEY) } : undefined
  if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) throw new Error('set both TLS_CERT and TLS_KEY (PEM files), or neither (behind a reverse proxy)')
  if (!env.DATABASE_URL) console.warn('DATABASE_URL is not set: a store needs PostgreSQL (docs/store.md); starting on embedded PGlite')
  const db = await openStoreDb(env, store)
  const events = new StoreEvents()
  const { app: api } = createStoreApp({
    db: async () => db,
    store,
    events,
    config: emptyConfig,
    now: () => Date.now(),
    log: (l) => console.warn(l),
  })

  const app = new Hono()
  app.use('*', async (c, next) => {
    await next()
    for (const [k, v] of Object.entries(securityHeaders(c.req.path, env))) c.res.headers.set(k, v)
    if (tls) c.res.headers.set('Strict-Transport-Security', 'max-age=31536000')
  })
  app.route('/', api)
  // The service worker and the page must be revalidated so an update reaches the tills; hashed assets are immutable.
  app.use('*', async (c, next) => {
    await next()
    const p = c.req.path
    if (p.startsWith('/assets/')) c.res.headers.set('Cache-Control', 'public, max-age=31536000, immutable')
    else if (c.res.status === 200) c.res.headers.set('Cache-Control', 'no-cache')
  })
  // The store console is its own page at /console/.
  app.get('/console', (c) => c.redirect('/console/'))
  app.use('*', serveStatic({ root: distDir }))
  // The app's routes are the page's own: anything else that is not a file is the app shell.
  app.get('*', serveStatic({ root: distDir, path: 'index.html' }))

  const server = serve({ fetch: app.fetch, hostname: host, port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) }, (info) => {
    console.warn(
      `store ${store.id} (${store.name}): ${tls ? 'https' : 'http'}://${host}:${info.port}/ — ${db.engine}${tls ? '' : ' — plain HTTP: put a reverse proxy with HTTPS in front'}`,
    )
  })
  const stop = () => {
    events.close()
    server.close()
    void db.close().finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main(argv: string[], env: Env): Promise<void> {
  const [command = 'serve', ...rest] = argv
  if (command === 'serve') return serveStore(env)
  const store = storeIdentity(env, DEFAULT_STORE)
  const db = await openStoreDb(env, store)
  try {
    if (command === 'migrate') return
    if (command === 'code') {
      const tillAt = rest.indexOf('--till')
      const tillId = tillAt >= 0 ? rest[tillAt + 1] : undefined
      const name = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--till')
      const issued = await issueEnrolCode(db, { storeId: store.id, name, kind: rest.includes('--self') ? 'self' : 'till', tillId })
      process.stdout.write(`enrolment code for ${issued.tillId}: ${issued.code} (valid until ${issued.expiresAt.toISOString()}, once)\n`)
      return
    }
    if (command === 'revoke') {
      const tillId = rest[0]
      if (!tillId) throw new Error('npm run store -- revoke <tillId>')
      process.stdout.write((await revokeTill(db, tillId, 'cli')) ? `revoked ${tillId}\n` : `no active till ${tillId}\n`)
      return
    }
    throw new Error(`unknown command ${command}: serve, code, revoke or migrate`)
  } finally {
    await db.close()
  }
}

main(process.argv.slice(2), process.env).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
