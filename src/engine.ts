// The Comlink proxy to the payment worker: the only way the UI reaches payments.
import * as Comlink from 'comlink'
import type { Api } from '../workers/payment.worker.ts'
import { PaydeskDb } from '../workers/engine/db.ts'

const worker = new Worker(new URL('../workers/payment.worker.ts', import.meta.url), { type: 'module', name: 'paydesk-payments' })

export const engine = Comlink.wrap<Api>(worker)

/** Read-only view of the same IndexedDB for liveQuery (journal, queue, log). Secrets are never read here. */
export const db = new PaydeskDb()
