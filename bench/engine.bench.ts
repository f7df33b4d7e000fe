// Engine overhead per payment: the engine's pay (journal writes, log, locks, status
// bookkeeping) against the bare sandbox request it wraps, measured in one run, plus a
// Comlink round trip over a MessageChannel for the worker hop.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { MessageChannel } from 'node:worker_threads'
import * as Comlink from 'comlink'
// @ts-expect-error -- the .mjs has its types in node-adapter.d.ts, which TypeScript does not pair with it
import nodeEndpointUntyped from 'comlink/dist/esm/node-adapter.mjs'
import type nodeEndpointType from 'comlink/dist/esm/node-adapter'
const nodeEndpoint = nodeEndpointUntyped as typeof nodeEndpointType
import { createEngine } from '../workers/engine/engine.ts'
import { PaydeskDb } from '../workers/engine/db.ts'
import { memoryLocks } from '../workers/engine/locks.ts'
import { realClock } from '../workers/engine/clock.ts'
import { PROVIDERS } from '../workers/providers/registry.ts'
import { authHeader } from '../workers/providers/clickpass/auth.ts'
import { startSandboxServer } from '../sandbox/server.ts'

export interface Figure {
  name: string
  value: number
  unit: string
  budget: string
}

const RUNS = 200
const SECRET = 'bench-secret'

export async function benchEngine(): Promise<Figure[]> {
  const sb = await startSandboxServer({ port: 0, demo: false })
  const ctl = (path: string, body: unknown, method = 'POST') =>
    fetch(`${sb.url}/sandbox/clickpass/_control/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Paydesk-Sandbox': '1' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ token: string }>)
  await ctl('config', { secretKey: SECRET, maxAmount: 1e13 }, 'PUT')
  const engine = createEngine({
    db: new PaydeskDb('bench', { indexedDB: new IDBFactory(), IDBKeyRange }),
    fetch: globalThis.fetch,
    clock: realClock,
    locks: memoryLocks(),
    providers: PROVIDERS,
    timers: false,
  })
  await engine.start()
  await engine.savePaymentType({
    id: 'clickpass-1',
    number: 1,
    name: 'ClickPass',
    provider: 'clickpass',
    values: { url: `${sb.url}/sandbox/clickpass`, serviceId: '85335', merchantUserId: '123', confirmMode: 'false', timeout: '10' },
    secrets: { secretKey: SECRET },
  })
  const tokens = await Promise.all(Array.from({ length: RUNS * 2 + 1 }, () => ctl('wallet/token', {}).then((t) => t.token)))
  await engine.pay({ paymentTypeId: 'clickpass-1', amount: 150000, code: tokens.pop()! }) // warm-up, applies the confirm mode

  const bare = async (code: string, i: number) => {
    const auth = await authHeader(123, SECRET, Math.floor(Date.now() / 1000))
    const body = JSON.stringify({ service_id: 85335, otp_data: code, amount: 1500, transaction_id: `BARE-${i}` })
    const res = await fetch(`${sb.url}/sandbox/clickpass/v2/merchant/click_pass/payment`, {
      method: 'POST',
      headers: { Auth: auth, Accept: 'application/json', 'Content-Type': 'application/json' },
      body,
    })
    await res.text()
  }
  let bareMs = 0
  let engineMs = 0
  for (let i = 0; i < RUNS; i++) {
    // Interleave, so machine noise falls on both sides alike.
    let t = performance.now()
    await bare(tokens.pop()!, i)
    bareMs += performance.now() - t
    t = performance.now()
    const r = await engine.pay({ paymentTypeId: 'clickpass-1', amount: 150000 + i, code: tokens.pop()! })
    engineMs += performance.now() - t
    if (!r.ok || r.op.state !== 'approved') throw new Error(`bench payment failed: ${JSON.stringify(r)}`)
  }
  await engine.settled()

  // The worker hop: one Comlink call carrying an operation-sized result, over a real MessageChannel.
  const { port1, port2 } = new MessageChannel()
  const op = (await engine.exportJournal()).slice(0, 1500)
  Comlink.expose({ pay: async () => ({ ok: true, op }) }, nodeEndpoint(port1))
  const remote = Comlink.wrap<{ pay(): Promise<unknown> }>(nodeEndpoint(port2))
  await remote.pay()
  const t = performance.now()
  for (let i = 0; i < RUNS; i++) await remote.pay()
  const hopMs = (performance.now() - t) / RUNS
  port1.close()
  port2.close()
  await sb.close()

  const perBare = bareMs / RUNS
  const perEngine = engineMs / RUNS
  const overhead = perEngine - perBare + hopMs
  return [
    { name: 'bare sandbox pay request', value: round(perBare), unit: 'ms', budget: '(reference)' },
    { name: 'engine pay (journal + log + request)', value: round(perEngine), unit: 'ms', budget: '(reference)' },
    { name: 'worker round trip (Comlink)', value: round(hopMs), unit: 'ms', budget: '(part of overhead)' },
    { name: 'engine overhead per payment (Node, fake-indexeddb)', value: round(overhead), unit: 'ms', budget: '≤ 5 ms' },
    { name: 'engine / bare request time', value: round((perEngine + hopMs) / perBare), unit: '×', budget: '(ratio, informative)' },
  ]
}

const round = (n: number) => Math.round(n * 100) / 100
