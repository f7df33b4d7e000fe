// ClickPass (Click, Uzbekistan): the provider as the engine sees it.
import { msg } from '../../../src/domain/messages.ts'
import { capabilities, isSandboxUrl, type Provider } from '../types.ts'
import { CLICKPASS_SCHEMA, type ClickPassConfig } from './config.ts'
import { isClickCode } from './codec-local.ts'
import { lazy } from '../lazy.ts'
import { ABOUT } from './about.ts'

/** § 2.9: the lifetime is not documented; the sandbox's 60 s is the local freshness bound [C]. */
const CODE_LIFETIME_MS = 60_000

export const clickpass: Provider<ClickPassConfig> = {
  id: 'clickpass',
  title: 'ClickPass',
  currency: 'UZS',
  schema: CLICKPASS_SCHEMA,
  scanHint: ABOUT.scanHint,
  capabilities: capabilities({ cancel: true, refund: 'full' }),
  codeLifetimeMs: CODE_LIFETIME_MS,
  queueFloorMs: 0,
  toConfig: (v, s) => ({
    timeout: v.timeout as number,
    url: v.url as string,
    serviceId: v.serviceId as number,
    confirmMode: v.confirmMode as boolean,
    secretKey: s.secretKey ?? '',
    merchantUserId: v.merchantUserId as number,
    paymentProvider: v.paymentProvider as number,
    ...(typeof v.cashboxCode === 'string' && v.cashboxCode ? { cashboxCode: v.cashboxCode } : {}),
  }),
  checkCode: (code) => (isClickCode(code) ? undefined : msg('clickpass.badQr')),
  emulated: (v) => isSandboxUrl(v.url),
  providerCode: (c) => c.paymentProvider,
  checkConnection: async (ctx) => (await import('./check.ts')).checkConnection(ctx),
  ...lazy(() => import('./client.ts').then((m) => m.clickpassClient), ['pay', 'resume', 'reverse', 'runQueued']),
}
