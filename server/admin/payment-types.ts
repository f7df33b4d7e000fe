// Payment types configured once for the store: saved on the till's own schema, assigned to tills, their
// secrets sealed; every change bumps the store's config version in the same transaction and is audited (a secret
// only as "changed"). And the config a till pulls: only its assigned types, secrets opened only for an enrolled,
// unrevoked till (the route's token check has refused any other before this runs).
import { randomBytes } from 'node:crypto'
import type { Db, Queryable } from '../db/db.ts'
import { UPLOAD_WINDOW_MS, type ConfigReply, type UploadReply, type UploadType } from '../../src/domain/store-contract.ts'
import type { ConfigValues, FieldError } from '../../src/domain/config.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import { parseSecrets, parseTypeEdit, urlMoveError } from '../../src/domain/store-config.ts'
import { valueText } from '../../src/domain/conf-merge.ts'
import { PROVIDER_SCHEMAS } from './schemas.ts'
import type { Sealer } from './seal.ts'
import type { TillAuth } from '../store/enrolment.ts'

export interface StoredType {
  id: string
  provider: string
  number: number
  name: string
  values: ConfigValues
  foreign: Record<string, string>
  secretsSet: string[]
  tills: string[]
  version: number
}

export async function listTypes(q: Queryable, storeId: string): Promise<StoredType[]> {
  const types = await q.query<{
    id: string
    provider: string
    number: number
    name: string
    settings: ConfigValues
    foreign_keys: Record<string, string>
    version: number
  }>('SELECT id, provider, number, name, settings, foreign_keys, version FROM payment_type WHERE store_id = $1 ORDER BY number, name', [storeId])
  const secrets = await q.query<{ payment_type_id: string; name: string }>(
    "SELECT payment_type_id, name FROM payment_type_secret WHERE store_id = $1 AND till_id = '' ORDER BY name",
    [storeId],
  )
  const tills = await q.query<{ payment_type_id: string; till_id: string }>(
    'SELECT payment_type_id, till_id FROM till_payment_type WHERE store_id = $1 ORDER BY till_id',
    [storeId],
  )
  return types.rows.map((t) => ({
    id: t.id,
    provider: t.provider,
    number: Number(t.number),
    name: t.name,
    values: t.settings,
    foreign: t.foreign_keys,
    secretsSet: secrets.rows.filter((s) => s.payment_type_id === t.id).map((s) => s.name),
    tills: tills.rows.filter((x) => x.payment_type_id === t.id).map((x) => x.till_id),
    version: Number(t.version),
  }))
}

export type SaveResult = { ok: true; type: StoredType; version: number } | { ok: false; status: 400 | 404 | 409; error: Msg; errors?: FieldError[] }

