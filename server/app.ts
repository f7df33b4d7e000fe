// The store server's HTTP API (`/api/v1`, docs/fleet.md § 4) as a Hono app: tested with app.request() and no
// port, served by @hono/node-server (server/main.ts) or mounted into vite preview (server/vite-plugin.ts).
// The store and the till of every request come from the bearer token, never from the body.
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { streamSSE } from 'hono/streaming'
import * as v from 'valibot'
import {
  API_PREFIX,
  EnrolRequest,
  MAX_BODY_BYTES,
  PushEnvelope,
  SSE_HEARTBEAT_MS,
  UploadRequest,
  describeIssues,
  type StoreErrorCode,
} from '../src/domain/store-contract.ts'
import { adminRoutes } from './admin/index.ts'
import type { StoreContext } from './context.ts'
import type { Db } from './db/db.ts'
import type { StoreEventMessage } from './events.ts'
import { Gate, MAX_WAITING_PUSHES, PUSH_BURST, PUSH_RATE_PER_S, RateLimiter, retryAfterSeconds } from './limits.ts'
import { enrol, tillOfToken, type TillAuth } from './store/enrolment.ts'
import { push } from './store/push.ts'

type Env = { Variables: { till: TillAuth; db: Db } }

export interface StoreAppOptions {
  maxBodyBytes?: number
  /** Push transactions at once; default: the database's concurrency. */
  pushSlots?: number
  maxWaitingPushes?: number
  pushRatePerS?: number
  pushBurst?: number
  /** How long a request waits for a database still opening before it is told 503 (ms). */
  dbWaitMs?: number
  /** Event stream heartbeat (ms). */
  heartbeatMs?: number
}

const STATUS: Record<StoreErrorCode, 400 | 401 | 404 | 409 | 413 | 429 | 500 | 503> = {
  'invalid-body': 400,
  'code-invalid': 400,
  unauthorized: 401,
  revoked: 401,
  'not-found': 404,
  'upload-closed': 409,
  'too-large': 413,
  'rate-limited': 429,
  busy: 503,
  internal: 500,
}

function fail(c: Context, code: StoreErrorCode, message: string, retryAfter?: number): Response {
  if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter))
  c.header('Cache-Control', 'no-store')
  return c.json({ error: { code, message } }, STATUS[code])
}

class Busy extends Error {}

