// The engine in a module worker on Chromium's IndexedDB (strict durability, as in the app):
// each engine payment is timed against the bare sandbox request it wraps, interleaved.
import * as Comlink from 'comlink'
import { createEngine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { webLocks } from '../../workers/engine/locks.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { PROVIDERS } from '../../workers/providers/registry.ts'
import { authHeader } from '../../workers/providers/clickpass/auth.ts'

const SECRET = 'bench-secret'
const CONTROL = { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' }

const api = {
  ping: () => ({ ok: true, op: { id: '01J0000000000000000000000', state: 'approved', history: [] } }),
  async bench(runs: number, origin: string, durability: 'strict' | 'relaxed') {
    const ctl = (path: string, body: unknown, method = 'POST') =>
      fetch(`${origin}/sandbox/clickpass/_control/${path}`, { method, headers: CONTROL, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ token: string }>)
    await ctl('config', { secretKey: SECRET, maxAmount: 1e13, magic: false }, 'PUT')
    const db = new PaydeskDb(`paydesk-bench-${durability}-${Date.now()}`, { chromeTransactionDurability: durability })
    const engine = createEngine({ db, fetch: (i, init) => fetch(i, init), clock: realClock, locks: webLocks(navigator.locks), providers: PROVIDERS, timers: false, baseUrl: origin })
    await engine.start()
    await engine.savePaymentType({
      id: 'bench', number: 99, name: 'ClickPass', provider: 'clickpass',
      values: { url: `${origin}/sandbox/clickpass`, serviceId: '85335', merchantUserId: '123', confirmMode: 'false', timeout: '10' }, secrets: { secretKey: SECRET },
    })
    const tokens: string[] = []
    for (let i = 0; i < runs * 2 + 1; i++) tokens.push((await ctl('wallet/token', {})).token)
    await engine.pay({ paymentTypeId: 'bench', amount: 150000, code: tokens.pop()! })
    const bare = async (code: string, i: number) => {
      const auth = await authHeader(123, SECRET, Math.floor(Date.now() / 1000))
      const body = JSON.stringify({ service_id: 85335, otp_data: code, amount: 1500, transaction_id: `BARE-${i}` })
      const res = await fetch(`${origin}/sandbox/clickpass/v2/merchant/click_pass/payment`, { method: 'POST', headers: { Auth: auth, Accept: 'application/json', 'Content-Type': 'application/json' }, body })
      await res.text()
    }
    let bareMs = 0
    let engineMs = 0
    for (let i = 0; i < runs; i++) {
      let t = performance.now()
      await bare(tokens.pop()!, i)
      bareMs += performance.now() - t
      t = performance.now()
      const r = await engine.pay({ paymentTypeId: 'bench', amount: 150000 + i, code: tokens.pop()! })
      engineMs += performance.now() - t
      if (!r.ok || r.op.state !== 'approved') throw new Error(`bench payment failed: ${JSON.stringify(r)}`)
    }
    await engine.settled()
    engine.stop()
    db.close()
    return { bareMs: bareMs / runs, engineMs: engineMs / runs, durability: (db as unknown as { _options: { chromeTransactionDurability?: string } })._options.chromeTransactionDurability ?? 'default' }
  },
}

export type BenchWorker = typeof api
Comlink.expose(api)
