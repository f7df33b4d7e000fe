// Enrolment and till tokens (docs/fleet.md § 4): a one-time code, usable once even under racing enrolments,
// expired codes refused, tokens kept only as hashes, revoked and forged tokens refused, identity from the token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueEnrolCode, revokeTill } from '../../server/store/enrolment.ts'
import { sha256hex } from '../../server/store/secrets.ts'
import { ENGINES, STORE, opRow, pushBody, storeFixture, type StoreFixture } from './support.ts'

const device = { name: 'Kassa', appVersion: '0.1.0' }

describe.each(ENGINES)('enrolment on %s', (engine) => {
  let f: StoreFixture
  beforeAll(async () => {
    f = await storeFixture(engine)
  })
  afterAll(() => f.close())

  it('a code is 10 Crockford characters, stored only as its hash, and gives the till a token and the store identity', async () => {
    const { code, tillId } = await issueEnrolCode(f.db, { storeId: STORE.id, name: 'Касса 1' })
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/)
    const stored = await f.db.query<{ code_hash: string }>('SELECT code_hash FROM enrolment WHERE till_id = $1', [tillId])
    expect(stored.rows[0]!.code_hash).toBe(sha256hex(code))
    // Typed by a person: lower case, with a dash and a space.
    const typed = `${code.slice(0, 5).toLowerCase()}-${code.slice(5)} `
    const r = await f.request('/enrol', { body: { code: typed, device } })
    expect(r.status).toBe(200)
    const reply = (await r.json()) as { token: string; tillId: string; storeId: string; storeName: string; tillName: string; lastShift: number }
    expect(reply).toMatchObject({ tillId, storeId: STORE.id, storeName: STORE.name, tillName: 'Касса 1', lastShift: 0 })
    const till = await f.db.query<{ token_hash: string }>('SELECT token_hash FROM till WHERE id = $1', [tillId])
    expect(till.rows[0]!.token_hash).toBe(sha256hex(reply.token))
    expect(JSON.stringify((await f.db.query('SELECT * FROM till')).rows)).not.toContain(reply.token)
  })

  it('a code is usable once, even by two enrolments racing', async () => {
    const { code } = await issueEnrolCode(f.db, { storeId: STORE.id, name: 'Race' })
    const replies = await Promise.all([1, 2, 3].map(() => f.request('/enrol', { body: { code, device } })))
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400, 400])
    const again = await f.request('/enrol', { body: { code, device } })
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual({ error: { code: 'code-invalid', message: expect.stringMatching(/unknown, used or expired/) } })
  })

  it('an expired code is refused', async () => {
    const { code } = await issueEnrolCode(f.db, { storeId: STORE.id, name: 'Late', ttlMs: -1000 })
    const r = await f.request('/enrol', { body: { code, device } })
    expect(r.status).toBe(400)
  })

  it('a malformed enrolment is answered clearly and changes nothing', async () => {
    const { code, tillId } = await issueEnrolCode(f.db, { storeId: STORE.id, name: 'Bad' })
    const cases: [unknown, RegExp][] = [
      ['not json', /not JSON/],
      [{ code }, /device/],
      [{ code, device, storeId: 'elsewhere' }, /storeId: unknown field/],
      [{ code, device: { ...device, name: 'x'.repeat(500) } }, /device\.name/],
    ]
    for (const [body, message] of cases) {
      const r = await f.request('/enrol', { body })
      expect(r.status).toBe(400)
      expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(message)
    }
    const still = await f.db.query('SELECT 1 FROM enrolment WHERE till_id = $1 AND used_at IS NULL', [tillId])
    expect(still.rowCount).toBe(1)
  })

  it('a forged token, a missing one and one from another store are refused', async () => {
    const push = pushBody([opRow()])
    expect((await f.request('/push', { body: push })).status).toBe(401)
    const forged = await f.request('/push', { body: push, token: 'pdt_' + 'A'.repeat(43) })
    expect(forged.status).toBe(401)
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    // A till of another store in the same database (a restored dump, a shared database): its token is not this store's.
    await f.db.query("INSERT INTO store (id, name) VALUES ('other', 'Other') ON CONFLICT DO NOTHING")
    const { code } = await issueEnrolCode(f.db, { storeId: 'other', name: 'Elsewhere' })
    const other = await f.request('/enrol', { body: { code, device } })
    expect(other.status).toBe(400)
    expect((await f.db.query('SELECT 1 FROM operation')).rowCount).toBe(0)
  })

  it('a revoked token is refused, and re-enrolling the till with a new code gives a new token and lastShift', async () => {
    const t = await f.enrolTill('Revoked')
    const push = pushBody([opRow()], { shifts: [{ number: 7, rev: 1, openedAt: 1, closedAt: 2, body: {} }] })
    expect((await f.request('/push', { body: push, token: t.token })).status).toBe(200)
    expect(await revokeTill(f.db, t.tillId, 'admin')).toBe(true)
    const refused = await f.request('/push', { body: pushBody([opRow()]), token: t.token })
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('revoked')
    expect((await f.request('/config', { token: t.token })).status).toBe(401)
    const { code } = await issueEnrolCode(f.db, { storeId: STORE.id, tillId: t.tillId })
    const again = await f.request('/enrol', { body: { code, device } })
    const reply = (await again.json()) as { token: string; tillId: string; lastShift: number }
    expect(reply.tillId).toBe(t.tillId)
    expect(reply.lastShift).toBe(7)
    expect((await f.request('/push', { body: pushBody([]), token: t.token })).status).toBe(401)
    expect((await f.request('/push', { body: pushBody([]), token: reply.token })).status).toBe(200)
  })
})
