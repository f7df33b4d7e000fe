// «Активация» and «Информация» (docs/protocols/sendy.md § 4.2): admin actions, not operations.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import type { ProbeCtx } from '../types.ts'
import type { SendyConfig } from './config.ts'
import { ACTIVATION, type Activation, KEY, REVOKED } from './store.ts'
import { num, str, SYSTEM_NAMES } from './codec.ts'
import { call, failMsg, wire } from './call.ts'

export async function activate(ctx: ProbeCtx<SendyConfig>, input: Record<string, string>): Promise<Msg> {
  const code = input.activationCode ?? ''
  if (!/^[\w-]{4,64}$/.test(code)) return msg('sendy.codeRequired')
  // § 4.2: a key held already → the admin must confirm first (the confirm input), before any request.
  if ((await ctx.store.get<string>(KEY)) && input.confirm !== 'yes') return msg('sendy.maybeActivated')
  const w = wire(ctx)
  const r = await call(ctx, 'activate', 'POST', { terminalId: ctx.config.terminalId, serial: ctx.config.terminalSerial, activationCode: code })
  if (r.kind === 'ok') {
    const key = str(r.data.terminalKey)
    if (!key) return msg('common.badReply')
    const reg = (r.data.registration ?? {}) as Record<string, unknown>
    const allowed = Array.isArray(r.data.allowedSystems) ? r.data.allowedSystems.filter((s): s is string => typeof s === 'string') : ['sendy']
    await ctx.store.put(KEY, key)
    await ctx.store.put(REVOKED, false)
    await ctx.store.put(ACTIVATION, {
      terminalId: ctx.config.terminalId,
      serial: ctx.config.terminalSerial,
      merchantName: str(r.data.merchantName) ?? '',
      allowedSystems: allowed,
      activatedAt: str(reg.activatedAt) ?? new Date(ctx.clock.now()).toISOString(),
    } satisfies Activation)
    ctx.log.info('sendy', 'terminal activated', { terminalId: ctx.config.terminalId, allowedSystems: allowed.join(',') })
    return msg('sendy.activated', { merchant: str(r.data.merchantName) ?? ctx.config.terminalId })
  }
  if (r.kind === 'fail') {
    if (r.errCode === w.codes.codeInvalid) return msg('sendy.badCode', { n: num(r.data.attemptsLeft) ?? 0 })
    if (r.errCode === w.codes.codeExpired) return msg('sendy.codeExpired')
    if (r.errCode === w.codes.terminalNotFound) return msg('sendy.terminalNotFound', {}, r.des)
  }
  return failMsg(r)
}

/** «Информация» (§ 4.2): the server's `info`, as lines for the admin. */
export async function information(ctx: ProbeCtx<SendyConfig>): Promise<Msg> {
  const r = await call(ctx, 'info', 'GET')
  if (r.kind !== 'ok') return failMsg(r)
  const d = r.data
  const systems = Array.isArray(d.allowedSystems) ? d.allowedSystems.map((s) => SYSTEM_NAMES[String(s)] ?? String(s)).join(', ') : ''
  const prev = await ctx.store.get<Activation>(ACTIVATION)
  if (prev && Array.isArray(d.allowedSystems)) await ctx.store.put(ACTIVATION, { ...prev, allowedSystems: d.allowedSystems.map(String) })
  return msg('sendy.info', {
    terminalId: str(d.terminalId) ?? '',
    serial: str(d.serial) ?? '',
    merchant: str(d.merchantName) ?? '',
    systems,
    modes: Array.isArray(d.modes) ? d.modes.join(', ') : '',
  })
}
