// The push (docs/fleet.md § 4): idempotent upsert by id and rev, owned by one till, acked only after COMMIT;
// bad input answered clearly and changing nothing; back-pressure 413 / 503 + Retry-After / 429.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushReply } from '../../src/domain/store-contract.ts'
import { ENGINES, opRow, pushBody, status, storeFixture, type StoreFixture } from './support.ts'

type ErrorBody = { error: { code: string; message: string } }

describe.each(ENGINES)('push on %s', (engine) => {
  let f: StoreFixture
  beforeAll(async () => {
    f = await storeFixture(engine)
  })
  afterAll(() => f.close())

  const push = async (token: string, body: unknown) => {
    const r = await f.request('/push', { token, body })
    return { status: r.status, json: (await r.json()) as PushReply & ErrorBody, headers: r.headers }
  }
  const stored = async (id: string) =>
    (await f.db.query<{ rev: number; till_id: string; state: string; amount: number }>('SELECT rev, till_id, state, amount FROM operation WHERE id = $1', [id]))
      .rows

  it('a row pushed twice is stored once and acked both times; a newer rev replaces it', async () => {
    const t = await f.enrolTill()
    const row = opRow({ state: 'sent' })
    for (let i = 0; i < 2; i++) expect((await push(t.token, pushBody([row]))).json.acked).toEqual([[row.id, 1]])
    expect(await stored(row.id)).toEqual([{ rev: 1, till_id: t.tillId, state: 'sent', amount: row.amount }])
    const newer = { ...row, rev: 2, state: 'approved' as const }
    const r = await push(t.token, pushBody([newer, row]))
    expect(r.json.acked).toEqual([[row.id, 2]])
    expect(await stored(row.id)).toEqual([{ rev: 2, till_id: t.tillId, state: 'approved', amount: row.amount }])
  })

  it('a rev going backwards is refused as stale, naming the rev the store holds, and changes nothing', async () => {
    const t = await f.enrolTill()
    const row = opRow({ rev: 5, state: 'approved' })
    await push(t.token, pushBody([row]))
    const r = await push(t.token, pushBody([{ ...row, rev: 3, state: 'declined' }]))
    expect(r.json.acked).toEqual([])
    expect(r.json.rejected).toEqual([{ id: row.id, reason: 'stale', rev: 5, detail: expect.stringMatching(/rev 5/) }])
    expect(await stored(row.id)).toEqual([{ rev: 5, till_id: t.tillId, state: 'approved', amount: row.amount }])
  })

  it('a row another till owns is refused as foreign, never written, and recorded as an alarm', async () => {
    const a = await f.enrolTill('A')
    const b = await f.enrolTill('B')
    const row = opRow()
    await push(a.token, pushBody([row]))
    const mine = opRow()
    const r = await push(b.token, pushBody([{ ...row, rev: 9, amount: 1 }, mine]))
    expect(r.json.acked).toEqual([[mine.id, 1]])
    expect(r.json.rejected).toEqual([{ id: row.id, reason: 'foreign', detail: expect.any(String) }])
    expect(JSON.stringify(r.json)).not.toContain(a.tillId)
    expect(await stored(row.id)).toEqual([{ rev: 1, till_id: a.tillId, state: 'approved', amount: row.amount }])
    const alarm = await f.db.query<{ till_id: string; detail: { ids: string[] } }>("SELECT till_id, detail FROM audit WHERE action = 'push-foreign'")
    expect(alarm.rows).toEqual([{ till_id: b.tillId, detail: { ids: [row.id] } }])
  })

  it('malformed rows are refused one by one with what is wrong, and the rest of the batch lands', async () => {
    const t = await f.enrolTill()
    const good = opRow()
    const cases: [unknown, RegExp][] = [
      [{ ...opRow(), extra: 1 }, /extra: unknown field/],
      [{ ...opRow(), rev: 0 }, /rev/],
      [{ ...opRow(), rev: 1.5 }, /rev/],
      [{ ...opRow(), amount: '100' }, /amount/],
      [{ ...opRow(), id: 'not-a-ulid' }, /id must be a ULID/],
      [{ ...opRow(), state: 'paid' }, /state/],
      [{ ...opRow(), body: { code: { hash: 'h' } } }, /must not carry code/],
      [{ ...opRow(), currency: 'uzs' }, /currency/],
    ]
    const r = await push(t.token, pushBody([good, ...cases.map((c) => c[0])] as never))
    expect(r.status).toBe(200)
    expect(r.json.acked).toEqual([[good.id, 1]])
    expect(r.json.rejected).toHaveLength(cases.length)
    r.json.rejected.forEach((rej, i) => {
      expect(rej.reason).toBe('invalid')
      expect(rej.detail).toMatch(cases[i]![1])
    })
    const n = await f.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM operation WHERE till_id = $1', [t.tillId])
    expect(n.rows[0]!.n).toBe(1)
  })

  it('a malformed push is answered 400 with what is wrong and changes nothing', async () => {
    const t = await f.enrolTill()
    const row = opRow()
    const cases: [unknown, RegExp][] = [
      ['{"ops": [', /not JSON/],
      [{ ops: [row], shifts: [] }, /status/],
      [{ ...pushBody([row]), storeId: 'elsewhere' }, /storeId: unknown field/],
      [{ ...pushBody([row]), tillId: 'other' }, /tillId: unknown field/],
      [pushBody(Array.from({ length: 101 }, () => row)), /ops/],
      [{ ...pushBody([row]), status: { ...status(), outbox: -1 } }, /status\.outbox/],
    ]
    for (const [body, message] of cases) {
      const r = await push(t.token, body)
      expect(r.status).toBe(400)
      expect(r.json.error.code).toBe('invalid-body')
      expect(r.json.error.message).toMatch(message)
    }
    expect(await stored(row.id)).toEqual([])
  })

  it("keeps the till's last status, and stores a far-off clock's rows with the server's receive time beside them", async () => {
    const t = await f.enrolTill()
    const hourAhead = Date.now() + 3_600_000
    const row = opRow({ createdAt: hourAhead, updatedAt: hourAhead })
    const st = status({ outbox: 3, queue: 1, open: 2, attention: 1, oldestUnsyncedAt: hourAhead - 1000, now: hourAhead })
    const before = Date.now()
    const r = await push(t.token, pushBody([row], { status: st }))
    expect(r.json.acked).toEqual([[row.id, 1]])
    expect(r.json.warnings).toEqual([{ code: 'clock-skew', skewMs: expect.any(Number) }])
    expect(r.json.warnings![0]!.skewMs).toBeLessThan(-3_500_000)
    const till = await f.db.query<{ status: unknown; clock_skew_ms: number; last_push_at: Date }>(
      'SELECT status, clock_skew_ms, last_push_at FROM till WHERE id = $1',
      [t.tillId],
    )
    expect(till.rows[0]!.status).toEqual(st)
    expect(till.rows[0]!.clock_skew_ms).toBeLessThan(-3_500_000)
    const op = await f.db.query<{ created_at: number; received_at: Date }>('SELECT created_at, received_at FROM operation WHERE id = $1', [row.id])
    expect(op.rows[0]!.created_at).toBe(hourAhead)
    expect(op.rows[0]!.received_at.getTime()).toBeGreaterThanOrEqual(before - 2000)
    expect(op.rows[0]!.received_at.getTime()).toBeLessThan(hourAhead - 3_000_000)
  })

  it('shifts are stored by the till and number, acked as shift:N, and a rev going backwards is stale', async () => {
    const t = await f.enrolTill()
    const shift = { number: 3, rev: 1, openedAt: 1000, closedAt: 2000, body: { totals: { UZS: 100 } } }
    expect((await push(t.token, pushBody([], { shifts: [shift] }))).json.acked).toEqual([['shift:3', 1]])
    expect((await push(t.token, pushBody([], { shifts: [{ ...shift, rev: 2 }] }))).json.acked).toEqual([['shift:3', 2]])
    expect((await push(t.token, pushBody([], { shifts: [shift] }))).json.rejected).toEqual([
      { id: 'shift:3', reason: 'stale', rev: 2, detail: expect.any(String) },
    ])
    // Another till's shift 3 is its own row.
    const other = await f.enrolTill()
    expect((await push(other.token, pushBody([], { shifts: [shift] }))).json.acked).toEqual([['shift:3', 1]])
  })

  it('a body over the limit is refused with 413 and changes nothing', async () => {
    const t = await f.enrolTill()
    const big = Array.from({ length: 100 }, () => opRow({ body: { pad: 'x'.repeat(12_000) } }))
    const r = await push(t.token, pushBody(big))
    expect(r.status).toBe(413)
    expect(r.json.error.code).toBe('too-large')
    expect(await stored(big[0]!.id)).toEqual([])
  })
})

