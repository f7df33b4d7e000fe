// The store sync, the till's half: the engine's journal reaches a store (in memory, docs/fleet.md § 4) exactly once, and
// the till never waits for it. Each exactly-once case ends with one store row per operation at the till's final
// rev and an empty outbox.
import { afterEach, describe, expect, it } from 'vitest'
import { harness, deferred, type Harness } from '../support/engine.ts'
import { fakeStore, STORE, type FakeStore } from '../support/fake-store.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { outboxStore } from '../../workers/engine/sync/outbox.ts'
import { TOKEN_KEY } from '../../workers/engine/sync/link.ts'
import type { Engine } from '../../workers/engine/engine.ts'

let h: Harness
let store: FakeStore
const extra: Engine[] = []
afterEach(async () => {
  for (const e of extra.splice(0)) e.stop()
  await h?.close()
})

async function setup(opts: { locks?: ReturnType<typeof memoryLocks> } = {}) {
  store = fakeStore()
  h = await harness({ fetch: store.fetch, ...opts })
  return h
}

async function enrol(engine: Engine = h.engine) {
  const r = await engine.enrolStore({ address: STORE, code: store.code('T1') })
  expect(r.ok).toBe(true)
}

async function pay(amount = 150050) {
  const r = await h.engine.pay({ paymentTypeId: 'click', amount, code: await h.token() })
  await h.engine.settled()
  expect(r.ok && (await h.op(r.op.id)).state).toBe('approved')
  return r.ok ? r.op.id : ''
}

const s_body = (r: { body: Record<string, unknown> }) => r.body.body as Record<string, unknown>

/** Every operation of the till is in the store once, at the till's rev, and nothing waits. */
async function exactlyOnce() {
  const ops = await h.ops()
  expect(ops.length).toBeGreaterThan(0)
  expect([...store.ops.keys()].sort()).toEqual(ops.map((o) => o.id).sort())
  for (const o of ops) expect(store.ops.get(o.id)!.rev).toBe(o.rev)
  expect(await outboxStore(h.db).depth()).toEqual({ count: 0 })
  for (const o of ops) expect(o.syncedRev).toBe(o.rev)
}

describe('joining a store', () => {
  it('the code gives a token kept as a secret: never in the link the UI reads, the log or the export', async () => {
    await setup()
    await enrol()
    const status = await h.engine.storeStatus()
    expect(status.link).toMatchObject({ address: STORE, storeId: 'S1', tillId: 'T1', storeName: 'Store One' })
    const token = (await h.db.secrets.get(TOKEN_KEY))!.value
    expect(token).toMatch(/^tok-T1/)
    expect(JSON.stringify(status)).not.toContain(token)
    await pay()
    await h.engine.syncNow()
    expect(await h.engine.exportLog()).not.toContain(token)
    expect(await h.engine.exportJournal()).not.toContain(token)
  })

  it('bad input changes nothing: a bad address, a bad code, a refused code, an unreachable store', async () => {
    await setup()
    expect(await h.engine.enrolStore({ address: 'ftp://x', code: 'ABCDEFGH12' })).toMatchObject({ ok: false, message: { key: 'store.badAddress' } })
    expect(await h.engine.enrolStore({ address: STORE, code: 'short' })).toMatchObject({ ok: false, message: { key: 'store.badCode' } })
    expect(await h.engine.enrolStore({ address: STORE, code: 'ABCDEFGH99' })).toMatchObject({ ok: false, message: { key: 'store.codeRefused' } })
    store.state.down = true
    expect(await h.engine.enrolStore({ address: STORE, code: store.code() })).toMatchObject({ ok: false, message: { key: 'store.unreachable' } })
    expect((await h.engine.storeStatus()).link).toBeUndefined()
    expect(await h.db.secrets.get(TOKEN_KEY)).toBeUndefined()
  })

  it('the existing journal uploads after enrolment; un-enrol is refused while anything waits', async () => {
    await setup()
    await pay()
    await pay(200000)
    expect((await h.engine.storeStatus()).waiting).toBe(2)
    store.state.down = true
    await enrol().catch(() => undefined)
    store.state.down = false
    await enrol()
    store.state.down = true
    await h.engine.syncNow()
    expect(await h.engine.unenrolStore()).toMatchObject({ ok: false, message: { key: 'store.outboxNotEmpty', params: { count: 2 } } })
    store.state.down = false
    await h.engine.syncNow()
    await exactlyOnce()
    expect(await h.engine.unenrolStore()).toMatchObject({ ok: true })
    expect(await h.db.secrets.get(TOKEN_KEY)).toBeUndefined()
  })

  it('a device re-enrolled as a till the store knows numbers its shifts on from the store’s last one', async () => {
    await setup()
    store.state.lastShift = 7
    await enrol()
    await pay()
    expect((await h.engine.shiftStatus()).number).toBe(8)
    expect((await h.engine.closeDay({})).ok).toBe(true)
    await h.engine.syncNow()
    expect([...store.shifts.values()].map((s) => s.body.number)).toEqual([8])
    expect((await h.engine.shiftStatus()).number).toBe(9)
  })
})

