// The sync runner's triggers with its timer on (as in the browser): a commit that puts a row in the
// outbox is pushed about a second later with no one asking; a failed push is tried again by the backoff timer;
// the browser's `online` pushes at once. Real time, short waits.
import { afterEach, expect, it } from 'vitest'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { createLogger } from '../../workers/engine/log.ts'
import { linkStore } from '../../workers/engine/sync/link.ts'
import { syncRunner, type SyncRunner } from '../../workers/engine/sync/runner.ts'
import type { PushAnswer, StoreTransport } from '../../workers/engine/sync/transport.ts'
import type { Operation } from '../../src/domain/operation.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import type { Minor } from '../../src/domain/money.ts'

let runner: SyncRunner | undefined
afterEach(() => runner?.stop())

let seq = 0
type Answer = 'ok' | 'fail' | (() => Promise<'ok' | 'fail'>)
async function setup(answers: Answer[], random = 0) {
  const db = new PaydeskDb(`sync-runner-${++seq}`, { indexedDB: new IDBFactory(), IDBKeyRange })
  await linkStore(db).save(
    { address: 'http://store.test', storeId: 'S', tillId: 'T', storeName: 'S', tillName: 'T', tillKind: 'till', enrolledAt: 0, configVersion: 1, lastShift: 0 },
    'token-token-token-token',
  )
  const pushes: number[] = []
  const transport: StoreTransport = {
    enrol: () => Promise.reject(new Error('not here')),
    uploadTypes: () => Promise.reject(new Error('not here')),
    push: async (_base, _token, batch): Promise<PushAnswer> => {
      pushes.push(batch.ops.length)
      const next = answers.shift() ?? 'ok'
      if ((typeof next === 'function' ? await next() : next) === 'fail') return { kind: 'retry', reason: 'connection refused' }
      return { kind: 'ok', ops: batch.ops.map((o) => [o.id, o.rev]), shifts: [], rejected: [], configVersion: 1 }
    },
  }
  const log = createLogger(
    db,
    () => Date.now(),
    () => [],
  )
  runner = syncRunner({ db, clock: realClock, locks: memoryLocks(), log, random: () => random, transport, appVersion: 't', timers: true })
  return { db, pushes }
}

const op = (): Operation => ({
  id: `01J${String(++seq).padStart(23, '0')}` as OperationId,
  kind: 'pay',
  provider: 'clickpass',
  paymentTypeId: 'c',
  amount: 100 as Minor,
  currency: 'UZS',
  state: 'approved',
  createdAt: Date.now(),
  updatedAt: Date.now(),
  history: [],
})

it('a committed row is pushed about a second later with no one asking', async () => {
  const { db, pushes } = await setup([])
  const o = op()
  await db.operations.add(o)
  const t0 = Date.now()
  await expect.poll(() => pushes.length, { timeout: 5_000, interval: 50 }).toBe(1)
  expect(Date.now() - t0).toBeGreaterThanOrEqual(900)
  await expect.poll(async () => (await db.operations.get(o.id))?.syncedRev, { timeout: 2_000 }).toBe(1)
})

it('a failed push is tried again by the backoff timer; online pushes at once', async () => {
  // Jitter near its top: a retry waits about 5 s (docs/rules.md R5), far from «at once» even on a loaded machine.
  const { db, pushes } = await setup(['fail', 'ok', 'fail', 'ok'], 0.99)
  await db.operations.add(op())
  await expect.poll(() => pushes.length, { timeout: 15_000, interval: 50 }).toBe(2)
  expect(await db.operations.where('outboxAt').above(0).count()).toBe(0)
  // Another row fails once; `online` does not wait for the backoff.
  await db.operations.add(op())
  await expect.poll(() => pushes.length, { timeout: 5_000, interval: 50 }).toBe(3)
  const failedAt = Date.now()
  runner!.online()
  await expect.poll(() => pushes.length, { timeout: 4_000, interval: 20 }).toBe(4)
  // Before the backoff's own retry (about 5 s after the failure) could have come.
  expect(Date.now() - failedAt).toBeLessThan(4_000)
  expect(await db.operations.where('outboxAt').above(0).count()).toBe(0)
})

it('online while a push is in flight: when that push fails, the next one goes at once, not after the backoff', async () => {
  // The push that was in flight when the network came back fails on the old one; `online` still means «push now».
  let fail!: () => void
  const held = () => new Promise<'fail'>((resolve) => (fail = () => resolve('fail')))
  const { db, pushes } = await setup([held, 'ok'], 0.99)
  await db.operations.add(op())
  await expect.poll(() => pushes.length, { timeout: 5_000, interval: 20 }).toBe(1)
  runner!.online()
  const failedAt = Date.now()
  fail()
  await expect.poll(() => pushes.length, { timeout: 4_000, interval: 20 }).toBe(2)
  // Before the backoff's own retry (about 5 s after the failure) could have come.
  expect(Date.now() - failedAt).toBeLessThan(4_000)
  await expect.poll(async () => db.operations.where('outboxAt').above(0).count(), { timeout: 2_000 }).toBe(0)
})
