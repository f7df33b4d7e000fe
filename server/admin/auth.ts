// The console's admin login: one password per store, stored with scrypt; a session in an HttpOnly,
// SameSite=Strict cookie whose value the server keeps only as SHA-256; a lockout after repeated failures kept in
// the database, so a restart does not lift it; and a CSRF guard that refuses any state-changing call whose Origin
// is not the console's own.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../db/db.ts'

export const MIN_PASSWORD = 8
export const MAX_PASSWORD = 200
export const MAX_FAILURES = 5
export const LOCK_MS = 15 * 60 * 1000
export const SESSION_MS = 12 * 60 * 60 * 1000
export const COOKIE = 'paydesk_console'

const LOG_N = 15
const R = 8
const P = 1
const KEYLEN = 32

function scrypt(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEYLEN, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, LOG_N, R, P)
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const want = Buffer.from(hash, 'base64')
  const got = await scrypt(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p))
  return got.length === want.length && timingSafeEqual(got, want)
}

export const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
export const newSessionToken = () => randomBytes(32).toString('base64url')

export type LoginResult =
  { ok: true; token: string } | { ok: false; reason: 'locked'; until: number } | { ok: false; reason: 'wrong'; left: number } | { ok: false; reason: 'unset' }

/**
 * Check a password against the store's account. A locked account is refused before the password is even checked
 * (a right password during the lockout does not open it). Failures are counted in the row, in one statement, so
 * two racing wrong guesses both count.
 */
export async function login(q: Queryable, storeId: string, password: string, now: number): Promise<LoginResult> {
  const r = await q.query<{ password_hash: string; locked_until: Date | null }>('SELECT password_hash, locked_until FROM admin_account WHERE store_id = $1', [
    storeId,
  ])
  const acc = r.rows[0]
  if (!acc) return { ok: false, reason: 'unset' }
  if (acc.locked_until && acc.locked_until.getTime() > now) return { ok: false, reason: 'locked', until: acc.locked_until.getTime() }
  if (!(await verifyPassword(password, acc.password_hash))) {
    const f = await q.query<{ failures: number; locked_until: Date | null }>(
      `UPDATE admin_account SET
         failures = CASE WHEN failures + 1 >= $2 THEN 0 ELSE failures + 1 END,
         locked_until = CASE WHEN failures + 1 >= $2 THEN to_timestamp($3::float8 / 1000) ELSE locked_until END
       WHERE store_id = $1 RETURNING failures, locked_until`,
      [storeId, MAX_FAILURES, now + LOCK_MS],
    )
    const row = f.rows[0]!
    if (row.locked_until && row.locked_until.getTime() > now) return { ok: false, reason: 'locked', until: row.locked_until.getTime() }
    return { ok: false, reason: 'wrong', left: MAX_FAILURES - row.failures }
  }
  await q.query('UPDATE admin_account SET failures = 0, locked_until = NULL WHERE store_id = $1', [storeId])
  return { ok: true, token: await newSession(q, storeId, now) }
}

export async function newSession(q: Queryable, storeId: string, now: number): Promise<string> {
  const token = newSessionToken()
  await q.query('DELETE FROM admin_session WHERE expires_at < now()')
  await q.query('INSERT INTO admin_session (token_hash, store_id, expires_at) VALUES ($1, $2, to_timestamp($3::float8 / 1000))', [
    sha256hex(token),
    storeId,
    now + SESSION_MS,
  ])
  return token
}

export async function sessionStore(q: Queryable, token: string | undefined, now: number): Promise<string | undefined> {
  if (!token || token.length > 100) return undefined
  const r = await q.query<{ store_id: string; expires_at: Date }>('SELECT store_id, expires_at FROM admin_session WHERE token_hash = $1', [sha256hex(token)])
  const s = r.rows[0]
  return s && s.expires_at.getTime() > now ? s.store_id : undefined
}

/** Sets the password on first run only: an existing one is never replaced through this path. */
export async function setFirstPassword(q: Queryable, storeId: string, password: string): Promise<boolean> {
  const hash = await hashPassword(password)
  const r = await q.query('INSERT INTO admin_account (store_id, password_hash) VALUES ($1, $2) ON CONFLICT (store_id) DO NOTHING RETURNING store_id', [
    storeId,
    hash,
  ])
  return r.rows.length === 1
}

export function cookieHeader(token: string, secure: boolean, maxAgeMs = SESSION_MS): string {
  return `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`
}

export function readCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === COOKIE) return v.join('=')
  }
  return undefined
}

/**
 * CSRF: a state-changing call must come from the console's own origin. Browsers send `Origin` on every
 * cross-origin request and on same-origin POST/PUT/DELETE; a missing or foreign one is refused. A
 * `Sec-Fetch-Site: cross-site` is refused on any method (a foreign page cannot even read-trigger the API).
 */
export function csrfOk(method: string, url: string, headers: { origin?: string; host?: string; secFetchSite?: string; forwardedProto?: string }): boolean {
  if (headers.secFetchSite === 'cross-site') return false
  if (method === 'GET' || method === 'HEAD') return true
  if (!headers.origin) return false
  const u = new URL(url)
  const proto = headers.forwardedProto?.split(',')[0]?.trim() || u.protocol.replace(':', '')
  const own = `${proto}://${headers.host ?? u.host}`
  return headers.origin === own || headers.origin === u.origin
}
