// The journal's hot writes against IndexedDB (fake-indexeddb), request by request: a payment journaled under an id
// minted for it reads nothing, a state change is one read of the row beside its write, and the hooks still keep
// what they keep — the search keys, the revision, the `refunded` mark of a payment whose refund came first, and
// whatever another writer put on the row meanwhile.
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { IDBFactory, IDBIndex, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { advance, type Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import { harness, type Harness } from '../support/engine.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { rowBuilder, type RowInput } from '../support/journal-rows.ts'

/** IndexedDB requests sent while counting, by kind and store or index. */
let requests: string[] | undefined
const wrap = (proto: object, kind: string, methods: string[]) => {
  const saved = methods.map((m) => [m, (proto as Record<string, (...a: unknown[]) => unknown>)[m]!] as const)
  for (const [m, fn] of saved)
    (proto as Record<string, unknown>)[m] = function (this: { name: string }, ...a: unknown[]) {
      requests?.push(`${kind}.${m} ${this.name}`)
      return fn.apply(this, a)
    }
  return () => saved.forEach(([m, fn]) => ((proto as Record<string, unknown>)[m] = fn))
}
const unwrap = [
  wrap(IDBObjectStore.prototype, 'store', ['get', 'getAll', 'put', 'add', 'count']),
  wrap(IDBIndex.prototype, 'index', ['get', 'getAll', 'count', 'openCursor']),
]
afterAll(() => unwrap.forEach((u) => u()))

async function counted(fn: () => Promise<unknown>): Promise<string[]> {
  requests = []
  try {
    await fn()
    return requests
  } finally {
    requests = undefined
  }
}

/** A journal row with this file's defaults (the shared builder, test/support/journal-rows.ts). */
const build = rowBuilder('01W')
const op = (p: Omit<RowInput, 'id'> & { id: string }): Operation => build({ paymentTypeId: 'click', state: 'sent', ...p, id: p.id as OperationId })

let n = 0
const fresh = () => new PaydeskDb(`paydesk-write-${++n}`, { indexedDB: new IDBFactory(), IDBKeyRange })

describe('the journal’s hot writes', () => {
  it('a payment under a minted id looks for no refund; one written any other way still marks itself after its refund', async () => {
    const db = fresh()
    const minted = await counted(() =>
      db.transaction('rw', db.operations, () => db.operations.add(db.minted(op({ id: 'P0', kind: 'pay', amount: 100, createdAt: 1 })))),
    )
    expect(minted).toEqual(['store.add operations'])
    // A restore in the other order: the refund first, then its payment — looked up and marked.
    await db.operations.add(op({ id: 'R1', kind: 'refund', amount: 50, createdAt: 3, original: 'P1' as OperationId, state: 'approved' }))
    const restored = await counted(() => db.operations.add(op({ id: 'P1', kind: 'pay', amount: 100, createdAt: 2, state: 'approved' })))
    expect(restored).toContain('index.count original')
    expect((await db.operations.get('P1')) as Operation & { refunded?: true }).toMatchObject({ refunded: true })
    db.close()
  })

  it('a state change over the row as last committed reads it once, beside the write, and raises its revision once', async () => {
    const db = fresh()
    const first = op({ id: 'P1', kind: 'pay', amount: 100, createdAt: 1, code: { hash: 'h', masked: '1234…89', spent: true, scannedAt: 1 } })
    await db.transaction('rw', db.operations, () => db.operations.add(db.minted(first)))
    const base = (await db.operations.get('P1'))!
    const next = advance(base, { state: 'approved', ref: '987654321', details: { cardNumber: '8600 **** **** 4321' } }, 5)
    let moved: Operation | undefined
    const seen = await counted(() => db.transaction('rw', db.operations, async () => (moved = await db.putOver(base, next))))
    // The payment became approved money: its hour's tally is read beside the row's write and written after it, in
    // the same transaction (version 6); the write-ahead row above touched none.
    expect(seen).toEqual(['store.get operations', 'store.get tally', 'store.put operations', 'store.put tally'])
    expect(moved).toBeUndefined()
    const stored = (await db.operations.get('P1')) as Operation & { keys?: string[] }
    expect(stored).toMatchObject({ state: 'approved', rev: (base.rev ?? 0) + 1, outboxAt: base.outboxAt })
    // The search keys follow the change: the reference, the card's last 4, the masked code.
    expect(stored.keys).toEqual(expect.arrayContaining(['987654321', '4321', '1234…89']))
    db.close()
  })

  it('a state change over a row another writer moved meanwhile lands on the row as stored', async () => {
    const db = fresh()
    await db.operations.add(op({ id: 'P1', kind: 'pay', amount: 100, createdAt: 1 }))
    const base = (await db.operations.get('P1'))!
    // Another tab: the cashier stopped waiting.
    await db.operations.update('P1', { cashierLeft: true })
    const patch = { state: 'approved' as const }
    const final = await db.transaction('rw', db.operations, async () => {
      const moved = await db.putOver(base, advance(base, patch, 5))
      expect(moved).toMatchObject({ cashierLeft: true })
      const again = advance(moved!, patch, 5)
      await db.operations.put(again)
      return again
    })
    expect(await db.operations.get('P1')).toEqual(final)
    expect(final).toMatchObject({ state: 'approved', cashierLeft: true })
    expect(final.history.filter((e) => e.state === 'approved')).toHaveLength(1)
    db.close()
  })

  it('the updating hook writes into copies: the stored row read for an update is left as it was read', async () => {
    const db = fresh()
    await db.operations.add(op({ id: 'P1', kind: 'pay', amount: 100, createdAt: 1, details: { phone: '998 90 *** ** 12' } }))
    await db.transaction('rw', db.operations, async () => {
      const cur = (await db.rowForUpdate('P1'))!
      const before = structuredClone(cur)
      await db.operations.put({ ...cur, details: { ...cur.details, cardNumber: '8600 **** **** 4321' } })
      expect(cur).toEqual(before)
    })
    expect(((await db.operations.get('P1')) as Operation & { keys?: string[] }).keys).toEqual(expect.arrayContaining(['4321', '9012']))
    db.close()
  })
})

describe('a payment’s last commit', () => {
  let h: Harness
  afterEach(async () => h?.close())

  it('keeps a stop pressed in another tab while its request was out', async () => {
    const locks = memoryLocks()
    const tab: { other?: ReturnType<Harness['makeEngine']> } = {}
    let id: string | undefined
    h = await harness({
      confirmMode: false,
      locks,
      fetch: async (input, init) => {
        if (String(input).includes('/click_pass/payment') && tab.other) {
          id = (await h.ops()).find((o) => o.state === 'sent')!.id
          expect(await tab.other.stopWaiting(id)).toEqual({ ok: true })
        }
        return globalThis.fetch(input, init)
      },
    })
    // The first payment applies the confirm mode; the second is the one the other tab stops.
    expect(await h.engine.pay({ paymentTypeId: 'click', amount: 150_000, code: await h.token() })).toMatchObject({ ok: true })
    const other = (tab.other = h.makeEngine({ locks }))
    await other.start()
    const r = await h.engine.pay({ paymentTypeId: 'click', amount: 150_100, code: await h.token() })
    // The cashier who left gets the row as it stands; the payment goes on.
    expect(r).toMatchObject({ ok: true, op: { id, cashierLeft: true } })
    await h.engine.settled()
    const row = (await h.ops()).find((o) => o.id === id)!
    // ClickPass without confirm mode approves in the reply itself: approved, with the stop kept, once.
    expect(row).toMatchObject({ state: 'approved', cashierLeft: true })
    expect(row.history.map((e) => e.state)).toEqual(['created', 'sent', 'sent', 'approved'])
    other.stop()
  })
})
