// POST /payment-types: a till that joins with payment types of its own uploads them. Saved as the console saves
// one (the provider's schema, a secret sealed and never in the database as text), assigned to that till only,
// audited as the till's upload; a number the store already has is not taken over; per-till fields and unknown
// fields are refused; only soon after enrolment; an enrolled till's token only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { createSealer } from '../../server/admin/seal.ts'
import { configSource, uploadTypes } from '../../server/admin/payment-types.ts'
import { UPLOAD_WINDOW_MS } from '../../src/domain/store-contract.ts'
import { ENGINES, storeFixture, type StoreFixture } from './support.ts'

const SECRET = 'till-own-secret-5150'
const click = (number: number, over: Record<string, unknown> = {}) => ({
  provider: 'clickpass',
  number,
  name: `Click ${number}`,
  values: { url: 'https://api.click.uz/v2/merchant', serviceId: 77, merchantUserId: 5, timeout: 12 },
  secrets: { secretKey: SECRET },
  ...over,
})

describe.each(ENGINES)('payment type upload on %s', (engine) => {
  let f: StoreFixture
  let now = 0
  const sealer = createSealer(new Uint8Array(randomBytes(32)))
  beforeAll(async () => {
    f = await storeFixture(engine)
    now = Date.now() + 60_000
    f.ctx.uploadTypes = (db, till, types) => uploadTypes(db, sealer, till, types, now)
    f.ctx.config = configSource(sealer)
  })
  afterAll(() => f.close())

  it('saves the till’s types for that till, seals the secret, audits the upload, and keeps a taken number the till’s', async () => {
    const t = await f.enrolTill('Касса 7')
    const other = await f.enrolTill('Касса 8')
    const r = await f.request('/payment-types', { token: t.token, body: { types: [click(11), click(12)] } })
    expect(r.status).toBe(200)
    const reply = (await r.json()) as { version: number; results: { number: number; ok: boolean; reason?: string }[] }
    expect(reply.results).toEqual([
      { number: 11, ok: true },
      { number: 12, ok: true },
    ])
    const cfg = (await (await f.request('/config', { token: t.token })).json()) as {
      version: number
      paymentTypes: { id: string; number: number; values: { timeout?: number } }[]
      secrets: Record<string, Record<string, string>>
    }
    expect(cfg.version).toBe(reply.version)
    expect(cfg.paymentTypes.map((p) => p.number)).toEqual([11, 12])
    expect(cfg.paymentTypes[0]!.values.timeout).toBe(12)
    expect(cfg.secrets[cfg.paymentTypes[0]!.id]).toEqual({ secretKey: SECRET })
    // Not the other till's; the secret is nowhere in the database as text.
    const theirs = (await (await f.request('/config', { token: other.token })).json()) as { paymentTypes: unknown[] }
    expect(theirs.paymentTypes).toEqual([])
    const dump = JSON.stringify((await f.db.query('SELECT * FROM payment_type_secret')).rows) + JSON.stringify((await f.db.query('SELECT * FROM audit')).rows)
    expect(dump).not.toContain(SECRET)
    const audit = await f.db.query<{ action: string; actor: string; till_id: string; detail: { secrets: string[] } }>(
      "SELECT action, actor, till_id, detail FROM audit WHERE action = 'ptUpload' ORDER BY id",
    )
    expect(audit.rows.map((a) => [a.actor, a.till_id, a.detail.secrets])).toEqual([
      ['Касса 7', t.tillId, ['secretKey']],
      ['Касса 7', t.tillId, ['secretKey']],
    ])

    // The other till uploads number 11 too: the store keeps its own, that type stays the till's.
    const again = await f.request('/payment-types', { token: other.token, body: { types: [click(11), click(13)] } })
    expect(((await again.json()) as { results: unknown[] }).results).toEqual([
      { number: 11, ok: false, reason: 'taken' },
      { number: 13, ok: true },
    ])
  })

  it('refuses a per-till field, an unknown field, a bad value — and every upload once the enrolment is old', async () => {
    const t = await f.enrolTill('Касса 9')
    const bad = await f.request('/payment-types', {
      token: t.token,
      body: {
        types: [click(21, { values: { serviceId: 'x', merchantUserId: 5, url: 'https://api.click.uz' } }), click(22, { values: { cashboxCode: 'K1' } })],
      },
    })
    expect(((await bad.json()) as { results: unknown[] }).results).toEqual([
      { number: 21, ok: false, reason: 'invalid' },
      { number: 22, ok: false, reason: 'invalid' },
    ])
    const unknown = await f.request('/payment-types', { token: t.token, body: { types: [{ ...click(23), extra: 1 }] } })
    expect(unknown.status).toBe(400)
    expect((await f.request('/payment-types', { body: { types: [click(24)] } })).status).toBe(401)
    now = Date.now() + UPLOAD_WINDOW_MS + 60_000
    const late = await f.request('/payment-types', { token: t.token, body: { types: [click(25)] } })
    expect(late.status).toBe(409)
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe('upload-closed')
  })
})
