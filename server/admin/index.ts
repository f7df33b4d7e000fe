// The store console's API, mounted by createStoreApp at /api/v1/admin: first-run password, login with
// an HttpOnly SameSite=Strict cookie and a lockout that survives a restart, a CSRF guard on every call; the tills,
// enrolment codes (shown once) and revocation (naming the keys to rotate); payment types configured once and
// assigned to tills, secrets sealed and write-only; the store's journal, reports and audit log. It also gives the
// till API its real GET /config (ctx.config): each till's assigned types with their secrets.
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import type { StoreContext } from '../context.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import type { FieldError } from '../../src/domain/config.ts'
import { issueEnrolCode, revokeTill } from '../store/enrolment.ts'
import { COOKIE, MAX_PASSWORD, MIN_PASSWORD, cookieHeader, csrfOk, login, newSession, readCookie, sessionStore, setFirstPassword, sha256hex } from './auth.ts'
import { configSource, keysToRotate, listTypes, saveType, uploadTypes } from './payment-types.ts'
import { createSealer, loadSealKey, type Sealer } from './seal.ts'
import { auditLog, journal, parseFilter, report, storeVersion, tillLines } from './views.ts'

/**
 * Where the sealing key lives: its own file, never in the database (PAYDESK_SEAL_KEY_FILE, else `seal.key` in the
 * store's data folder beside PGlite's `pgdata`; docs/console.md). A store in memory gets a key in memory.
 */
export const sealKeyPath = (env = process.env): string | undefined =>
  env.PAYDESK_SEAL_KEY_FILE ?? (env.PAYDESK_STORE_DIR === 'memory' ? undefined : `${env.PAYDESK_STORE_DIR ?? '.paydesk-store'}/seal.key`)
const MAX_ADMIN_BODY = 256 * 1024
const MAX_RANGE_MS = 93 * 86_400_000

function appVersion(): string | undefined {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version
  } catch {
    return undefined
  }
}