describe.each(ENGINES)('push back-pressure on %s', (engine) => {
  let release: () => void = () => undefined
  let held: Promise<void> = Promise.resolve()
  let entered: () => void = () => undefined
  let f: StoreFixture
  beforeAll(async () => {
    f = await storeFixture(engine, { pushSlots: 1, maxWaitingPushes: 1, pushRatePerS: 1, pushBurst: 3, afterPushCommit: () => (entered(), held) })
  })
  afterAll(() => f.close())

  it('a push beyond the slots and the wait line is told 503 with a Retry-After of 5–30 s; the held ones finish', async () => {
    const [a, b, c] = [await f.enrolTill(), await f.enrolTill(), await f.enrolTill()]
    held = new Promise<void>((r) => (release = r))
    const inSlot = new Promise<void>((r) => (entered = r))
    const first = f.request('/push', { token: a.token, body: pushBody([opRow()]) })
    await inSlot
    const second = f.request('/push', { token: b.token, body: pushBody([opRow()]) })
    await expect.poll(() => f.load().waiting).toBe(1)
    const third = await f.request('/push', { token: c.token, body: pushBody([opRow()]) })
    expect(third.status).toBe(503)
    expect(((await third.json()) as ErrorBody).error.code).toBe('busy')
    expect(Number(third.headers.get('Retry-After'))).toBeGreaterThanOrEqual(5)
    expect(Number(third.headers.get('Retry-After'))).toBeLessThanOrEqual(30)
    entered = () => undefined
    release()
    held = Promise.resolve()
    expect((await first).status).toBe(200)
    expect((await second).status).toBe(200)
  })

  it('a till pushing faster than its rate is told 429 with Retry-After', async () => {
    const t = await f.enrolTill()
    const codes: number[] = []
    for (let i = 0; i < 5; i++) codes.push((await f.request('/push', { token: t.token, body: pushBody([]) })).status)
    expect(codes.slice(0, 3)).toEqual([200, 200, 200])
    expect(codes).toContain(429)
    const r = await f.request('/push', { token: t.token, body: pushBody([]) })
    expect(r.status).toBe(429)
    expect(r.headers.get('Retry-After')).toBe('1')
    // Another till is not slowed by this one.
    const other = await f.enrolTill()
    expect((await f.request('/push', { token: other.token, body: pushBody([]) })).status).toBe(200)
  })
})
