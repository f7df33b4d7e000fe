// Till enrolment (docs/fleet.md § 4): the store issues a one-time code for a till (10 characters, 15 minutes,
// stored as SHA-256), and the till trades it for its bearer token (stored as SHA-256) and the store's identity.
// The code is consumed by one UPDATE … WHERE used_at IS NULL AND expires_at > now() RETURNING, so of two racing
// enrolments with the same code exactly one gets a token.
import { ENROL_CODE_TTL_MS, looksLikeEnrolCode, normaliseEnrolCode, type EnrolReply, type EnrolRequest } from '../../src/domain/store-contract.ts'
import type { Db, Queryable } from '../db/db.ts'
import { newEnrolCode, newTillId, newTillToken, sha256hex } from './secrets.ts'

export async function ensureStore(db: Queryable, store: { id: string; name: string }): Promise<void> {
  await db.query('INSERT INTO store (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [store.id, store.name])
}

export interface IssuedCode {
  code: string
  tillId: string
  expiresAt: Date
}

/**
 * Issues an enrolment code: for a new till (name, kind) or, with `tillId`, to re-enrol an existing one (its old
 * token stops working when the new code is used). Earlier unused codes of that till are voided. Show the code once.
 */
export async function issueEnrolCode(
  db: Db,
  opts: { storeId: string; name?: string; kind?: 'till' | 'self'; tillId?: string; ttlMs?: number },
): Promise<IssuedCode> {
  const code = newEnrolCode()
  const ttl = opts.ttlMs ?? ENROL_CODE_TTL_MS
  return db.tx(async (q) => {
    let tillId = opts.tillId
    if (tillId === undefined) {
      tillId = newTillId()
      await q.query('INSERT INTO till (id, store_id, name, kind) VALUES ($1, $2, $3, $4)', [tillId, opts.storeId, opts.name ?? tillId, opts.kind ?? 'till'])
    } else {
      const found = await q.query('SELECT 1 FROM till WHERE id = $1 AND store_id = $2', [tillId, opts.storeId])
      if (found.rowCount === 0) throw new Error(`no till ${tillId} in store ${opts.storeId}`)
      await q.query('UPDATE enrolment SET used_at = now() WHERE till_id = $1 AND used_at IS NULL', [tillId])
    }
    const r = await q.query<{ expires_at: Date }>(
      "INSERT INTO enrolment (code_hash, till_id, expires_at) VALUES ($1, $2, now() + ($3::bigint * interval '1 millisecond')) RETURNING expires_at",
      [sha256hex(code), tillId, ttl],
    )
    return { code, tillId, expiresAt: r.rows[0]!.expires_at }
  })
}

/** Trades a code for a token; undefined when the code is unknown, used, expired or another store's (one answer for all). */
export async function enrol(db: Db, storeId: string, req: EnrolRequest): Promise<EnrolReply | undefined> {
  const code = normaliseEnrolCode(req.code)
  if (!looksLikeEnrolCode(code)) return undefined
  const token = newTillToken()
  return db.tx(async (q) => {
    const used = await q.query<{ till_id: string }>(
      `UPDATE enrolment e SET used_at = now() FROM till t
        WHERE e.code_hash = $1 AND e.used_at IS NULL AND e.expires_at > now() AND t.id = e.till_id AND t.store_id = $2
       RETURNING e.till_id`,
      [sha256hex(code), storeId],
    )
    const tillId = used.rows[0]?.till_id
    if (tillId === undefined) return undefined
    const till = await q.query<{ name: string; kind: 'till' | 'self'; store_id: string; store_name: string; config_version: number }>(
      `UPDATE till t SET token_hash = $2, enrolled_at = now(), revoked_at = NULL, device = $3, last_seen_at = now()
         FROM store s WHERE t.id = $1 AND s.id = t.store_id
       RETURNING t.name, t.kind, t.store_id, s.name AS store_name, s.config_version`,
      [tillId, sha256hex(token), JSON.stringify(req.device)],
    )
    const t = till.rows[0]!
    const last = await q.query<{ n: number }>('SELECT coalesce(max(number), 0)::int8 AS n FROM shift WHERE till_id = $1', [tillId])
    await q.query("INSERT INTO audit (store_id, till_id, actor, action, detail) VALUES ($1, $2, $3, 'enrolled', $4)", [
      t.store_id,
      tillId,
      `till:${tillId}`,
      JSON.stringify({ device: req.device }),
    ])
    return {
      tillId,
      tillName: t.name,
      kind: t.kind,
      storeId: t.store_id,
      storeName: t.store_name,
      token,
      configVersion: t.config_version,
      lastShift: last.rows[0]?.n ?? 0,
    }
  })
}

/** Revokes a till: its token is refused from now on (the caller tells its open event streams). */
export async function revokeTill(db: Db, tillId: string, actor: string): Promise<boolean> {
  return db.tx(async (q) => {
    const r = await q.query<{ store_id: string }>('UPDATE till SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING store_id', [tillId])
    const storeId = r.rows[0]?.store_id
    if (storeId === undefined) return false
    await q.query('UPDATE enrolment SET used_at = now() WHERE till_id = $1 AND used_at IS NULL', [tillId])
    await q.query("INSERT INTO audit (store_id, till_id, actor, action) VALUES ($1, $2, $3, 'revoked')", [storeId, tillId, actor])
    return true
  })
}

export interface TillAuth {
  tillId: string
  storeId: string
  revoked: boolean
}

/** The till a bearer token belongs to, if any. */
export async function tillOfToken(db: Queryable, token: string): Promise<TillAuth | undefined> {
  const r = await db.query<{ id: string; store_id: string; revoked_at: Date | null }>('SELECT id, store_id, revoked_at FROM till WHERE token_hash = $1', [
    sha256hex(token),
  ])
  const t = r.rows[0]
  return t && { tillId: t.id, storeId: t.store_id, revoked: t.revoked_at !== null }
}