export function adminRoutes(ctx: StoreContext, opts: { sealer?: Sealer } = {}): Hono {
  let sealer = opts.sealer
  const getSealer = () => {
    if (sealer) return sealer
    const path = sealKeyPath()
    return (sealer = createSealer(path ? loadSealKey(path) : new Uint8Array(randomBytes(32))))
  }
  // The till API's GET /config is the console's to fill: the assigned types and their secrets.
  ctx.config = (q, till, version) => configSource(getSealer())(q, till, version)
  // And a newly enrolled till's upload of its own types, saved as the console saves them.
  ctx.uploadTypes = async (db, till, types) => {
    const r = await uploadTypes(db, getSealer(), till, types, ctx.now())
    if (r !== 'closed' && r.results.some((x) => x.ok)) ctx.events.emit('*', { event: 'config', data: { version: r.version } })
    return r
  }
  const version = appVersion()
  const admin = new Hono()
  /** One admin account per store: the audit log names it so. */
  const actor = 'admin'
  const storeId = ctx.store.id

  const fail = (c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 423, error: Msg, errors?: FieldError[]) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ error, ...(errors ? { errors } : {}) }, status)
  }
  const secure = (c: Context) => (c.req.header('x-forwarded-proto') ?? new URL(c.req.url).protocol.replace(':', '')).startsWith('https')
  const body = async (c: Context): Promise<Record<string, unknown> | undefined> => {
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) return undefined
    try {
      const v: unknown = await c.req.json()
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
    } catch {
      return undefined
    }
  }

  admin.use('*', async (c, next) => {
    c.header('Cache-Control', 'no-store')
    const ok = csrfOk(c.req.method, c.req.url, {
      origin: c.req.header('origin'),
      host: c.req.header('host'),
      secFetchSite: c.req.header('sec-fetch-site'),
      forwardedProto: c.req.header('x-forwarded-proto'),
    })
    if (!ok) {
      ctx.log(`console: refused a ${c.req.method} ${c.req.path} from origin ${c.req.header('origin') ?? '(none)'}`)
      return fail(c, 403, msg('console.csrf'))
    }
    await next()
  })
  admin.use('*', bodyLimit({ maxSize: MAX_ADMIN_BODY, onError: (c) => fail(c, 413, msg('console.tooLarge')) }))

  admin.get('/session', async (c) => {
    const db = await ctx.db()
    const store = (await db.query<{ name: string }>('SELECT name FROM store WHERE id = $1', [storeId])).rows[0]
    const who = await sessionStore(db, readCookie(c.req.header('cookie')), ctx.now())
    const has = (await db.query('SELECT 1 FROM admin_account WHERE store_id = $1', [storeId])).rows.length > 0
    return c.json({ state: !has ? 'setup' : who === storeId ? 'in' : 'login', store: { id: storeId, name: store?.name ?? ctx.store.name } })
  })

  const password = (b: Record<string, unknown> | undefined) => (typeof b?.password === 'string' ? b.password : undefined)

  admin.post('/setup', async (c) => {
    const b = await body(c)
    const p = password(b)
    if (p === undefined) return fail(c, 400, msg('console.badRequest'))
    if (p.length < MIN_PASSWORD || p.length > MAX_PASSWORD) return fail(c, 400, msg('console.setup.weak', { min: MIN_PASSWORD }))
    const db = await ctx.db()
    const token = await db.tx(async (q) => {
      if (!(await setFirstPassword(q, storeId, p))) return undefined
      await q.query("INSERT INTO audit (store_id, actor, action) VALUES ($1, 'admin', 'setup')", [storeId])
      return newSession(q, storeId, ctx.now())
    })
    if (!token) return fail(c, 409, msg('console.setup.done'))
    c.header('Set-Cookie', cookieHeader(token, secure(c)))
    return c.json({ state: 'in', store: ctx.store })
  })

  admin.post('/login', async (c) => {
    const b = await body(c)
    const p = password(b)
    if (p === undefined || p.length > MAX_PASSWORD) return fail(c, 400, msg('console.badRequest'))
    const db = await ctx.db()
    const r = await login(db, storeId, p, ctx.now())
    if (r.ok) {
      await db.query("INSERT INTO audit (store_id, actor, action) VALUES ($1, 'admin', 'login')", [storeId])
      c.header('Set-Cookie', cookieHeader(r.token, secure(c)))
      return c.json({ state: 'in', store: ctx.store })
    }
    if (r.reason === 'unset') return fail(c, 409, msg('console.setup.title'))
    await db.query('INSERT INTO audit (store_id, actor, action) VALUES ($1, $2, $3)', [storeId, 'admin', r.reason === 'locked' ? 'locked' : 'loginFailed'])
    if (r.reason === 'locked') {
      c.header('Retry-After', String(Math.max(1, Math.ceil((r.until - ctx.now()) / 1000))))
      return fail(c, 423, { key: 'console.login.locked', params: { time: new Date(r.until).toISOString().slice(11, 16) + ' UTC' } })
    }
    return fail(c, 401, msg('console.login.wrong', { left: r.left }))
  })

  admin.post('/logout', async (c) => {
    const token = readCookie(c.req.header('cookie'))
    if (token) {
      const db = await ctx.db()
      await db.query('DELETE FROM admin_session WHERE token_hash = $1', [sha256hex(token)])
    }
    c.header('Set-Cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
    return c.json({ ok: true })
  })

  // Everything below needs a session.
  admin.use('*', async (c, next) => {
    const db = await ctx.db()
    const who = await sessionStore(db, readCookie(c.req.header('cookie')), ctx.now())
    if (who !== storeId) return fail(c, 401, msg('console.unauthorized'))
    await next()
  })

  admin.get('/tills', async (c) => {
    const db = await ctx.db()
    const tills = await tillLines(db, storeId, { now: ctx.now(), connected: ctx.events.connected(), ...(version ? { appVersion: version } : {}) })
    return c.json({ now: ctx.now(), configVersion: await storeVersion(db, storeId), appVersion: version, tills })
  })

  admin.post('/tills', async (c) => {
    const b = await body(c)
    const name = typeof b?.name === 'string' ? b.name.trim() : ''
    const kind = b?.kind === 'self' ? 'self' : b?.kind === 'till' || b?.kind === undefined ? 'till' : undefined
    if (!name || name.length > 60 || !kind) return fail(c, 400, msg('console.tills.badName'))
    const db = await ctx.db()
    const issued = await issueEnrolCode(db, { storeId, name, kind })
    await db.query("INSERT INTO audit (store_id, till_id, actor, action, detail) VALUES ($1, $2, $3, 'enrolCode', $4)", [
      storeId,
      issued.tillId,
      actor,
      JSON.stringify({ name }),
    ])
    // The code is in this reply only: the server keeps its hash.
    return c.json({ tillId: issued.tillId, code: issued.code, expiresAt: issued.expiresAt.getTime() })
  })

  admin.post('/tills/:id/revoke', async (c) => {
    const id = c.req.param('id')
    const db = await ctx.db()
    const known = await db.query('SELECT 1 FROM till WHERE id = $1 AND store_id = $2', [id, storeId])
    if (!known.rows.length) return fail(c, 404, msg('console.tills.notFound'))
    const keys = await keysToRotate(db, storeId, id)
    await revokeTill(db, id, actor)
    ctx.events.emit(id, { event: 'revoked', data: {} })
    return c.json({ keys })
  })

  admin.get('/payment-types', async (c) => {
    const db = await ctx.db()
    const tills = await db.query<{ id: string; name: string; revoked_at: Date | null }>(
      'SELECT id, name, revoked_at FROM till WHERE store_id = $1 AND enrolled_at IS NOT NULL ORDER BY name',
      [storeId],
    )
    return c.json({
      configVersion: await storeVersion(db, storeId),
      types: await listTypes(db, storeId),
      tills: tills.rows.map((t) => ({ id: t.id, name: t.name, revokedAt: t.revoked_at ? t.revoked_at.getTime() : null })),
    })
  })

  const save = async (c: Context, id: string | undefined) => {
    const b = await body(c)
    if (!b) return fail(c, 400, msg('console.badRequest'))
    const r = await saveType(await ctx.db(), getSealer(), storeId, actor, id, b)
    if (!r.ok) return fail(c, r.status, r.error, r.errors)
    ctx.events.emit('*', { event: 'config', data: { version: r.version } })
    return c.json(r.type)
  }
  admin.post('/payment-types', (c) => save(c, undefined))
  admin.put('/payment-types/:id', (c) => save(c, c.req.param('id')))

  admin.get('/operations', async (c) => {
    const f = parseFilter(c.req.query())
    if (!f) return fail(c, 400, msg('console.journal.badFilter', { field: '?' }))
    const db = await ctx.db()
    const r = await journal(db, storeId, f)
    const tills = await db.query<{ id: string; name: string }>('SELECT id, name FROM till WHERE store_id = $1 AND enrolled_at IS NOT NULL ORDER BY name', [
      storeId,
    ])
    const types = await db.query<{ id: string; name: string }>('SELECT id, name FROM payment_type WHERE store_id = $1 ORDER BY number', [storeId])
    return c.json({ ...r, tills: tills.rows, types: types.rows })
  })

  admin.get('/reports/:kind{x|z}', async (c) => {
    const from = Number(c.req.query('from'))
    const to = Number(c.req.query('to'))
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to || to - from > MAX_RANGE_MS) return fail(c, 400, msg('console.report.badRange'))
    const kind = c.req.param('kind') as 'x' | 'z'
    return c.json(await report(await ctx.db(), storeId, kind, from, to, ctx.now()))
  })

  admin.get('/audit', async (c) => c.json({ entries: await auditLog(await ctx.db(), storeId) }))

  admin.notFound((c) => fail(c, 404, msg('console.badRequest')))
  return admin
}