/** Create (no `id`) or update a payment type from the console's body. Nothing changes unless all of it is valid. */
export async function saveType(
  db: Db,
  sealer: Sealer,
  storeId: string,
  actor: string,
  id: string | undefined,
  body: Record<string, unknown>,
  /** A till's upload: the audit row names the till and says so. */
  fromTill?: string,
): Promise<SaveResult> {
  return db.tx(async (q) => {
    const existing = id ? (await listTypes(q, storeId)).find((t) => t.id === id) : undefined
    if (id && !existing) return { ok: false, status: 404, error: msg('console.pt.notFound') }
    const provider = existing?.provider ?? (typeof body.provider === 'string' ? body.provider : '')
    const about = PROVIDER_SCHEMAS[provider]
    if (!about) return { ok: false, status: 400, error: msg('console.pt.unknownProvider') }
    const schema = about.schema
    const edit = parseTypeEdit(schema, { name: body.name, number: body.number, values: body.values ?? {} })
    const secrets = parseSecrets(schema, body.secrets ?? {})
    const errors = [...(edit.ok ? [] : edit.errors), ...(secrets.ok ? [] : secrets.errors)]
    if (!edit.ok || !secrets.ok) return { ok: false, status: 400, error: msg('console.pt.errors', { count: errors.length }), errors }
    const moved = urlMoveError(schema, existing?.values ?? {}, edit.edit.values, existing?.secretsSet ?? [], Object.keys(secrets.secrets))
    if (moved) return { ok: false, status: 400, error: moved.message, errors: [moved] }
    const tillIds = Array.isArray(body.tills) ? [...new Set(body.tills.filter((x): x is string => typeof x === 'string'))] : (existing?.tills ?? [])
    if (tillIds.length > 500) return { ok: false, status: 400, error: msg('console.pt.badTills') }
    const live = await q.query<{ id: string; name: string }>('SELECT id, name FROM till WHERE store_id = $1 AND revoked_at IS NULL AND id = ANY($2::text[])', [
      storeId,
      tillIds,
    ])
    // A revoked till already assigned may stay listed (nothing is sent to it); a new one must be live.
    const allowed = new Set([...live.rows.map((r) => r.id), ...(existing?.tills ?? [])])
    if (tillIds.some((t) => !allowed.has(t))) return { ok: false, status: 400, error: msg('console.pt.badTills') }
    const taken = await q.query('SELECT 1 FROM payment_type WHERE store_id = $1 AND number = $2 AND id <> $3', [storeId, edit.edit.number, id ?? ''])
    if (taken.rows.length)
      return {
        ok: false,
        status: 409,
        error: msg('console.pt.taken', { number: edit.edit.number }),
        errors: [{ field: 'number', message: msg('console.pt.taken', { number: edit.edit.number }) }],
      }

    const version = Number(
      (await q.query<{ config_version: number }>('UPDATE store SET config_version = config_version + 1 WHERE id = $1 RETURNING config_version', [storeId]))
        .rows[0]!.config_version,
    )
    const typeId = id ?? `st_${randomBytes(6).toString('hex')}`
    await q.query(
      `INSERT INTO payment_type (store_id, id, number, name, provider, settings, version) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (store_id, id) DO UPDATE SET number = excluded.number, name = excluded.name, settings = excluded.settings,
         version = excluded.version, updated_at = now()`,
      [storeId, typeId, edit.edit.number, edit.edit.name, provider, JSON.stringify(edit.edit.values), version],
    )
    for (const [name, plain] of Object.entries(secrets.secrets)) {
      const sealed = Buffer.from(sealer.seal({ storeId, paymentTypeId: typeId, tillId: '', name }, plain)).toString('base64')
      await q.query(
        `INSERT INTO payment_type_secret (store_id, payment_type_id, till_id, name, sealed) VALUES ($1, $2, '', $3, $4)
         ON CONFLICT (store_id, payment_type_id, till_id, name) DO UPDATE SET sealed = excluded.sealed, updated_at = now()`,
        [storeId, typeId, name, sealed],
      )
    }
    await q.query('DELETE FROM till_payment_type WHERE store_id = $1 AND payment_type_id = $2 AND NOT (till_id = ANY($3::text[]))', [storeId, typeId, tillIds])
    for (const t of tillIds)
      await q.query('INSERT INTO till_payment_type (till_id, store_id, payment_type_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [t, storeId, typeId])

    const before = existing?.values ?? {}
    const fields = schema.fields
      .filter((f) => !f.secret && !f.perTill)
      .filter((f) => valueText(before[f.name]) !== valueText(edit.edit.values[f.name]))
      .map((f) => f.name)
    if (existing && existing.name !== edit.edit.name) fields.unshift('name')
    if (existing && existing.number !== edit.edit.number) fields.unshift('number')
    const tillNames = await q.query<{ name: string }>('SELECT name FROM till WHERE id = ANY($1::text[]) ORDER BY name', [tillIds])
    const tillsChanged = !existing || [...existing.tills].sort().join() !== [...tillIds].sort().join()
    await q.query('INSERT INTO audit (store_id, till_id, actor, action, detail) VALUES ($1, $2, $3, $4, $5)', [
      storeId,
      fromTill ?? null,
      actor,
      fromTill ? 'ptUpload' : existing ? 'ptUpdate' : 'ptCreate',
      JSON.stringify({
        name: edit.edit.name,
        paymentTypeId: typeId,
        fields,
        // Only the names: a secret is in the audit log as "changed", never its value.
        secrets: Object.keys(secrets.secrets),
        ...(tillsChanged ? { tills: tillNames.rows.map((r) => r.name) } : {}),
        version,
      }),
    ])
    const type = (await listTypes(q, storeId)).find((t) => t.id === typeId)!
    return { ok: true, type, version }
  })
}

/** The keys a revoked till may still hold: the secrets of the types assigned to it. */
export async function keysToRotate(q: Queryable, storeId: string, tillId: string): Promise<{ paymentType: string; secrets: string[] }[]> {
  const r = await q.query<{ name: string; secret: string }>(
    `SELECT p.name, s.name AS secret FROM till_payment_type a
       JOIN payment_type p ON p.store_id = a.store_id AND p.id = a.payment_type_id
       JOIN payment_type_secret s ON s.store_id = p.store_id AND s.payment_type_id = p.id AND s.till_id IN ('', a.till_id)
      WHERE a.till_id = $1 AND a.store_id = $2 ORDER BY p.number, s.name`,
    [tillId, storeId],
  )
  const by = new Map<string, string[]>()
  for (const row of r.rows) by.set(row.name, [...(by.get(row.name) ?? []), row.secret])
  return [...by].map(([paymentType, secrets]) => ({ paymentType, secrets }))
}

/** GET /config for one till: its assigned types and their secrets, opened here and nowhere else. */
export function configSource(sealer: Sealer) {
  return async (q: Queryable, till: TillAuth, version: number): Promise<ConfigReply> => {
    if (till.revoked) return { version, paymentTypes: [], tillSettings: {}, secrets: {} }
    const types = await q.query<{ id: string; number: number; name: string; provider: string; settings: ConfigValues; version: number }>(
      `SELECT p.id, p.number, p.name, p.provider, p.settings, p.version FROM till_payment_type a
         JOIN payment_type p ON p.store_id = a.store_id AND p.id = a.payment_type_id
        WHERE a.till_id = $1 AND a.store_id = $2 ORDER BY p.number`,
      [till.tillId, till.storeId],
    )
    const secrets: Record<string, Record<string, string>> = {}
    const sealed = await q.query<{ payment_type_id: string; till_id: string; name: string; sealed: string }>(
      `SELECT s.payment_type_id, s.till_id, s.name, s.sealed FROM payment_type_secret s
         JOIN till_payment_type a ON a.store_id = s.store_id AND a.payment_type_id = s.payment_type_id AND a.till_id = $1
        WHERE s.store_id = $2 AND s.till_id IN ('', $1) ORDER BY s.till_id`,
      [till.tillId, till.storeId],
    )
    for (const s of sealed.rows) {
      const plain = sealer.open({ storeId: till.storeId, paymentTypeId: s.payment_type_id, tillId: s.till_id, name: s.name }, Buffer.from(s.sealed, 'base64'))
      ;(secrets[s.payment_type_id] ??= {})[s.name] = plain
    }
    return {
      version,
      paymentTypes: types.rows.map((t) => ({
        id: t.id,
        number: Number(t.number),
        name: t.name,
        provider: t.provider,
        values: t.settings,
        managed: true,
        configVersion: version,
      })),
      tillSettings: {},
      secrets,
    }
  }
}

/**
 * A newly enrolled till's own payment types (POST /api/v1/payment-types): each saved as the console saves one,
 * assigned to that till only, within UPLOAD_WINDOW_MS of its enrolment. A number the store already uses is not
 * taken over (`taken`): that type stays the till's own.
 */
export async function uploadTypes(db: Db, sealer: Sealer, till: TillAuth, types: UploadType[], now: number): Promise<UploadReply | 'closed'> {
  const t = await db.query<{ enrolled_at: Date | null; name: string }>('SELECT enrolled_at, name FROM till WHERE id = $1 AND store_id = $2', [
    till.tillId,
    till.storeId,
  ])
  const at = t.rows[0]?.enrolled_at
  if (!at || now - at.getTime() > UPLOAD_WINDOW_MS) return 'closed'
  const results: UploadReply['results'] = []
  for (const u of types) {
    const r = await saveType(db, sealer, till.storeId, t.rows[0]!.name, undefined, { ...u, tills: [till.tillId] }, till.tillId)
    results.push(r.ok ? { number: u.number, ok: true } : { number: u.number, ok: false, reason: r.status === 409 ? 'taken' : 'invalid' })
  }
  const version = Number(
    (await db.query<{ config_version: number }>('SELECT config_version FROM store WHERE id = $1', [till.storeId])).rows[0]?.config_version ?? 0,
  )
  return { version, results }
}
