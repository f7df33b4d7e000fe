// The store sync loads when the till has a store (workers/engine/sync/lazy.ts): when another tab of the till joins
// a store, this tab's sync starts by itself — a row committed here is then pushed about a second later with no one
// asking, as it was when every till started its sync at start.
// Real time, short waits, with the timer on (as in the browser).
import { afterEach, expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { createLogger } from '../../workers/engine/log.ts'
import { lazySync } from '../../workers/engine/sync/lazy.ts'
import { createSync } from '../../workers/engine/sync/sync.ts'
import { fakeStore, STORE } from '../support/fake-store.ts'
import type { Operation } from '../../src/domain/operation.ts'
import { rowBuilder } from '../support/journal-rows.ts'

const stops: (() => void)[] = []
afterEach(() => stops.splice(0).forEach((s) => s()))

let seq = 0
const row = rowBuilder('01K0000000000000')
const op = (): Operation => row({ kind: 'pay', amount: 100, createdAt: Date.now() })

/** Two tabs of one till: two databases over the same IndexedDB, each with its sync as the engine builds it. */
function till() {
  const indexedDB = new IDBFactory()
  const name = `sync-lazy-${++seq}`
  const store = fakeStore()
  const locks = memoryLocks()
  const deps = (db: PaydeskDb, timers: boolean) => ({
    db,
    clock: realClock,
    locks,
    log: createLogger(
      db,
      () => Date.now(),
      () => [],
    ),
    random: () => 0,
    fetch: store.fetch,
    timers,
  })
  const here = new PaydeskDb(name, { indexedDB, IDBKeyRange })
  const there = new PaydeskDb(name, { indexedDB, IDBKeyRange })
  return { store, here, there, deps }
}

it('another tab joining a store starts this tab’s sync: what waited goes, and a commit here is pushed', async () => {
  const { store, here, there, deps } = till()
  const sync = lazySync(deps(here, true))
  stops.push(() => sync.stop())
  await sync.start()
  // A sale before the till has a store: its row waits in the outbox.
  await here.operations.add(op())

  // The other tab joins (its own sync without a timer: it never pushes by itself).
  const other = createSync(deps(there, false))
  stops.push(() => other.stop())
  expect(await other.calls.enrolStore({ address: STORE, code: store.code('T1') })).toMatchObject({ ok: true })
  // This tab's sync starts: what waits goes, and the next commit here is pushed with no one asking.
  await expect.poll(() => store.ops.size, { timeout: 5_000, interval: 50 }).toBe(1)
  const next = op()
  await here.operations.add(next)
  await expect.poll(() => store.ops.has(next.id), { timeout: 5_000, interval: 50 }).toBe(true)
})

it('a till linked to a store starts its sync at start; its calls answer as the sync’s', async () => {
  const { store, here, deps } = till()
  const first = lazySync(deps(here, false))
  stops.push(() => first.stop())
  await first.start()
  expect(await first.calls.storeStatus()).toMatchObject({ waiting: 0 })
  expect(await first.calls.enrolStore({ address: STORE, code: store.code('T1') })).toMatchObject({ ok: true })
  first.stop()

  // A restart with the link stored: the start pushes what waits (no timer: the start drains once).
  await here.operations.add(op())
  const again = lazySync(deps(here, false))
  stops.push(() => again.stop())
  await again.start()
  expect(store.ops.size).toBe(1)
})
