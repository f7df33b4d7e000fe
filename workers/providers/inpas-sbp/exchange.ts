// One request, one reply through the link layer alone (docs/protocols/inpas-sbp.md § 2.8), and the admin's check-link.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { hex } from '../../../src/domain/hex.ts'
import type { ProbeCtx } from '../types.ts'
import { OP, STATUS, tlvText, type SaMessage } from './codec/index.ts'
import { createLinkState, linkStep, type LinkTimer } from './link.ts'
import { INPAS_MSG } from './messages.ts'
import type { PinpadPort } from '../../transport/serial.ts'
import { checkLinkFields } from './session.ts'
import { toSessionConfig, type InpasConfig } from './config.ts'
import { buildMessage, type TlvValue } from './codec/index.ts'
import { type PortFactory, withPort } from './run.ts'

// ---- admin: check link (op 26) ----------------------------------------------------------------------------

/** PDK: one check-link exchange may take this long before the admin is told it failed. */
const CHECK_LINK_BUDGET_MS = 30_000

/** § 2.8/§ 6.6: send check-link through the link layer alone and return the terminal's reply. */
export async function checkLink(port: PinpadPort, ctx: ProbeCtx<InpasConfig>): Promise<SaMessage | undefined> {
  return exchange(port, ctx, checkLinkFields(toSessionConfig(ctx.config)), OP.checkLink, CHECK_LINK_BUDGET_MS)
}

/**
 * One request, one reply, through the link layer alone (no money moves: check-link, settlement). `undefined` when
 * the terminal did not answer with `op` within `budgetMs`, the link failed or the port went away.
 */
export async function exchange(
  port: PinpadPort,
  ctx: ProbeCtx<InpasConfig>,
  fields: ReadonlyArray<readonly [number, string]>,
  op: number,
  budgetMs: number,
): Promise<SaMessage | undefined> {
  const built = buildMessage({}, { extra: fields as ReadonlyArray<readonly [number, TlvValue]> })
  if (!built.ok) return undefined
  let link = createLinkState()
  const timers = new Map<LinkTimer, number>()
  const inbox: Uint8Array[] = []
  let wake = new AbortController()
  let reply: SaMessage | undefined
  let failed = false
  const off = port.onData((b) => {
    inbox.push(b)
    wake.abort()
  })
  const step = async (e: Parameters<typeof linkStep>[1]) => {
    const r = linkStep(link, e)
    link = r.state
    for (const f of r.effects) {
      if (f.type === 'write') await port.write(f.bytes).catch(() => undefined)
      else if (f.type === 'setTimer') timers.set(f.name, ctx.clock.now() + f.ms)
      else if (f.type === 'cancelTimer') timers.delete(f.name)
      else if (f.type === 'deliver' && f.message.ok && f.message.value.op === op) reply = f.message.value
      else if (f.type === 'linkError') failed = true
    }
  }
  const end = ctx.clock.now() + budgetMs
  try {
    await step({ type: 'send', data: built.value, kind: 'query' })
    while (!reply && !failed && ctx.clock.now() < end && port.isOpen) {
      const b = inbox.shift()
      if (b) {
        await step({ type: 'bytes', bytes: b })
        continue
      }
      const now = ctx.clock.now()
      let due: [LinkTimer, number] | undefined
      for (const t of timers) if (t[1] <= now && (!due || t[1] < due[1])) due = t
      if (due) {
        timers.delete(due[0])
        await step({ type: 'timer', name: due[0] })
        continue
      }
      let next = end
      for (const at of timers.values()) next = Math.min(next, at)
      wake = new AbortController()
      await ctx.clock.sleep(Math.max(0, next - now), wake.signal).catch(() => undefined)
    }
  } finally {
    off()
  }
  if (reply) ctx.log.info('inpas-sbp', `op ${op} reply`, { status: reply.fields.status ?? null, tid: reply.fields.terminalId ?? null, hex: hex(built.value) })
  return reply
}

/** The admin action «Проверить связь»: open, check-link, compare field 27 with `id` (§ 4.5, § 7.10/§ 7.11). */
export async function checkLinkAction(ports: PortFactory, ctx: ProbeCtx<InpasConfig>): Promise<Msg> {
  return withPort(
    ports,
    ctx,
    async (port) => {
      const r = await checkLink(port, ctx)
      if (!r || r.fields.status !== STATUS.approved) return msg(INPAS_MSG.adminLinkFailed)
      const tid = r.fields.terminalId ?? tlvText(r.tlv, 27) ?? ''
      await ctx.store.put('tid', tid)
      if (tid && tid !== ctx.config.id) {
        const m = msg(INPAS_MSG.tidMismatch, { got: tid, want: ctx.config.id })
        await ctx.store.put('notice', m)
        return m
      }
      await ctx.store.put('notice', undefined)
      return msg(INPAS_MSG.adminLinkOk, { tid })
    },
    async (m) => m,
  )
}
