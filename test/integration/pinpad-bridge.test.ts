// The pin-pad bridge (DESIGN § 4a): the page's fake serial port over a local WebSocket to the sandbox's Node
// emulator. A payment goes through it end to end, and the emulator — not the page — keeps the operation, so a
// second page (a reopened tab) finds the same pin-pad and its journal.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createEngine } from '../../workers/engine/engine.ts'
import { PaydeskDb } from '../../workers/engine/db.ts'
import { memoryLocks } from '../../workers/engine/locks.ts'
import { realClock } from '../../workers/engine/clock.ts'
import { createProviders } from '../../workers/providers/registry.ts'
import { startSandboxServer, type RunningSandbox } from '../../sandbox/server.ts'
import { bridgedSerial } from '../../sandbox/inpas/ws-serial.ts'
import { PINPAD_BRIDGE_PATH } from '../../sandbox/inpas/bridge-path.ts'
import { NodeWebSocket } from '../support/websocket.ts'

let sb: RunningSandbox
const hadWebSocket = 'WebSocket' in globalThis
beforeAll(async () => {
  if (!hadWebSocket) (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket
  sb = await startSandboxServer({ port: 0 })
})
afterAll(async () => {
  await sb?.close()
  if (!hadWebSocket) delete (globalThis as { WebSocket?: unknown }).WebSocket
})

function page(bridgeUrl: string) {
  return createEngine({
    db: new PaydeskDb(`paydesk-bridge-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange }),
    fetch: globalThis.fetch,
    clock: realClock,
    locks: memoryLocks(),
    providers: createProviders({ emulatedSerial: () => bridgedSerial(bridgeUrl) }),
    timers: false,
  })
}

it('a card payment goes through the bridge to the Node emulator and is approved; the emulator keeps it', async () => {
  const url = `${sb.url.replace(/^http/, 'ws')}${PINPAD_BRIDGE_PATH}`
  const pad = sb.sandbox.pinpadBridge.pinpad()
  expect(pad.control({ action: 'customer', choice: 'card', outcome: 'pay', afterMs: 200 }).ok).toBe(true)
  const engine = page(url)
  await engine.start()
  const saved = await engine.savePaymentType({ id: 'inpas', number: 1, name: 'Inpas', provider: 'inpas-sbp', values: { transport: 'bridge', id: '99000001', timeout: '60' } })
  expect(saved).toMatchObject({ ok: true })
  const r = await engine.pay({ paymentTypeId: 'inpas', amount: 500_000, code: '', method: 'card' })
  expect(r.ok).toBe(true)
  await engine.settled()
  const op = r.ok ? r.op : undefined
  expect(op?.state).toBe('approved')
  expect(op?.details?.rrn).toBeTruthy()
  // The Node emulator journaled it: a page opened later talks to the same pin-pad.
  expect(pad.journal().some((j) => j.amount === 500_000)).toBe(true)
})
