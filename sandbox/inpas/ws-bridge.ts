// The pin-pad bridge (docs/architecture.md § 4a): the page's fake serial port (ws-serial.ts) carried over a local WebSocket to
// one pin-pad emulator in the sandbox's Node process, so the pin-pad outlives a tab — close the till, reopen it,
// and the same emulator (its journal, its operation in flight) is still there. Binary frames are raw SA bytes
// both ways; text frames `{"notice":"unplug"|"replug"}` carry the USB events. Loopback callers only.
//
// Its control API (tests and the fault matrix; `/sandbox/inpas/_control/…`, same rules as every control route):
//   POST control  `{action, args}` (§ 5.3) → `{ok, state}`
//   GET  state    → `{connections, summary, op, journal}`: the tills connected, the device, its operation in flight
//                  (ecrNo, kind, phase) and its journal
//   POST reset    `{config?}` → a new device (a fresh journal) with these emulator settings; open connections end
//   GET|DELETE calls   → the till's requests as the bridge passed them on: `{at, route, op, ecrNo?, fault, held}`
//   GET|POST|DELETE faults → rules aimed at a route (`checkLink`, `pay`, `refund`, `status`, `service`, `*`): when a
//                  request of that route comes from the till, the rule's § 5.3 `controls` are applied to the device
//                  just before it reads the request (`lose` loses it, `loseResult` its result, `bank` declines it …),
//                  or with `hold: true` the till's bytes stop at the bridge (never reach the device). `times` (default
//                  1, 0 = until cleared). DELETE also plugs the device back in if it is unplugged.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { acceptWebSocket } from '../core/websocket.ts'
import { isLoopback, jsonReply } from '../core/http.ts'
import type { ApiReply } from '../core/types.ts'
import { parseMessage } from '../../workers/providers/inpas-sbp/codec/message.ts'
import { createPinpad, systemClock, type Pinpad, type PinpadConfigInput } from './index.ts'

import { PINPAD_BRIDGE_PATH } from './bridge-path.ts'

export { PINPAD_BRIDGE_PATH }

/** A till request as the bridge passed it on (or held it). */
export interface BridgeCall {
  at: number
  route: string
  op: number
  ecrNo?: number
  /** The rule that shaped it (`hold`, or its controls' names). */
  fault: string | null
  held: boolean
}

interface BridgeRule {
  id: number
  route: string
  controls: { action: string; args?: unknown }[]
  hold: boolean
  /** Left to apply; 0 = until cleared. */
  times: number
}

export interface PinpadBridgeServer {
  /** Take an HTTP upgrade on `PINPAD_BRIDGE_PATH`; `false` when the path is not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /** The emulator behind the bridge (created on the first connection). */
  pinpad(): Pinpad
  /** A control request below `/sandbox/inpas/_control/` (see the header). */
  control(method: string, sub: string, body: unknown): ApiReply
  /** A new device next time (connections end; calls and rules are forgotten). */
  reset(config?: PinpadConfigInput): void
  close(): void
}

/** The bridge's route name of a till request (field 25, by the device's configured codes). */
function routeOf(pad: Pinpad, op: number): string {
  const c = pad.state.config
  if (op === 26) return 'checkLink'
  if (op === c.payOp) return 'pay'
  if (op === c.refundOp || op === 4) return 'refund'
  if (op === c.statusOp) return 'status'
  if (op === 63) return 'service'
  if (op === 59) return 'settlement'
  return `op${op}`
}

/** A whole STX frame from the till → its op and ecrNo; anything else (ACK, EOT, SOH parts) → undefined. */
function requestOf(bytes: Uint8Array): { op: number; ecrNo?: number } | undefined {
  if (bytes.length < 5 || bytes[0] !== 0x02) return undefined
  const len = bytes[1]! | (bytes[2]! << 8)
  if (bytes.length < len + 5) return undefined
  const m = parseMessage(bytes.subarray(3, 3 + len))
  if (!m.ok) return undefined
  return { op: m.value.op, ...(m.value.fields.terminalTrxId !== undefined ? { ecrNo: m.value.fields.terminalTrxId } : {}) }
}

const MAX_CALLS = 1_000
const MAX_RULES = 100

