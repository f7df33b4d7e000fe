// The engine in a module worker on Chromium's IndexedDB (strict durability, as in the app):
// each engine payment is timed against the bare sandbox request it wraps, interleaved.
import * as Comlink from 'comlink'
import { createEngine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { webLocks } from '../../workers/engine/locks.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { authHeader } from '../../workers/providers/clickpass/auth.ts'
import { ulid } from '../../src/domain/ids.ts'
import type { Operation } from '../../src/domain/operation.ts'

const SECRET = 'bench-secret'
const CONTROL = { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' }

/** IndexedDB transactions opened in this worker, by mode and stores (what a payment costs in commits). */
const txCount = new Map<string, number>()
let txMs = 0
const openTx = IDBDatabase.prototype.transaction
IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, opts?: IDBTransactionOptions) {
  const key = `${mode ?? 'readonly'} ${[stores].flat().join('+')}`
  txCount.set(key, (txCount.get(key) ?? 0) + 1)
  const tx = openTx.call(this, stores, mode, opts)
  // Time from open to commit of the journal's transactions (the log's are written in the background).
  if (![stores].flat().includes('log')) {
    const t0 = performance.now()
    const done = () => (txMs += performance.now() - t0)
    tx.addEventListener('complete', done)
    tx.addEventListener('abort', done)
  }
  return tx
} as typeof IDBDatabase.prototype.transaction

const api = {
  ping: () => ({ ok: true, op: { id: '01J0000000000000000000000', state: 'approved', history: [] } }),
  /**
   * `runs` timed payments after `warmup` untimed ones (the first payments pay for JIT, the
   * IndexedDB open and the sandbox's first connection). Each timed payment is paired with a
   * bare request sent just before it, so a load spike hits both sides of one sample.
   */
  async bench(runs: number, warmup: number, origin: string, durability: 'strict' | 'relaxed') {
    const ctl = (path: string, body: unknown, method = 'POST') =>
      fetch(`${origin}/sandbox/clickpass/_control/${path}`, { method, headers: CONTROL, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ token: string }>,
      )
    await ctl('config', { secretKey: SECRET, maxAmount: 1e13, magic: false }, 'PUT')
    const db = new PaydeskDb(`paydesk-bench-${durability}-${Date.now()}`, { chromeTransactionDurability: durability })
    const engine = createEngine({
      db,
      fetch: (i, init) => fetch(i, init),
      clock: realClock,
      locks: webLocks(navigator.locks),
      providers: PROVIDERS,
      timers: false,
      baseUrl: origin,
    })
    await engine.start()
    await engine.savePaymentType({
      id: 'bench',
      number: 99,
      name: 'ClickPass',
      provider: 'clickpass',
      values: { url: `${origin}/sandbox/clickpass`, serviceId: '85335', merchantUserId: '123', confirmMode: 'false', timeout: '10' },
      secrets: { secretKey: SECRET },
    })
    const tokens: string[] = []
    for (let i = 0; i < (runs + warmup) * 2; i++) tokens.push((await ctl('wallet/token', {})).token)
    const run = `${durability}-${Date.now()}`
    const bare = async (code: string, i: number) => {
      const auth = await authHeader(123, SECRET, Math.floor(Date.now() / 1000))
      const body = JSON.stringify({ service_id: 85335, otp_data: code, amount: 1500, transaction_id: `BARE-${run}-${i}` })
      const res = await fetch(`${origin}/sandbox/clickpass/v2/merchant/click_pass/payment`, {
        method: 'POST',
        headers: { Auth: auth, Accept: 'application/json', 'Content-Type': 'application/json' },
        body,
      })
      await res.text()
    }
    // As the till's page asks: the id minted by the page, the scan's time, the tab.
    let last: Operation | undefined
    const pay = async (i: number) => {
      const id = ulid(Date.now(), crypto.getRandomValues(new Uint8Array(16)))
      const r = await engine.pay({ id, paymentTypeId: 'bench', amount: 150000 + i, code: tokens.pop()!, scannedAt: Date.now(), tab: 'bench' })
      if (!r.ok || r.op.state !== 'approved') throw new Error(`bench payment failed: ${JSON.stringify(r)}`)
      last = r.op
    }
    // The floor write-ahead needs, on the same database: a payment's row written with `sent`, then its final
    // state, each in a strict read-write transaction of its own (a put, no read), by IndexedDB itself.
    const idb = db.backendDB()
    /** One strict read-write transaction of IndexedDB itself: the unpatched call, not counted as the payment's. */
    const idbTx = (stores: string[], requests: (tx: IDBTransaction) => void) =>
      new Promise<void>((resolve, reject) => {
        const tx = openTx.call(idb, stores, 'readwrite', { durability })
        requests(tx)
        tx.oncomplete = () => resolve()
        tx.onabort = () => reject(tx.error ?? new Error('bench transaction aborted'))
      })
    const rawTx = (row: unknown) => idbTx(['operations'], (tx) => tx.objectStore('operations').put(row))
    const raw = async (i: number) => {
      const row = { ...last!, id: `RAW-${run}-${i}`, code: { ...last!.code!, hash: `raw-${run}-${i}` } }
      await rawTx({ ...row, state: 'sent' })
      await rawTx({ ...row, state: 'approved' })
    }
    // The floor the rules set, as IndexedDB and Web Locks themselves, no Dexie and no engine: the payment type's
    // lock (docs/rules.md R8) and the operation's (docs/orphans.md) asked together, as the pay verb asks them
    // (`Locks.hold`); the row written `sent` beside the scan guard's look-up of the code's hash (R6), committed
    // before the request (docs/architecture.md § 4); then the row read beside its final put, with the hour's kept
    // total read and written back, committed before the answer; the locks let go.
    const benchLocks = webLocks(navigator.locks)
    const rules = async (i: number) => {
      const row = { ...last!, id: `RULES-${run}-${i}`, code: { ...last!.code!, hash: `rules-${run}-${i}` } }
      const held = [`paydesk-bench-op-${row.id}`, `paydesk-bench-pay-${run}`].map((name) => benchLocks.hold(name, { ifAvailable: true }))
      await Promise.all(held.map((h) => h.granted))
      await idbTx(['operations', 'tally'], (tx) => {
        const ops = tx.objectStore('operations')
        ops.index('code.hash').getAll(row.code.hash)
        ops.add({ ...row, state: 'sent' })
      })
      await idbTx(['operations', 'tally'], (tx) => {
        const ops = tx.objectStore('operations')
        ops.get(row.id)
        ops.put({ ...row, state: 'approved' })
        const tally = tx.objectStore('tally')
        const key = [0, 'bench-rules', row.currency]
        const got = tally.get(key)
        got.onsuccess = () => {
          const t = (got.result as { count: number; sum: number } | undefined) ?? { count: 0, sum: 0 }
          tally.put({ hour: 0, paymentTypeId: 'bench-rules', currency: row.currency, count: t.count + 1, sum: t.sum + row.amount })
        }
      })
      await Promise.all(held.map((h) => h.release()))
    }
    for (let i = 0; i < warmup; i++) {
      await bare(tokens.pop()!, -1 - i)
      await pay(-1 - i)
      await rules(-1 - i)
    }
    await engine.settled()
    txCount.clear()
    txMs = 0
    const bareMs: number[] = []
    const engineMs: number[] = []
    const rawMs: number[] = []
    const rulesMs: number[] = []
    for (let i = 0; i < runs; i++) {
      let t = performance.now()
      await bare(tokens.pop()!, i)
      bareMs.push(performance.now() - t)
      t = performance.now()
      await pay(i)
      engineMs.push(performance.now() - t)
      t = performance.now()
      await raw(i)
      rawMs.push(performance.now() - t)
      t = performance.now()
      await rules(i)
      rulesMs.push(performance.now() - t)
    }
    await engine.settled()
    engine.stop()
    db.close()
    const transactions = Object.fromEntries([...txCount].map(([k, n]) => [k, Math.round((n / runs) * 100) / 100]))
    return {
      bareMs,
      engineMs,
      rawMs,
      rulesMs,
      transactions,
      txMsPerPayment: txMs / runs,
      durability: (db as unknown as { _options: { chromeTransactionDurability?: string } })._options.chromeTransactionDurability ?? 'default',
    }
  },
}

export type BenchWorker = typeof api
Comlink.expose(api)
