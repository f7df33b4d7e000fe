// The pin-pad bridge (docs/architecture.md § 4a): the page's fake serial port over a local WebSocket to the sandbox's Node
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
import { CONTROL_HEADERS } from '../../sandbox/core/http.ts'

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
  const saved = await engine.savePaymentType({
    id: 'inpas',
    number: 1,
    name: 'Inpas',
    provider: 'inpas-sbp',
    values: { transport: 'bridge', id: '99000001', timeout: '60' },
  })
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

async function control(path: string, body?: unknown, method?: string): Promise<{ status: number; value: unknown }> {
  const res = await fetch(`${sb.url}/sandbox/inpas/_control/${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: CONTROL_HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, value: (await res.json()) as unknown }
}

interface BridgeState {
  connections: number
  journal: { kind: string; ecrNo?: number; status: number; amount: number }[]
  op: { ecrNo?: number; phase: string } | null
}

it('the control API: a new device on reset, a fault rule on the pay route plays on the device, the call log says so', async () => {
  const url = `${sb.url.replace(/^http/, 'ws')}${PINPAD_BRIDGE_PATH}`
  expect((await control('reset', { config: { customer: { choice: 'card', afterMs: 100, outcome: 'pay' } } })).status).toBe(200)
  expect(((await control('state')).value as BridgeState).journal).toEqual([])
  // The bank declines the next payment, applied as the till's pay request reaches the device.
  expect((await control('faults', { route: 'pay', controls: [{ action: 'bank', args: { declineNext: true } }] })).status).toBe(200)
  const engine = page(url)
  await engine.start()
  await engine.savePaymentType({ id: 'inpas', number: 1, name: 'Inpas', provider: 'inpas-sbp', values: { transport: 'bridge', id: '99000001', timeout: '60' } })
  // The reset ended the page's connection; its fake port reconnects by itself (a replug).
  await expect.poll(async () => ((await control('state')).value as BridgeState).connections, { timeout: 5_000 }).toBeGreaterThan(0)
  const r = await engine.pay({ paymentTypeId: 'inpas', amount: 10_000, code: '', method: 'card' })
  await engine.settled()
  expect(r.ok ? r.op.state : r).toBe('declined')
  const state = (await control('state')).value as BridgeState
  expect(state.journal).toMatchObject([{ kind: 'sale', ecrNo: 1, status: 16 }])
  const calls = (await control('calls')).value as { route: string; fault: string | null; ecrNo?: number }[]
  expect(calls.find((c) => c.route === 'pay')).toMatchObject({ fault: 'bank', ecrNo: 1 })
  // The rule was for one request: gone now.
  expect((await control('faults')).value).toEqual([])
})

it("the control API: a hold rule keeps the till's bytes from the device; bad rules are refused; controls are loopback-only JSON", async () => {
  await control('reset', {})
  expect((await control('faults', { route: 'pay', controls: 'nak' })).status).toBe(400)
  expect((await control('faults', { route: '../x' })).status).toBe(400)
  const refused = await fetch(`${sb.url}/sandbox/inpas/_control/state`)
  expect(refused.status).toBe(403)
  expect((await control('faults', { route: '*', hold: true, times: 0 })).status).toBe(200)
  const url = `${sb.url.replace(/^http/, 'ws')}${PINPAD_BRIDGE_PATH}`
  const engine = page(url)
  await engine.start()
  await engine.savePaymentType({
    id: 'inpas',
    number: 1,
    name: 'Inpas',
    provider: 'inpas-sbp',
    values: { transport: 'bridge', id: '99000001', timeout: '30', messageTimeoutS: '5', sbpProfile: 'custom' },
  })
  await expect.poll(async () => ((await control('state')).value as BridgeState).connections, { timeout: 5_000 }).toBeGreaterThan(0)
  const paying = engine.pay({ paymentTypeId: 'inpas', amount: 10_000, code: '', method: 'card' })
  await expect.poll(async () => ((await control('calls')).value as { held: boolean }[]).some((c) => c.held), { timeout: 10_000 }).toBe(true)
  const state = (await control('state')).value as BridgeState
  expect(state.journal).toEqual([])
  expect(state.op).toBeNull()
  // Let go: the till asks the device, which never saw the payment — declined, nothing moved.
  await control('faults', undefined, 'DELETE')
  const r = await paying
  await engine.settled()
  const row = r.ok ? await engine.journalRow(r.op.id) : undefined
  expect(row?.op.state, JSON.stringify(row?.op.history)).toBe('declined')
  expect(((await control('state')).value as BridgeState).journal).toEqual([])
}, 60_000)

it('a new till (fresh profile, its ecrNo counter from 1) on a pin-pad that already used ecrNo 1: a status reply about that older payment is not taken for ours', async () => {
  const url = `${sb.url.replace(/^http/, 'ws')}${PINPAD_BRIDGE_PATH}`
  await control('reset', { config: { customer: { choice: 'card', afterMs: 100, outcome: 'pay' } } })
  const values = { transport: 'bridge', id: '99000001', timeout: '30', messageTimeoutS: '5', sbpProfile: 'custom' }
  await bridgedSerial(url)
  await expect.poll(async () => ((await control('state')).value as BridgeState).connections, { timeout: 5_000 }).toBeGreaterThan(0)
  const before = page(url)
  await before.start()
  await before.savePaymentType({ id: 'inpas', number: 1, name: 'Inpas', provider: 'inpas-sbp', values })
  const first = await before.pay({ paymentTypeId: 'inpas', amount: 10_000, code: '', method: 'card' })
  await before.settled()
  expect(first.ok ? first.op.state : first).toBe('approved')
  before.stop()
  // The site's data is cleared (or another profile opens the till): the journal and the ecrNo counter start afresh.
  const after = page(url)
  await after.start()
  await after.savePaymentType({ id: 'inpas', number: 1, name: 'Inpas', provider: 'inpas-sbp', values })
  // Its payment never reaches the pin-pad (lost on the wire): no ACK, EOT, unknown, then status by ecrNo 1.
  await control('faults', { route: 'pay', controls: [{ action: 'lose', args: [1] }] })
  const second = await after.pay({ paymentTypeId: 'inpas', amount: 15_000, code: '', method: 'card' })
  await after.settled()
  const row = second.ok ? await after.journalRow(second.op.id) : undefined
  const journal = ((await control('state')).value as BridgeState).journal
  expect(journal.map((e) => e.amount)).toEqual([10_000])
  // No money moved for 150,00: it must not be journaled approved (the status answered the 100,00 payment).
  expect(row?.op.state, JSON.stringify(row?.op.history)).toBe('needs-attention')
  after.stop()
}, 60_000)

it('the bridge takes a WebSocket only from the app’s own origin (a page on another loopback port is refused)', async () => {
  const { connect } = await import('node:net')
  const host = new URL(sb.url).host
  const handshake = (origin?: string) =>
    new Promise<string>((resolve) => {
      const s = connect(Number(new URL(sb.url).port), '127.0.0.1', () => {
        s.write(
          [
            `GET ${PINPAD_BRIDGE_PATH} HTTP/1.1`,
            `Host: ${host}`,
            'Upgrade: websocket',
            'Connection: Upgrade',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            'Sec-WebSocket-Version: 13',
            ...(origin ? [`Origin: ${origin}`] : []),
            '',
            '',
          ].join('\r\n'),
        )
      })
      let got = ''
      s.on('data', (d) => {
        got += d.toString('latin1')
        if (got.includes('\r\n\r\n')) {
          s.destroy()
          resolve(got.split('\r\n')[0]!)
        }
      })
      s.on('close', () => resolve(got.split('\r\n')[0] ?? ''))
      s.on('error', () => resolve(''))
    })
  expect(await handshake(`http://127.0.0.1:${Number(new URL(sb.url).port) + 1}`)).not.toContain('101')
  expect(await handshake('null')).not.toContain('101')
  expect(await handshake(`http://${host}`)).toContain('101')
  expect(await handshake()).toContain('101')
})
