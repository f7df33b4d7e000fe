// O!plati (Belarus, BYN): the provider as the engine sees it.
import { msg } from '../../../src/domain/messages.ts'
import { capabilities, isSandboxUrl, type PayMode, type Provider } from '../types.ts'
import { OPLATI_SCHEMA, type OplatiConfig, type OplatiMode } from './config.ts'
import { checkCode, CODE_LIFETIME_MS, POLL_FLOOR_MS, shiftStartOf, UNREACHABLE_KEY } from './codec-local.ts'
import { lazy } from '../lazy.ts'
import { ABOUT } from './about.ts'

const PAY_MODES: Record<OplatiMode, PayMode> = { 0: 'customer-qr', 1: 'merchant-static', 2: 'merchant-dynamic' }

export const oplati: Provider<OplatiConfig> = {
  id: 'oplati',
  title: 'O!плати',
  currency: 'BYN',
  schema: OPLATI_SCHEMA,
  scanHint: ABOUT.scanHint,
  capabilities: capabilities({
    payModes: ['customer-qr', 'merchant-static', 'merchant-dynamic'],
    cancel: true,
    refund: 'partial',
    cancelRefund: true,
    void: true,
    reconcile: true,
    loyalty: true,
    blockWhileCompensating: true,
  }),
  codeLifetimeMs: CODE_LIFETIME_MS,
  queueFloorMs: POLL_FLOOR_MS,
  toConfig: (v, s) => ({
    url: v.url as string,
    timeout: v.timeout as number,
    regNum: v.regNum as string,
    mode: (v.mode as OplatiMode | undefined) ?? 0,
    password: s.password ?? '',
  }),
  checkCode,
  payModeOf: (c) => PAY_MODES[c.mode],
  secretStoreKey: (key) => key.startsWith('token:'),
  unreachable: async (ctx) => (await ctx.store.get<boolean>(UNREACHABLE_KEY)) === true,
  blockedMessage: msg('oplati.unavailable'),
  messages: { refundTooLarge: msg('oplati.refundTooBig'), refundOfRefund: msg('oplati.returnNotAvailable'), cancelQueued: msg('oplati.cancelQueued') },
  admin: {
    status: async (ctx): Promise<Record<string, string | boolean>> => {
      if (ctx.config.password) return { auth: 'password' }
      const token = await ctx.store.get<string>(`token:${ctx.config.regNum}`)
      const state = await ctx.store.get<string>(`tokenState:${ctx.config.regNum}`)
      return { auth: 'token', tokenStored: !!token, tokenState: state ?? 'none', unreachable: (await ctx.store.get<boolean>(UNREACHABLE_KEY)) === true }
    },
    actions: {
      // The `token.conf` deletion of rule 1.3.4: the next access issues a new token.
      resetToken: {
        run: async (ctx) => {
          await ctx.store.put(`token:${ctx.config.regNum}`, undefined)
          await ctx.store.put(`tokenState:${ctx.config.regNum}`, undefined)
          ctx.log.warn('oplati', 'stored token deleted by the admin', { regNum: ctx.config.regNum })
          return msg('oplati.tokenDeleted')
        },
      },
    },
  },
  emulated: (v) => isSandboxUrl(v.url),
  ...lazy(
    () => import('./client.ts').then((m) => m.oplatiClient),
    ['pay', 'resume', 'reverse', 'runQueued', 'probe', 'reconcile', 'loyalty', 'checkConnection'],
  ),
  // The till's day close runs O!plati's own end of day: the reconciliation of the shift (E8), the Minsk
  // day, against the journal of that whole day (a second Z on the same day).
  closeDaySince: (now) => shiftStartOf(now),
  closeDay: (ctx, journal, opts) => import('./client.ts').then((m) => m.oplatiClient.reconcile(ctx, journal, opts)),
}