describe('what a push carries', () => {
  it('the operations without the customer code or search keys, the request log never, and the till status', async () => {
    await setup()
    await enrol()
    const id = await pay()
    const op = await h.op(id)
    expect(op.code?.hash).toBeTruthy()
    await h.engine.syncNow()
    const push = store.pushes.at(-1)!
    expect(push.ops[0]).toMatchObject({ id, rev: op.rev, state: 'approved', amount: 150050, body: { id, state: 'approved', history: op.history } })
    for (const k of ['code', 'keys', 'rev', 'outboxAt', 'syncedRev', 'display', 'tab']) expect(push.ops[0]!.body).not.toHaveProperty(k)
    expect(push.text).not.toContain(op.code!.hash)
    expect(push.text).not.toContain(op.code!.masked)
    // Nothing of the request log (its rows have `route` and `event`) rides along.
    const logRows = await h.db.log.toArray()
    expect(logRows.length).toBeGreaterThan(0)
    expect(push.text).not.toContain('"event"')
    expect(push.status).toMatchObject({ outbox: 1, queue: 0, open: 0, attention: 0, appVersion: expect.any(String), configVersion: 1, now: h.clock.now() })
    expect(push.status.oldestUnsyncedAt).toBe(op.outboxAt)
  })

  it('batches of at most 100 rows; a 413 sends fewer rows a push and still gets everything there', async () => {
    await setup()
    await enrol()
    // 230 rows straight into the journal (as the upgrade would queue an old journal).
    const base = await h.op(await pay())
    await h.db.operations.bulkAdd(
      Array.from({ length: 229 }, (_, i) => ({ ...base, id: `01J${String(i).padStart(23, '0')}` as typeof base.id, createdAt: base.createdAt + i + 1 })),
    )
    await h.engine.syncNow()
    expect(store.pushes.map((p) => p.ops.length)).toEqual([100, 100, 30])
    await exactlyOnce()
    await h.db.operations.toCollection().modify((o) => void (o.details = { ...o.details, touched: true }))
    store.state.maxRows = 40
    await h.engine.syncNow()
    expect(Math.max(...store.pushes.slice(3).map((p) => p.ops.length))).toBeLessThanOrEqual(40)
    await exactlyOnce()
  })
})

describe('acknowledgements', () => {
  it('a row changed while its push was in flight stays queued and goes again at the new rev', async () => {
    await setup()
    await enrol()
    const id = await pay()
    const sentRev = (await h.op(id)).rev!
    const hold = deferred()
    store.state.hold = hold
    const pushing = h.engine.syncNow()
    await expect.poll(() => store.pushes.length).toBe(1)
    await h.db.operations.update(id, { note: 'changed meanwhile' } as never)
    hold.resolve()
    await pushing
    const row = await h.op(id)
    // The store acknowledged the rev it was sent; the row is past it, so it is not marked synced.
    expect(store.ops.get(id)!.rev).toBe(sentRev)
    expect(row.syncedRev).toBeUndefined()
    expect(row.rev).toBe(sentRev + 1)
    expect(row.outboxAt).toBeDefined()
    await h.engine.syncNow()
    await exactlyOnce()
  })

  it('a row another till owns is refused, leaves the outbox with a syncError and counts as needs attention', async () => {
    await setup()
    await enrol()
    const id = await pay()
    store.foreign(id)
    await h.engine.syncNow()
    const row = await h.op(id)
    expect(row.syncError).toMatchObject({ reason: 'foreign', rev: row.rev })
    expect(row.outboxAt).toBeUndefined()
    expect(await h.engine.storeStatus()).toMatchObject({ waiting: 0, rejected: 1 })
    await pay()
    await h.engine.syncNow()
    expect(store.pushes.at(-1)!.status).toMatchObject({ attention: 1 })
    expect(store.ops.get(id)!.tillId).toBe('OTHER')
  })

  it('a revoked token stops the pushes and says so', async () => {
    await setup()
    await enrol()
    store.revoke('T1')
    await pay()
    const r = await h.engine.syncNow()
    expect(r.error).toBe('revoked')
    expect((await h.engine.storeStatus()).link).toMatchObject({ revoked: true })
    await h.engine.syncNow()
    expect(store.pushes).toHaveLength(0)
  })
})

