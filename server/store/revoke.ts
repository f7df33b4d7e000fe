// Revoking a till from inside the server (the admin console's button): the token is refused from now on, and
// the till's open event stream is told `revoked` and closed, so it stops syncing at once.
import type { StoreContext } from '../context.ts'
import { revokeTill } from './enrolment.ts'

export async function revokeAndTell(ctx: StoreContext, tillId: string, actor: string): Promise<boolean> {
  const done = await revokeTill(await ctx.db(), tillId, actor)
  if (done) ctx.events.emit(tillId, { event: 'revoked', data: {} })
  return done
}

/** Tells every connected till (or one) that the store's config moved: they fetch GET /config. */
export function tellConfig(ctx: StoreContext, version: number, tillId: string | '*' = '*'): void {
  ctx.events.emit(tillId, { event: 'config', data: { version } })
}