export function createStoreApp(ctx: StoreContext, opts: StoreAppOptions = {}) {
  const app = new Hono<Env>()
  const api = new Hono<Env>()
  const limiter = new RateLimiter(opts.pushRatePerS ?? PUSH_RATE_PER_S, opts.pushBurst ?? PUSH_BURST)
  const enrolLimiter = new RateLimiter(5, 20)
  let gate: Gate | undefined
  const dbWaitMs = opts.dbWaitMs ?? 5_000
  const heartbeatMs = opts.heartbeatMs ?? SSE_HEARTBEAT_MS

  const database = async (): Promise<Db> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        ctx.db(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Busy('the store database is still opening')), dbWaitMs)
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  api.onError((err, c) => {
    if (err instanceof Busy) return fail(c, 'busy', err.message, retryAfterSeconds(Math.random()))
    ctx.log(`store api ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.message : String(err)}`)
    return fail(c, 'internal', 'the store server failed; try again')
  })

  const limitBody = bodyLimit({
    maxSize: opts.maxBodyBytes ?? MAX_BODY_BYTES,
    onError: (c) => fail(c, 'too-large', `the body is over ${opts.maxBodyBytes ?? MAX_BODY_BYTES} bytes: send fewer rows`),
  })

  const readJson = async (c: Context): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> => {
    try {
      return { ok: true, value: await c.req.json() }
    } catch {
      return { ok: false, response: fail(c, 'invalid-body', 'the body is not JSON') }
    }
  }

  /** Bearer token → till; a revoked or unknown token is refused before anything else happens. */
  const auth = async (c: Context<Env>, next: () => Promise<void>): Promise<Response | void> => {
    const header = c.req.header('Authorization') ?? ''
    const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(header)
    if (!m) return fail(c, 'unauthorized', 'no till token: enrol this till with a code from the store')
    const db = await database()
    const till = await tillOfToken(db, m[1]!)
    if (!till || till.storeId !== ctx.store.id) return fail(c, 'unauthorized', 'this till token is not one the store issued')
    if (till.revoked) return fail(c, 'revoked', 'this till was disconnected from the store: enrol it again')
    c.set('till', till)
    c.set('db', db)
    await next()
  }

  api.post('/enrol', limitBody, async (c) => {
    if (!enrolLimiter.take('enrol', ctx.now())) return fail(c, 'rate-limited', 'too many enrolment attempts', 1)
    const body = await readJson(c)
    if (!body.ok) return body.response
    const req = v.safeParse(EnrolRequest, body.value)
    if (!req.success) return fail(c, 'invalid-body', describeIssues(req.issues))
    const reply = await enrol(await database(), ctx.store.id, req.output)
    if (!reply) return fail(c, 'code-invalid', 'the code is unknown, used or expired: ask the store for a new one')
    c.header('Cache-Control', 'no-store')
    return c.json(reply)
  })

  api.post('/push', limitBody, auth, async (c) => {
    const till = c.get('till')
    if (!limiter.take(till.tillId, ctx.now())) return fail(c, 'rate-limited', `more than ${limiter.perSecond} pushes a second`, 1)
    const body = await readJson(c)
    if (!body.ok) return body.response
    const env = v.safeParse(PushEnvelope, body.value)
    if (!env.success) return fail(c, 'invalid-body', describeIssues(env.issues))
    const db = c.get('db')
    gate ??= new Gate(opts.pushSlots ?? db.concurrency, opts.maxWaitingPushes ?? MAX_WAITING_PUSHES)
    const done = await gate.run(() => push(db, till, env.output, { now: ctx.now(), afterCommit: ctx.afterPushCommit, alarm: (l) => ctx.log(l) }))
    if (!done) return fail(c, 'busy', 'the store is busy: try again later', retryAfterSeconds(Math.random()))
    c.header('Cache-Control', 'no-store')
    return c.json(done.value)
  })

  api.get('/config', auth, async (c) => {
    const till = c.get('till')
    const db = c.get('db')
    const version = (await db.query<{ config_version: number }>('SELECT config_version FROM store WHERE id = $1', [till.storeId])).rows[0]?.config_version ?? 0
    c.header('Cache-Control', 'no-store')
    c.header('ETag', `"${version}"`)
    if (c.req.header('If-None-Match') === `"${version}"`) return c.body(null, 304)
    return c.json(await ctx.config(db, till, version))
  })

  // A till that joined with payment types of its own uploads them (the manager's choice at the till), once, soon
  // after enrolling: saved as the console saves them (validated on the provider's schema, secrets sealed, audited).
  api.post('/payment-types', limitBody, auth, async (c) => {
    if (!ctx.uploadTypes) return fail(c, 'not-found', 'this store takes no payment types from tills')
    const body = await readJson(c)
    if (!body.ok) return body.response
    const req = v.safeParse(UploadRequest, body.value)
    if (!req.success) return fail(c, 'invalid-body', describeIssues(req.issues))
    const r = await ctx.uploadTypes(c.get('db'), c.get('till'), req.output.types)
    if (r === 'closed') return fail(c, 'upload-closed', 'payment types are uploaded only right after enrolment')
    c.header('Cache-Control', 'no-store')
    return c.json(r)
  })

  api.get('/events', auth, (c) => {
    const till = c.get('till')
    const db = c.get('db')
    c.header('Cache-Control', 'no-store')
    return streamSSE(c, async (stream) => {
      let closed = false
      let wake: () => void = () => undefined
      // Events wait here and are written by the loop below, in order, each awaited (a `revoked` must reach the
      // till before the stream ends).
      const queued: StoreEventMessage[] = []
      const unsubscribe = ctx.events.subscribe(till.tillId, (m) => {
        queued.push(m)
        wake()
      })
      const end = () => {
        closed = true
        wake()
      }
      stream.onAbort(end)
      if (ctx.events.closing.aborted) end()
      ctx.events.closing.addEventListener('abort', end, { once: true })
      try {
        await stream.writeSSE({ event: 'hello', data: JSON.stringify({ tillId: till.tillId }) })
        let lastBeat = Date.now()
        while (!closed) {
          if (!queued.length) {
            // The heartbeat's timer is cleared however the wait ends: one left armed would outlive the stream (and
            // hold a closing server's process) for up to a heartbeat per event the stream carried.
            let beat: ReturnType<typeof setTimeout> | undefined
            await new Promise<void>((resolve) => {
              wake = resolve
              beat = setTimeout(resolve, heartbeatMs)
            })
            clearTimeout(beat)
            wake = () => undefined
          }
          for (let m = queued.shift(); m && !closed; m = queued.shift()) {
            await stream.writeSSE({ event: m.event, data: JSON.stringify(m.data) })
            if (m.event === 'revoked') closed = true
          }
          if (closed || Date.now() - lastBeat < heartbeatMs) continue
          lastBeat = Date.now()
          // A token revoked by another process (npm run store -- revoke) is noticed here.
          const now = await tillOfToken(db, (c.req.header('Authorization') ?? '').slice('Bearer '.length)).catch(() => till)
          if (!now || now.revoked) {
            await stream.writeSSE({ event: 'revoked', data: '{}' })
            break
          }
          await stream.write(': heartbeat\n\n')
        }
      } finally {
        unsubscribe()
        ctx.events.closing.removeEventListener('abort', end)
      }
    })
  })

  api.route('/admin', adminRoutes(ctx))
  // Last: any other path under /api/v1 is a JSON 404 (a mounted app's notFound is not its parent's).
  api.all('*', (c) => fail(c, 'not-found', `no ${c.req.method} ${c.req.path}`))

  app.route(API_PREFIX, api)
  return { app, load: () => gate?.load ?? { running: 0, waiting: 0 } }
}