export function createPinpadBridgeServer(make: (config?: PinpadConfigInput) => Pinpad = defaultPinpad): PinpadBridgeServer {
  let pad: Pinpad | undefined
  let config: PinpadConfigInput | undefined
  const ensure = () => (pad ??= make(config))
  const open = new Set<() => void>()
  let calls: BridgeCall[] = []
  let rules: BridgeRule[] = []
  let nextRule = 1

  /** The till's bytes, through the route rules, to the device. */
  const fromTill = (p: Pinpad, data: Uint8Array): void => {
    if (rules.some((r) => r.hold && r.route === '*')) {
      const req = requestOf(data)
      if (req) calls.push({ at: Date.now(), route: routeOf(p, req.op), ...req, fault: 'hold', held: true })
      return
    }
    const req = requestOf(data)
    if (!req) return p.write(data)
    const route = routeOf(p, req.op)
    const rule = rules.find((r) => r.route === route || r.route === '*')
    if (rule && rule.times > 0 && --rule.times === 0) rules = rules.filter((r) => r !== rule)
    calls.push({ at: Date.now(), route, ...req, fault: rule ? (rule.hold ? 'hold' : rule.controls.map((c) => c.action).join('+')) : null, held: !!rule?.hold })
    if (calls.length > MAX_CALLS) calls = calls.slice(-MAX_CALLS)
    if (rule?.hold) return
    for (const c of rule?.controls ?? []) p.control(c)
    p.write(data)
  }

  const endAll = () => {
    for (const end of [...open]) end()
  }

  const reset = (next?: PinpadConfigInput) => {
    endAll()
    pad?.close()
    pad = undefined
    config = next
    calls = []
    rules = []
  }

  const parseRule = (v: unknown): BridgeRule | string => {
    if (typeof v !== 'object' || v === null) return 'a rule is {route, controls?, hold?, times?}'
    const r = v as { route?: unknown; controls?: unknown; hold?: unknown; times?: unknown }
    if (typeof r.route !== 'string' || !/^[*A-Za-z0-9]{1,20}$/.test(r.route)) return 'route: a route name or *'
    const controls = r.controls === undefined ? [] : r.controls
    if (!Array.isArray(controls) || controls.some((c) => typeof c !== 'object' || c === null || typeof (c as { action?: unknown }).action !== 'string'))
      return 'controls: [{action, args?}]'
    const times = r.times === undefined ? 1 : r.times
    if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) return 'times: a whole number ≥ 0'
    return { id: nextRule++, route: r.route, controls: controls as BridgeRule['controls'], hold: r.hold === true, times }
  }

  return {
    pinpad: ensure,
    reset,
    control(method, sub, body) {
      if (sub === 'control' && method === 'POST') {
        const r = ensure().control((body ?? {}) as { action: string; args?: unknown })
        return jsonReply(r.ok ? 200 : 400, r.ok ? { ok: true, state: r.state } : { ok: false, error: r.error, state: r.state })
      }
      if (sub === 'state' && method === 'GET') {
        const p = ensure()
        const op = p.state.op
        return jsonReply(200, {
          connections: open.size,
          summary: p.summary(),
          op: op ? { kind: op.kind, op: op.op, amount: op.amount, phase: op.phase, ...(op.ecrNo !== undefined ? { ecrNo: op.ecrNo } : {}) } : null,
          journal: p.journal().map(({ slip: _slip, result: _result, ...e }) => e),
        })
      }
      if (sub === 'reset' && method === 'POST') {
        const c = (body as { config?: unknown } | undefined)?.config
        if (c !== undefined && (typeof c !== 'object' || c === null)) return jsonReply(400, { error: 'config: an object of emulator settings' })
        reset(c as PinpadConfigInput | undefined)
        return jsonReply(200, { ok: true })
      }
      if (sub === 'calls' && method === 'GET') return jsonReply(200, calls)
      if (sub === 'calls' && method === 'DELETE') {
        calls = []
        return jsonReply(200, { ok: true })
      }
      if (sub === 'faults' && method === 'GET') return jsonReply(200, rules)
      if (sub === 'faults' && method === 'POST') {
        const inputs = Array.isArray(body) ? (body as unknown[]) : [body]
        const parsed = inputs.map(parseRule)
        const bad = parsed.find((p): p is string => typeof p === 'string')
        if (bad) return jsonReply(400, { error: bad })
        if (rules.length + parsed.length > MAX_RULES) return jsonReply(400, { error: `at most ${MAX_RULES} rules` })
        rules.push(...(parsed as BridgeRule[]))
        return jsonReply(200, Array.isArray(body) ? parsed : parsed[0])
      }
      if (sub === 'faults' && method === 'DELETE') {
        rules = []
        if (pad && !pad.plugged) pad.control({ action: 'replug' })
        return jsonReply(200, { ok: true })
      }
      return jsonReply(404, { error: 'not found' })
    },
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://sandbox.invalid').pathname !== PINPAD_BRIDGE_PATH) return false
      // A browser always sends `Origin` on a WebSocket: only the app's own origin may drive the pin-pad
      // (a page on another loopback port could otherwise). A non-browser client sends none.
      const origin = req.headers.origin
      if (!isLoopback(req.socket.remoteAddress) || (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`)) {
        socket.destroy()
        return true
      }
      const conn = acceptWebSocket(req, socket, head)
      if (!conn) return true
      const p = ensure()
      const offData = p.onData((bytes) => conn.send(bytes))
      const offNotice = p.onNotice((n) => {
        if (n.kind === 'unplug' || n.kind === 'replug') conn.send(JSON.stringify({ notice: n.kind }))
      })
      conn.onMessage((data, text) => {
        if (!text) fromTill(p, data)
      })
      const end = () => {
        offData()
        offNotice()
        open.delete(end)
        socket.destroy()
      }
      open.add(end)
      conn.onClose(end)
      if (!p.plugged) conn.send(JSON.stringify({ notice: 'unplug' }))
      return true
    },
    close() {
      reset()
    },
  }
}

function defaultPinpad(config: PinpadConfigInput = {}): Pinpad {
  const now = Date.now()
  return createPinpad({ seed: now >>> 0, clock: systemClock, calendarStart: now - new Date(now).getTimezoneOffset() * 60_000, ...config })
}
