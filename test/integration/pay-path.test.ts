// A payment costs the disk, not the engine. On the happy path a ClickPass payment commits what
// write-ahead needs — the operation with `sent`, before its request (with the scan guard's look-up in the same
// transaction), the final state — and reads nothing else: the payment type, its secrets and the
// provider's stored state come from memory, dropped when they change in this engine or in another on the same
// database (a second tab). Counted, not timed (the time is `npm run bench`).
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { IDBDatabase } from 'fake-indexeddb'
import { harness, type Harness } from '../support/engine.ts'

let h: Harness
afterEach(async () => h?.close())

// Dexie binds the database's `transaction` when it opens it: the count is installed before any engine opens one.
let seen: string[] | undefined
const open = IDBDatabase.prototype.transaction
IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, ...rest: unknown[]) {
  seen?.push(`${mode ?? 'readonly'} ${[stores].flat().join('+')}`)
  return (open as (...a: unknown[]) => IDBTransaction).call(this, stores, mode, ...rest)
} as typeof open
afterAll(() => {
  IDBDatabase.prototype.transaction = open
})

/** IndexedDB transactions opened while `fn` runs, by mode and stores. */
async function transactions(fn: () => Promise<unknown>): Promise<string[]> {
  seen = []
  try {
    await fn()
    return seen
  } finally {
    seen = undefined
  }
}

describe('the pay path', () => {
  it('commits two read-write transactions of the journal and reads nothing; the log goes in the background', async () => {
    h = await harness({ confirmMode: false })
    // The first payment applies the confirm mode (stored once, which drops what is kept); the second fills the memory.
    for (const amount of [150_000, 150_001])
      expect(await h.engine.pay({ paymentTypeId: 'click', amount, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    await h.engine.settled()
    const code = await h.token()
    const seen = await transactions(async () => {
      const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150_100, code })
      expect(r).toMatchObject({ ok: true, op: { state: 'approved' } })
      await h.engine.settled()
    })
    const journal = seen.filter((t) => !t.endsWith(' log'))
    // Still two: each takes the tally store in its scope (version 6), written only by the one that approves.
    expect(journal).toEqual(['readwrite operations+tally', 'readwrite operations+tally'])
    expect(seen.filter((t) => t.endsWith(' log')).length).toBeLessThanOrEqual(2)
    // The journal says the same as before: created, sent, approved, the code spent.
    const op = (await h.ops()).at(-1)!
    expect(op.history.map((e) => e.state)).toEqual(['created', 'sent', 'approved'])
    expect(op.code?.spent).toBe(true)
  })

  it('the operation is in the journal, `sent` and its code spent, before its first request leaves', async () => {
    let atRequest: unknown[] | undefined
    h = await harness({
      confirmMode: false,
      fetch: async (input, init) => {
        if (String(input).includes('/click_pass/payment') && !atRequest) atRequest = (await h.ops()).map((o) => [o.state, o.code?.spent])
        return globalThis.fetch(input, init)
      },
    })
    await h.engine.settled()
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(atRequest).toEqual([['sent', true]])
  })

  it('a second payment of the type while one is out is refused as busy, and the next one goes through', async () => {
    let second: unknown
    h = await harness({
      confirmMode: false,
      fetch: async (input, init) => {
        if (String(input).includes('/click_pass/payment') && second === undefined)
          second = await h.engine.pay({ paymentTypeId: 'click', amount: 150_001, code: await h.token() })
        return globalThis.fetch(input, init)
      },
    })
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect(second).toMatchObject({ ok: false, message: { key: 'common.busy' } })
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_002, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    expect((await h.ops()).map((o) => o.amount).sort()).toEqual([150_000, 150_002])
  })

  it('a code scanned before keeps its first scan time, written in the payment’s own first transaction', async () => {
    h = await harness({ provider: 'payme' })
    await h.fault({ route: 'create', fault: 'noReply' })
    const code = await h.token()
    const first = await h.engine.pay({ paymentTypeId: 'payme', amount: 150_050, code })
    expect(first).toMatchObject({ ok: true, op: { state: 'declined', code: { spent: false } } })
    const scannedAt = first.ok ? first.op.code!.scannedAt : NaN
    await h.clock.advance(3_000) // the cashier retries with the same scan (docs/rules.md R6.5)
    let again: Awaited<ReturnType<typeof h.engine.pay>> | undefined
    const retried = await transactions(async () => (again = await h.engine.pay({ paymentTypeId: 'payme', amount: 150_050, code })))
    expect(again).toMatchObject({ ok: true, op: { state: 'approved', code: { spent: true, scannedAt } } })
    // The same transactions as a payment with a fresh code: the corrected row rides in the first one.
    await h.clock.advance(3_000)
    const other = await h.token()
    const fresh = await transactions(() => h.engine.pay({ paymentTypeId: 'payme', amount: 150_051, code: other }))
    expect(retried.filter((t) => !t.endsWith(' log'))).toEqual(fresh.filter((t) => !t.endsWith(' log')))
  })

  it('a code already used is refused from the journal, in the transaction that would have journaled it', async () => {
    h = await harness({ confirmMode: false })
    const code = await h.token()
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code })).toMatchObject({ ok: true, op: { state: 'approved' } })
    await h.clock.advance(3_000) // past the double-read window: this is a second scan
    const before = (await h.ops()).length
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code })).toMatchObject({ ok: false, message: { key: 'common.qrUsed' } })
    expect((await h.ops()).length).toBe(before)
  })

  it('a payment type changed in another tab is what this tab pays with next', async () => {
    h = await harness({ confirmMode: false })
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    const other = h.makeEngine()
    await other.start()
    const t = (await other.listPaymentTypes())[0]!
    const values = Object.fromEntries(
      Object.entries(t.values)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    )
    // Another tab saves a wrong secret: this engine's next payment is signed with it and refused by ClickPass.
    expect(
      await other.savePaymentType({ id: t.id, provider: 'clickpass', number: t.number, name: t.name, values, secrets: { secretKey: 'wrong-key' } }),
    ).toMatchObject({
      ok: true,
    })
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150_100, code: await h.token() })
    expect(r.ok && r.op.state).not.toBe('approved')
    // And back: the right secret saved in this tab pays again at once.
    expect(
      await h.engine.savePaymentType({ id: t.id, provider: 'clickpass', number: t.number, name: t.name, values, secrets: { secretKey: 'S3cr3t-Click-Key' } }),
    ).toMatchObject({
      ok: true,
    })
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_200, code: await h.token() })).toMatchObject({ ok: true, op: { state: 'approved' } })
    other.stop()
  })
})
