// The confirm-mode switch (docs/protocols/clickpass.md § 4.2), applied once per service and setting.
import { msg } from '../../../src/domain/messages.ts'
import { CLICK_PATHS } from './codec.ts'
import { call, type Ctx, errorOf } from './call.ts'

// ---- confirm-mode switch (§ 4.2) -----------------------------------------------------------

interface AppliedMode {
  serviceId: number
  confirmMode: boolean
  appliedAt: number
}

export async function ensureMode(ctx: Ctx): Promise<boolean> {
  const c = ctx.config
  const applied = await ctx.store.get<AppliedMode>('confirmMode')
  if (applied && applied.serviceId === c.serviceId && applied.confirmMode === c.confirmMode) return true
  const route = c.confirmMode ? 'confirmOn' : 'confirmOff'
  const r = await call(ctx, route, c.confirmMode ? 'PUT' : 'DELETE', CLICK_PATHS[route](c.serviceId))
  if (r.kind === 'reply' && r.reply.errorCode === 0) {
    await ctx.store.put('confirmMode', { serviceId: c.serviceId, confirmMode: c.confirmMode, appliedAt: ctx.clock.now() } satisfies AppliedMode)
    ctx.log.info('clickpass', 'confirm mode applied', { serviceId: c.serviceId, confirmMode: c.confirmMode }, ctx.op.id)
    return true
  }
  const auth = (r.kind === 'reply' && (r.status === 401 || r.reply.errorCode === -9001)) || (r.kind === 'refused' && r.status === 401)
  await ctx.commit({
    state: 'declined',
    message: auth ? msg('clickpass.auth') : msg('clickpass.modeFailed'),
    error: errorOf(r),
    note: 'confirm mode could not be set: payment not sent',
  })
  return false
}
