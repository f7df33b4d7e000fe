// An open operation whose worker died (its tab crashed) is taken over by a live worker —
// at once when a stop is pressed in any tab, and on a sweep of the timer loop — while an operation a
// live worker drives, or a sale just being created, is left alone. Two engines on one database are two
// tabs; an engine with its own lock manager is a tab whose worker died (the browser freed its locks).
import { afterEach, expect, it } from 'vitest'
import { harness, type Harness } from '../support/engine.ts'
import { createHttp, type Http } from '../../workers/transport/http.ts'
import type { Logger } from '../../workers/engine/log.ts'
import { memoryLocks, type Locks } from '../../workers/engine/locks.ts'
import { newOperation } from '../../workers/engine/new-operation.ts'
import type { Minor } from '../../src/domain/money.ts'
import type { OperationId } from '../../src/domain/ids.ts'
import { CREATED_GRACE_MS } from '../../workers/engine/recovery.ts'

let h: Harness
afterEach(async () => h?.close())

/** The crashed tab's transport: its status checks never answer (the renderer is gone mid-poll). */
const deadAt =
  (route: string) =>
  (source: string, log: Logger): Http => {
    const real = createHttp(globalThis.fetch, log, source, () => h.clock.now())
    return { send: (req) => (req.route === route ? new Promise<never>(() => undefined) : real.send(req)) }
  }

async function until<T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = await get()
    if (ok(v)) return v
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('condition not met')
}

/** Tab A starts a PaymeGO payment and is left polling for ever (`locks`: its lock manager). */
async function paymentInTabA(locks: Locks) {
  // The customer's bank holds the debit for a second (state 2), then pays.
  await h.fault({ route: 'pay', fault: 'pending', forMs: 1_000 })
  const a = h.makeEngine({ locks, http: deadAt('check') })
  void a.pay({ paymentTypeId: 'payme', amount: 150050, code: await h.token() })
  const op = await until(
    async () => (await h.ops())[0],
    (o) => o?.state === 'resolving',
  )
  return { a, op: op! }
}

const checks = async () => (await h.routes()).filter((r) => r === 'check').length

it('a stop pressed in the surviving tab takes over the sale whose tab died: its cancel queued and sent (docs/protocols/payme.md rule 1.3.9)', async () => {
  const shared = memoryLocks()
  h = await harness({ provider: 'payme', locks: shared })
  const { a, op } = await paymentInTabA(memoryLocks())
  a.stop()
  expect(await h.engine.stopWaiting(op.id)).toEqual({ ok: true })
  await h.engine.settled()
  expect((await h.op(op.id)).state).toBe('compensating')
  for (let i = 0; i < 10 && (await h.op(op.id)).state !== 'compensated'; i++) {
    await h.clock.advance(60_000)
    await h.engine.drainQueue()
    await h.engine.settled()
  }
  expect((await h.op(op.id)).state).toBe('compensated')
  expect((await h.receipts())[0]?.state).toBe(50)
})

it('the timer sweep takes over the orphaned sale without any stop', async () => {
  h = await harness({ provider: 'payme', locks: memoryLocks() })
  const { a, op } = await paymentInTabA(memoryLocks())
  a.stop()
  await h.engine.drainQueue()
  await h.engine.settled()
  expect(await h.op(op.id)).toMatchObject({ state: 'approved' })
  expect((await h.receipts())[0]?.state).toBe(4)
})

it('a sale the other tab still drives (its lock held) is left to it, on a stop and on a sweep', async () => {
  const shared = memoryLocks()
  h = await harness({ provider: 'payme', locks: shared })
  const { a, op } = await paymentInTabA(shared)
  await h.engine.drainQueue()
  await h.engine.stopWaiting(op.id)
  await h.engine.settled()
  expect(await checks()).toBe(0)
  expect((await h.op(op.id)).state).toBe('resolving')
  a.stop()
})

it('a sale just being created (journaled, lock not yet taken) is not declined under the creator; an old one is', async () => {
  h = await harness({ provider: 'payme', locks: memoryLocks() })
  const now = h.clock.now()
  const op = newOperation(
    { id: 'OP-CREATED' as OperationId, kind: 'pay', provider: 'payme', paymentTypeId: 'payme', amount: 100 as Minor, currency: 'UZS' },
    now,
  )
  await h.db.operations.add(op)
  await h.engine.drainQueue()
  await h.engine.settled()
  expect((await h.op(op.id)).state).toBe('created')
  await h.clock.advance(CREATED_GRACE_MS)
  await h.engine.drainQueue()
  await h.engine.settled()
  expect(await h.op(op.id)).toMatchObject({ state: 'declined', message: { key: 'common.interrupted' } })
})

it('the same sale crashed twice: the tab that took it over dies too, and a third tab takes it over and settles it', async () => {
  h = await harness({ provider: 'payme', locks: memoryLocks() })
  const { a, op } = await paymentInTabA(memoryLocks())
  a.stop()
  // Tab B takes it over on its sweep and dies asking too.
  const b = h.makeEngine({ locks: memoryLocks(), http: deadAt('check') })
  await b.drainQueue()
  await until(
    async () => (await h.db.log.toArray()).filter((r) => JSON.stringify(r).includes('resuming an operation no worker drives')).length,
    (n) => n === 1,
  )
  b.stop()
  await h.engine.drainQueue()
  await h.engine.settled()
  expect(await h.op(op.id)).toMatchObject({ state: 'approved' })
  expect((await h.receipts())[0]?.state).toBe(4)
})
