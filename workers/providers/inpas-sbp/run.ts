// The session runner (docs/protocols/inpas-sbp.md § 6): one client-machine session over an open port, and the port per operation (§ 4.2, § 4.5).
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { Operation, OpPatch } from '../../../src/domain/operation.ts'
import type { OpCtx } from '../types.ts'
import { clientStep, createClient, type ClientEffect, type ClientEvent, type ClientTimer } from './machine.ts'
import { INPAS_MSG } from './messages.ts'
import { PinpadPortError, type PinpadPort } from '../../transport/serial.ts'
import { createSession, type InpasRequest, type Method, type SessionOutcome } from './session.ts'
import { toSessionConfig, type InpasConfig } from './config.ts'

/** How often the runner looks at the cashier's «stop waiting» while nothing else happens. */
export const IDLE_POLL_MS = 500
/** PDK: how long an operation waits for an unplugged pin-pad before it goes to the queue (§ 4.5). */
export const RECONNECT_WAIT_MS = 120_000

export type PortFactory = (config: InpasConfig) => PinpadPort

export type RunResult = { kind: 'refused'; message: Msg } | { kind: 'final'; outcome: Exclude<SessionOutcome, { kind: 'unknown' }> } | { kind: 'stalled' }

/** The device's local time as the terminal writes it, `YYYYMMDDhhmmss` (§ 2.6). */
export function localStamp(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

export function sameLocalDay(a: number, b: number): boolean {
  return localStamp(a).slice(0, 8) === localStamp(b).slice(0, 8)
}

function portMessage(e: unknown): Msg {
  const kind = e instanceof PinpadPortError ? e.kind : 'failed'
  if (kind === 'busy') return msg(INPAS_MSG.portBusy)
  if (kind === 'unsupported') return msg(INPAS_MSG.browserUnsupported)
  if (kind === 'not-granted') return msg(INPAS_MSG.portNotGranted)
  return msg(INPAS_MSG.portDisconnected)
}

/**
 * Run one session to its final outcome (or until the port stays away too long). `onCommit` journals the
 * request as `sent` before the first byte.
 */
export async function runSession(
  ctx: OpCtx<InpasConfig>,
  port: PinpadPort,
  request: InpasRequest,
  onCommit: (ecrNo: number, reqOp: number) => Promise<void>,
): Promise<RunResult> {
  const config = toSessionConfig(ctx.config)
  let state = createClient(createSession(config, request, { portOpen: port.isOpen }))
  const timers = new Map<ClientTimer, number>()
  const inbox: ClientEvent[] = []
  let wake = new AbortController()
  let reconnect = false
  let result: RunResult | undefined
  let cancelled = false
  let stalledSince: number | undefined
  const opId = ctx.op.id
  const push = (e: ClientEvent) => {
    inbox.push(e)
    wake.abort()
  }
  const offData = port.onData((bytes) => push({ type: 'bytes', bytes }))
  const offEvent = port.onEvent((e) => {
    if (e.type === 'disconnect') push({ type: 'disconnected' })
    else {
      reconnect = true
      wake.abort()
    }
  })

  const perform = async (f: ClientEffect, follow: ClientEvent[]): Promise<void> => {
    const now = ctx.clock.now()
    switch (f.type) {
      case 'write':
        try {
          await port.write(f.bytes)
        } catch (e) {
          ctx.log.warn('inpas-sbp', 'write failed', { error: String(e) }, opId)
          if (!port.isOpen) follow.push({ type: 'disconnected' })
        }
        return
      case 'setTimer':
        timers.set(f.name, now + f.ms)
        return
      case 'cancelTimer':
        timers.delete(f.name)
        return
      case 'linkNote':
        ctx.log.info('inpas-sbp', 'link', { ...f.note }, opId)
        return
      case 'sent':
        ctx.log.info('inpas-sbp', `sent ${f.kind}`, { fields: f.fields.map(([t, v]) => (t === 70 ? [t, `${v.length} bytes`] : [t, v])) }, opId)
        return
      case 'refuse':
        result = { kind: 'refused', message: f.message }
        return
      case 'commit':
        await onCommit(f.ecrNo, f.op)
        follow.push({ type: 'committed' })
        return
      case 'showPrompt':
        if (!isFinalState(ctx.op)) await ctx.commit({ message: f.message })
        return
      case 'showQr':
        if (!isFinalState(ctx.op)) await ctx.commit({ display: { kind: 'qr', payload: f.link, until: ctx.op.deadline ?? now + ctx.config.timeout * 1000 } })
        return
      case 'notice':
        ctx.log.warn('inpas-sbp', 'admin notice', { key: f.message.key, ...(f.message.params ?? {}) }, opId)
        await ctx.store.put('notice', f.message)
        // § 6.5: another terminal answered: new operations stop until fixed (the provider's `unavailable`).
        if (f.message.key === INPAS_MSG.tidMismatch && f.message.params?.got !== undefined) await ctx.store.put('tid', String(f.message.params.got))
        return
      case 'resolving':
        if (ctx.op.state === 'sent' || ctx.op.state === 'unknown') await ctx.commit({ state: 'resolving', note: 'resolving: check-link, then status' })
        return
      case 'outcome':
        if (f.outcome.kind === 'unknown') {
          const patch: OpPatch = { message: f.outcome.message, display: undefined, note: `unknown: ${f.outcome.reason}` }
          await ctx.commit(ctx.op.state === 'sent' ? { ...patch, state: 'unknown' } : patch)
        } else result = { kind: 'final', outcome: f.outcome }
        return
      case 'log':
        ctx.log[f.level]('inpas-sbp', f.text, f.hex ? { hex: f.hex } : {}, opId)
        return
    }
  }

  const feed = async (e: ClientEvent): Promise<void> => {
    const r = clientStep(state, e)
    state = r.state
    const follow: ClientEvent[] = []
    for (const f of r.effects) await perform(f, follow)
    for (const next of follow) await feed(next)
  }

  try {
    await feed({ type: 'start' })
    while (!result) {
      const e = inbox.shift()
      if (e) {
        await feed(e)
        continue
      }
      if (reconnect && !port.isOpen) {
        reconnect = false
        try {
          await port.open()
          ctx.log.info('inpas-sbp', 'port reopened', {}, opId)
          await feed({ type: 'connected' })
        } catch (err) {
          ctx.log.warn('inpas-sbp', 'reopen failed', { error: String(err) }, opId)
        }
        continue
      }
      const now = ctx.clock.now()
      let due: [ClientTimer, number] | undefined
      for (const t of timers) if (t[1] <= now && (!due || t[1] < due[1])) due = t
      if (due) {
        timers.delete(due[0])
        await feed({ type: 'timer', name: due[0] })
        continue
      }
      if (!cancelled && !ctx.waiting()) {
        cancelled = true
        await feed({ type: 'cancel' })
        continue
      }
      let next = Infinity
      for (const at of timers.values()) next = Math.min(next, at)
      if (next === Infinity && !port.isOpen) {
        stalledSince ??= now
        if (now - stalledSince >= RECONNECT_WAIT_MS) return { kind: 'stalled' }
      } else stalledSince = undefined
      wake = new AbortController()
      await ctx.clock.sleep(Math.max(0, Math.min(next - now, IDLE_POLL_MS)), wake.signal).catch(() => undefined)
    }
    return result
  } finally {
    offData()
    offEvent()
  }
}

export function isFinalState(op: Operation): boolean {
  return op.state === 'approved' || op.state === 'declined' || op.state === 'compensated' || op.state === 'needs-attention'
}

// ---- procedures -------------------------------------------------------------------------------------------

export async function withPort<T>(
  ports: PortFactory,
  ctx: Pick<OpCtx<InpasConfig>, 'config' | 'log'>,
  job: (port: PinpadPort) => Promise<T>,
  refused: (m: Msg) => Promise<T>,
): Promise<T> {
  const port = ports(ctx.config)
  try {
    try {
      await port.open()
    } catch (e) {
      ctx.log.warn('inpas-sbp', 'port not available', { error: String(e) })
      return await refused(portMessage(e))
    }
    return await job(port)
  } finally {
    await port.close()
  }
}

export function methodOf(v: unknown): Method {
  return v === 'sbp' ? 'sbp' : 'card'
}
