// The Comlink proxy to the payment worker: the only way the UI reaches payments.
import * as Comlink from 'comlink'
import type { Api } from '../workers/payment.worker.ts'
import type { PaydeskDb } from '../workers/engine/db.ts'

const worker = new Worker(new URL('../workers/payment.worker.ts', import.meta.url), { type: 'module', name: 'paydesk-payments' })

export const engine = Comlink.wrap<Api>(worker)

/**
 * Read-only view of the same IndexedDB for liveQuery (journal, queue, log). Secrets are never read here.
 * Dexie is not in the first load (issue 23): the view loads right after the first paint, while the cashier
 * types the amount. `live()` subscribes once it is here; a read started before (`await db.operations…`)
 * is replayed on it when it arrives. After that `db` is the Dexie instance itself.
 */
export const dbReady: Promise<PaydeskDb> = import('../workers/engine/db.ts').then((m) => (view = new m.PaydeskDb()))
let view: PaydeskDb | undefined

type Step = { get: PropertyKey } | { call: unknown[] }

/** A chain of property reads and calls on the view, replayed when it arrives; awaiting it runs it. */
function later(steps: Step[]): unknown {
  return new Proxy(function () {}, {
    get(_, p) {
      if (p !== 'then') return later([...steps, { get: p }])
      const run = dbReady.then((v) => {
        let target: unknown = v
        let self: unknown = undefined
        for (const s of steps) {
          if ('get' in s) [self, target] = [target, (target as Record<PropertyKey, unknown>)[s.get]]
          else [self, target] = [undefined, (target as (...a: unknown[]) => unknown).apply(self, s.call)]
        }
        return target
      })
      return run.then.bind(run)
    },
    apply: (_, __, args) => later([...steps, { call: args }]),
  })
}

export const db = new Proxy({} as PaydeskDb, {
  get: (_, p) => (view ? Reflect.get(view, p) : later([{ get: p }])),
})
