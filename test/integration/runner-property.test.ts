// Property tests of the operation state machine and of the engine's queue runner.
// Any interleaving of replies, losses (applied but unanswered, or never applied), requests
// killed in flight, restarts and drains ends — once the processor answers again — with the
// journal equal to the processor's state: every payment final, money never lost or doubled.
// The processor is a small model; the engine, journal, queue and recovery are the real ones.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { createEngine, type Engine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import type { Clock } from '../../workers/engine/clock.ts'
import type { AnyProvider, OpCtx, QueueVerdict } from '../../workers/providers/types.ts'
import { msg } from '../../src/domain/messages.ts'
import { advance, canMove, FINAL_STATES, isFinal, OPEN_STATES, type Operation, type OpState } from '../../src/domain/operation.ts'

// ---- the operation state machine ------------------------------------------------------------

const ALL: OpState[] = ['created', 'sent', 'approved', 'declined', 'unknown', 'resolving', 'compensating', 'compensated', 'needs-attention']

describe('operation state machine (property)', () => {
  it('from every state an operation can reach, a final state is reachable: no operation can be stuck for ever', () => {
    const reach = (from: OpState) => {
      const seen = new Set<OpState>([from])
      const todo = [from]
      while (todo.length) {
        const s = todo.pop()!
        for (const to of ALL) {
          if (!canMove(s, to) || seen.has(to)) continue
          seen.add(to)
          todo.push(to)
        }
      }
      return seen
    }
    for (const s of reach('created'))
      expect(
        [...reach(s)].some((x) => FINAL_STATES.includes(x)),
        s,
      ).toBe(true)
  })

  it('any sequence of patches: refused moves change nothing, accepted ones are all in the history, and a final state stays', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ state: fc.option(fc.constantFrom(...ALL), { nil: undefined }), note: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }) }),
          { maxLength: 20 },
        ),
        (patches) => {
          let op = {
            id: 'X',
            kind: 'pay',
            provider: 'clickpass',
            paymentTypeId: 't',
            amount: 100,
            currency: 'UZS',
            state: 'created',
            createdAt: 0,
            updatedAt: 0,
            history: [],
          } as unknown as Operation
          const states: OpState[] = ['created']
          let t = 0
          for (const p of patches) {
            const before = op
            try {
              op = advance(op, { ...(p.state ? { state: p.state } : {}), ...(p.note ? { note: p.note } : {}) }, ++t)
            } catch {
              expect(op).toBe(before)
              continue
            }
            if (isFinal(before.state)) expect(op.state).toBe(before.state)
            if (op.state !== states.at(-1)) states.push(op.state)
          }
          const changes = op.history.map((h) => h.state).filter((s, i, a) => (i === 0 ? s !== 'created' : s !== a[i - 1]))
          expect(['created', ...changes]).toEqual(states)
        },
      ),
      { numRuns: 300 },
    )
  })
})

// ---- the queue runner against a model processor ---------------------------------------------

/** What happens to one request: answered; applied but the reply lost; never applied; or the tab dies with it in flight. */
type Wire = 'ok' | 'lost' | 'down' | 'killApplied' | 'kill'

class ModelProcessor {
  payments = new Map<string, { state: 'paid' | 'reversed'; reversals: number }>()
  #script: Wire[]
  /** Resolves when a request hangs because its tab was killed. */
  killed: Promise<void> = new Promise(() => undefined)
  #onKill: () => void = () => undefined
  constructor(script: Wire[]) {
    this.#script = [...script]
    this.armKill()
  }
  armKill() {
    this.killed = new Promise((r) => (this.#onKill = r))
  }
  quiet() {
    this.#script = []
  }
  async #wire<T>(apply: () => T): Promise<T | undefined> {
    const w = this.#script.shift() ?? 'ok'
    if (w === 'down') return undefined
    if (w === 'kill') await this.#die()
    const r = apply()
    if (w === 'killApplied') await this.#die()
    return w === 'lost' ? undefined : r
  }
  /** The tab dies with the request in flight: no reply ever comes. */
  #die(): Promise<never> {
    this.#onKill()
    return new Promise<never>(() => undefined)
  }
  pay(id: string) {
    return this.#wire(() => {
      if (!this.payments.has(id)) this.payments.set(id, { state: 'paid', reversals: 0 })
      return 'paid' as const
    })
  }
  status(id: string) {
    return this.#wire(() => this.payments.get(id)?.state ?? ('absent' as const))
  }
  reverse(id: string) {
    return this.#wire(() => {
      const p = this.payments.get(id)
      if (!p) return 'absent' as const
      if (p.state === 'reversed') return 'alreadyReversed' as const
      p.state = 'reversed'
      p.reversals++
      return 'reversed' as const
    })
  }
}