describe('a till never waits for the store', () => {
  it('the store down for the whole sale: payments, a cancel and the day close work; it comes back and gets everything once', async () => {
    await setup()
    await enrol()
    store.state.down = true
    const a = await pay()
    await pay(300000)
    const cancel = await h.engine.reverse({ opId: a, kind: 'cancel' })
    expect(cancel.ok && cancel.op.state).toBe('approved')
    await h.engine.settled()
    const r = await h.engine.syncNow()
    expect(r.error).toMatch(/refused/)
    expect((await h.engine.storeStatus()).link?.lastError).toBeDefined()
    const z = await h.engine.closeDay({})
    expect(z.ok).toBe(true)
    store.state.down = false
    await h.engine.syncNow()
    await exactlyOnce()
    const shift = [...store.shifts.values()]
    expect(shift.map((s) => [s.rev, s.body.number, (s.body.body as Record<string, unknown>).operations])).toEqual([[1, 1, 3]])
    // The till's own totals of the shift ride along: one payment left (the other was cancelled).
    expect((s_body(shift[0]!).totals as { total: { net: number }[] }).total[0]!.net).toBe(300000)
    expect((await h.engine.storeStatus()).link?.lastError).toBeUndefined()
  })

  it('a store that never answers holds up no payment', async () => {
    await setup()
    await enrol()
    await pay()
    const hold = deferred()
    store.state.onPush = () => hold.promise
    const pushing = h.engine.syncNow()
    await expect.poll(() => store.pushes.length + (store.state.onPush ? 1 : 0)).toBeGreaterThan(0)
    await pay(250000)
    expect((await h.engine.closeDay({})).ok).toBe(true)
    store.state.onPush = undefined
    hold.resolve()
    await pushing
    await h.engine.syncNow()
    await exactlyOnce()
  })
})

describe('exactly once under faults', () => {
  it('two tabs draining at once: one drainer, each row pushed once', async () => {
    const locks = memoryLocks()
    await setup({ locks })
    await enrol()
    for (let i = 0; i < 3; i++) await pay(100000 + i)
    const other = h.makeEngine({ locks })
    extra.push(other)
    await Promise.all([h.engine.syncNow(), other.syncNow(), h.engine.syncNow()])
    await exactlyOnce()
    const sent = store.pushes.flatMap((p) => p.ops.map((o) => o.id))
    expect(sent).toHaveLength(new Set(sent).size)
  })

  it('two tabs without a shared lock still end with one row per operation', async () => {
    await setup()
    await enrol()
    for (let i = 0; i < 3; i++) await pay(100000 + i)
    const other = h.makeEngine({ locks: memoryLocks() })
    extra.push(other)
    await Promise.all([h.engine.syncNow(), other.syncNow()])
    await exactlyOnce()
  })

  it('the till killed during a push (the store committed, the reply never came) and reopened', async () => {
    await setup()
    await enrol()
    await pay()
    await pay(400000)
    const hold = deferred()
    store.state.hold = hold
    const dying = h.engine.syncNow()
    await expect.poll(() => store.pushes.length).toBe(1)
    // The tab dies: its engine stops, the reply is never read.
    h.engine.stop()
    const reopened = h.makeEngine()
    extra.push(reopened)
    await reopened.start()
    await reopened.syncNow()
    hold.resolve()
    await dying
    await exactlyOnce()
    expect(store.ops.size).toBe(2)
  })

  it('a reply lost after the store committed: the resend is acknowledged, nothing doubles', async () => {
    await setup()
    await enrol()
    await pay()
    store.state.dropReplies = 1
    const r = await h.engine.syncNow()
    expect(r.error).toBeDefined()
    expect(store.ops.size).toBe(1)
    await h.engine.syncNow()
    await exactlyOnce()
    expect(store.pushes).toHaveLength(2)
  })
})
