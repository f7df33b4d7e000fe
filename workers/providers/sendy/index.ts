// Sendy (Russia, RUB; Sendy, WeChat, AliPay): the provider as the engine sees it.
import { msg } from '../../../src/domain/messages.ts'
import { capabilities, isSandboxUrl, type Provider } from '../types.ts'
import { SENDY_SCHEMA, type SendyConfig, type SendyLanguage, type SendyMode } from './config.ts'
import { checkCode, WIRE_DEFAULTS } from './codec-local.ts'
import { lazy } from '../lazy.ts'
import { ABOUT } from './about.ts'
import { ACTIVATION, type Activation, KEY, REVOKED, systemsFor } from './store.ts'

export const sendy: Provider<SendyConfig> = {
  id: 'sendy',
  title: 'Sendy',
  currency: 'RUB',
  schema: SENDY_SCHEMA,
  scanHint: ABOUT.scanHint,
  capabilities: capabilities({ payModes: ['customer-qr', 'merchant-dynamic'], cancel: true, refund: 'full', void: true, reconcile: true, shifts: true }),
  // `allowRefund` off: no «Возврат» is offered (the client refuses it too).
  capabilitiesOf: (c) => (c.allowRefund ? {} : { refund: 'none' }),
  codeLifetimeMs: WIRE_DEFAULTS.timing.CUSTOMER_CODE_TTL_MS,
  queueFloorMs: WIRE_DEFAULTS.timing.OFFLINE_POLL_MS,
  toConfig: (v, _s) => ({
    url: v.url as string,
    language: ((v.language as string | undefined) ?? 'ru') as SendyLanguage,
    slipWidth: (v.slipWidth as number | undefined) ?? 32,
    timeout: (v.timeout as number | undefined) ?? 30,
    mode: ((v.mode as string | undefined) ?? 'offline') as SendyMode,
    wechat: v['systems.wechat'] !== false,
    alipay: v['systems.alipay'] === true,
    slipCopies: (v.slipCopies as number | undefined) ?? 1,
    detailedReport: v.detailedReport === true,
    terminalId: v.terminalId as string,
    terminalSerial: v.terminalSerial as string,
    printQr: v.printQr !== false,
    allowRefund: v.allowRefund === true,
    wire: (v.wire as string | undefined) ?? '',
  }),
  checkCode,
  payModeOf: (c) => (c.mode === 'online' ? 'merchant-dynamic' : 'customer-qr'),
  messages: { cancelQueued: msg('sendy.cancelQueued') },
  // § 4.2: until activated (or after a 401), the type is disabled with why.
  unavailable: async (ctx) => {
    const key = await ctx.store.get<string>(KEY)
    const act = await ctx.store.get<Activation>(ACTIVATION)
    if (!key || !act || act.terminalId !== ctx.config.terminalId || (await ctx.store.get<boolean>(REVOKED)) === true) return msg('sendy.notActivated')
    return undefined
  },
  // § 4.5 step 1, seed rule 1.3.2: more than one system → the cashier chooses.
  payChoices: async (ctx) => {
    if (ctx.config.mode !== 'online') return undefined
    const systems = await systemsFor(ctx)
    const names: Record<string, string> = { sendy: 'Sendy', wechat: 'WeChat', alipay: 'AliPay' }
    return systems.length > 1 ? { title: msg('sendy.chooseSystem'), options: systems.map((id) => ({ id, label: names[id] ?? id })) } : undefined
  },
  admin: {
    status: async (ctx) => {
      const act = await ctx.store.get<Activation>(ACTIVATION)
      return {
        activated: !!(await ctx.store.get<string>(KEY)) && !!act,
        revoked: (await ctx.store.get<boolean>(REVOKED)) === true,
        merchant: act?.merchantName ?? '',
        allowedSystems: act?.allowedSystems.join(', ') ?? '',
      }
    },
    actions: {
      // «Активация» (seed rule 1.3.4): terminal id and serial come from the settings; the code is typed here and never kept.
      activate: {
        inputs: [{ name: 'activationCode', label: 'sendy.activationCode', secret: true }],
        run: async (ctx, input) => (await import('./client.ts')).activate(ctx, input),
      },
      // The same, after the admin confirmed «Терминал, возможно, уже был активирован…».
      reactivate: {
        inputs: [{ name: 'activationCode', label: 'sendy.activationCode', secret: true }],
        // § 4.2: the warning is said before the repeat, never skipped.
        confirm: 'sendy.maybeActivated',
        run: async (ctx, input) => (await import('./client.ts')).activate(ctx, { ...input, confirm: 'yes' }),
      },
      info: { inputs: [], run: async (ctx) => (await import('./client.ts')).information(ctx) },
    },
  },
  emulated: (v) => isSandboxUrl(v.url),
  ...lazy(() => import('./client.ts').then((m) => m.sendyClient), ['pay', 'resume', 'reverse', 'runQueued', 'closeDay', 'reconcile']),
}