type Ctx = OpCtx<unknown>

function modelProvider(model: ModelProcessor): AnyProvider {
  const approve = async (ctx: Ctx, note?: string) => {
    if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
    await ctx.commit({ state: 'approved', message: msg('common.approved'), ...(note ? { note } : {}) })
  }
  /** Status first, then the reversal only of what is still paid (the queue's attempt). */
  const runQueued = async (ctx: Ctx): Promise<QueueVerdict> => {
    const ref = ctx.op.ref!
    const s = await model.status(ref)
    if (s === undefined) return { kind: 'retry', error: 'status: no answer' }
    if (s !== 'paid') {
      await approve(ctx, `nothing to reverse: ${s}`)
      return { kind: 'done' }
    }
    if (ctx.op.state === 'created') await ctx.commit({ state: 'sent', sentAt: ctx.clock.now() })
    const r = await model.reverse(ref)
    if (r === undefined) return { kind: 'retry', error: 'reversal: no answer' }
    await approve(ctx)
    return { kind: 'done' }
  }
  return {
    id: 'sendy',
    title: 'Model',
    currency: 'UZS',
    schema: { fileName: 'model.conf', section: 'Main', title: 'Model', fields: [] },
    scanHint: 'sale.scanTitle',
    capabilities: {
      payModes: ['merchant-dynamic'],
      cancel: true,
      refund: 'none',
      cancelRefund: false,
      void: false,
      reconcile: false,
      loyalty: false,
      shifts: false,
      blockWhileCompensating: false,
    },
    codeLifetimeMs: 60_000,
    queueFloorMs: 0,
    toConfig: () => ({}),
    checkCode: () => undefined,
    async pay(ctx) {
      await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), ref: ctx.op.id })
      const r = await model.pay(ctx.op.id)
      if (r === 'paid') return approve(ctx)
      // No answer is never "no money moved": the queue finds out and reverses what went through.
      await ctx.compensate({ message: msg('common.unknownAttention'), note: 'pay: no answer' })
    },
    async resume(ctx) {
      // After a restart, by kind: a pay found open goes to compensation; a cancel is decided by the queue.
      if (ctx.op.kind === 'pay') return ctx.compensate({ message: msg('common.unknownAttention'), note: 'resumed' })
      return ctx.queueSelf({ state: ctx.op.state === 'sent' ? 'unknown' : ctx.op.state, message: msg('common.cancelQueued') })
    },
    async reverse(ctx, original) {
      await ctx.commit({ state: 'sent', sentAt: ctx.clock.now(), ref: original.ref })
      const r = await model.reverse(original.ref!)
      if (r === 'reversed') return approve(ctx)
      return ctx.queueSelf({ state: 'unknown', message: msg('common.cancelQueued'), note: `reversal: ${r ?? 'no answer'}` })
    },
    runQueued,
  }
}

class TestClock implements Clock {
  t = 1_700_000_000_000
  now() {
    return this.t
  }
  async sleep(ms: number, signal?: AbortSignal) {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError')
    this.t += ms
    await new Promise((r) => setImmediate(r))
  }
}

type Step = { kind: 'pay' } | { kind: 'cancel'; which: number } | { kind: 'drain' } | { kind: 'restart' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'pay' }),
  fc.nat({ max: 5 }).map<Step>((which) => ({ kind: 'cancel', which })),
  fc.constant<Step>({ kind: 'drain' }),
  fc.constant<Step>({ kind: 'restart' }),
)
const wire = fc.constantFrom<Wire>('ok', 'ok', 'lost', 'down', 'killApplied', 'kill')

let dbSeq = 0

