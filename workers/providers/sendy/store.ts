// What a Sendy payment type keeps in its provider store: the terminal key (a secret: `token:`
// keys are scrubbed from logs and exports and never reach the UI), the activation facts, the
// 401 mark, and the local copy of the server counters (§ 4.3). Small, so the first load stays light.
import type { ProbeCtx } from '../types.ts'
import type { SendyConfig } from './config.ts'

export const KEY = 'token:terminalKey'
export const ACTIVATION = 'activation'
export const REVOKED = 'revoked'
export const COUNTERS = 'counters'

export interface Activation {
  terminalId: string
  serial: string
  merchantName: string
  allowedSystems: string[]
  activatedAt: string
}

export interface LocalCounters {
  last: number
  shift: number
  open: boolean
}

/** § 4.5 step 1: systems enabled locally (Sendy always) ∩ the server's `allowedSystems`. */
export async function systemsFor(ctx: ProbeCtx<SendyConfig>): Promise<string[]> {
  const allowed = (await ctx.store.get<Activation>(ACTIVATION))?.allowedSystems ?? ['sendy']
  const local = ['sendy', ...(ctx.config.wechat ? ['wechat'] : []), ...(ctx.config.alipay ? ['alipay'] : [])]
  return local.filter((s) => allowed.includes(s))
}