async function run(steps: Step[], script: Wire[]) {
  const model = new ModelProcessor(script)
  const clock = new TestClock()
  const idb = new IDBFactory()
  const name = `runner-property-${++dbSeq}`
  const provider = modelProvider(model)
  const open = () =>
    createEngine({
      db: new PaydeskDb(name, { indexedDB: idb, IDBKeyRange }),
      fetch: globalThis.fetch,
      clock,
      locks: memoryLocks(),
      providers: [provider],
      timers: false,
      random: () => 0.5,
    })
  const db = new PaydeskDb(name, { indexedDB: idb, IDBKeyRange })
  let engine: Engine = open()
  await engine.start()
  await engine.savePaymentType({ id: 'm', number: 1, name: 'Model', provider: 'sendy', values: {} })
  /** Run one engine call; a request killed in flight kills the "tab", and the till is reopened on the same journal. */
  const act = async (call: (e: Engine) => Promise<unknown>) => {
    const killed = model.killed.then(() => 'killed' as const)
    const r = await Promise.race([
      call(engine)
        .then(() => engine.settled())
        .then(() => 'done' as const),
      killed,
    ])
    if (r === 'killed') {
      model.armKill()
      await restart()
    }
  }
  const restart = async () => {
    engine.stop()
    engine = open()
    await act((e) => e.start())
  }
  for (const s of steps) {
    if (s.kind === 'pay') await act((e) => e.pay({ paymentTypeId: 'm', amount: 150_000, code: '' }))
    else if (s.kind === 'cancel') {
      const approved = (await db.operations.toArray()).filter((o) => o.kind === 'pay' && o.state === 'approved' && !o.reversedBy)
      const target = approved[s.which % Math.max(1, approved.length)]
      if (target) await act((e) => e.reverse({ opId: target.id, kind: 'cancel' }))
    } else if (s.kind === 'drain') {
      await clock.sleep(400_000)
      await act((e) => e.drainQueue())
    } else await restart()
  }
  // The processor answers again: reopen, and drain until nothing is left.
  model.quiet()
  await restart()
  for (let i = 0; i < 20 && (await db.queue.count()) > 0; i++) {
    await clock.sleep(400_000)
    await act((e) => e.drainQueue())
  }
  engine.stop()
  const ops = await db.operations.toArray()
  db.close()
  return { ops, model }
}

/** The journal's word on a payment's money: still with the store, or back with the customer / never taken. */
function journalSays(pay: Operation, ops: Operation[]): 'kept' | 'not kept' | 'open' {
  if (!isFinal(pay.state)) return 'open'
  if (pay.state === 'approved') {
    const cancel = ops.find((o) => o.original === pay.id && o.kind === 'cancel' && o.state === 'approved')
    return cancel ? 'not kept' : 'kept'
  }
  return 'not kept'
}

describe('queue runner (property)', () => {
  // A hundred engines over fake-indexeddb: CPU-bound, so a loaded machine stretches it past the default timeout.
  it(
    'any interleaving of replies, losses, kills in flight, restarts and drains ends with the journal equal to the processor',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), fc.array(wire, { maxLength: 12 }), async (steps, script) => {
          const { ops, model } = await run(steps, script)
          expect(ops.filter((o) => OPEN_STATES.includes(o.state)).map((o) => `${o.kind} ${o.state}`)).toEqual([])
          expect(ops.filter((o) => o.state === 'needs-attention')).toEqual([])
          for (const pay of ops.filter((o) => o.kind === 'pay')) {
            const server = model.payments.get(pay.id)
            const held = server?.state === 'paid' ? 'kept' : 'not kept'
            expect(journalSays(pay, ops), `${pay.id}: ${pay.state}, server ${server?.state ?? 'absent'}`).toBe(held)
            // Never doubled: a payment is reversed at most once.
            expect(server?.reversals ?? 0).toBeLessThanOrEqual(1)
          }
        }),
        {
          numRuns: 100,
          // The shapes of the four known losses, always tried.
          examples: [
            [
              [{ kind: 'pay' }, { kind: 'cancel', which: 0 }],
              ['ok', 'kill'],
            ],
            [
              [{ kind: 'pay' }, { kind: 'cancel', which: 0 }],
              ['ok', 'killApplied'],
            ],
            [
              [{ kind: 'pay' }, { kind: 'cancel', which: 0 }, { kind: 'restart' }, { kind: 'drain' }],
              ['ok', 'lost', 'down'],
            ],
            [
              [{ kind: 'pay' }, { kind: 'drain' }],
              ['lost', 'down', 'down'],
            ],
            [
              [{ kind: 'pay' }, { kind: 'pay' }],
              ['killApplied', 'ok'],
            ],
          ],
        },
      )
    },
  )
})
