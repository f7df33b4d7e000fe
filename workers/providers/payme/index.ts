// PaymeGO (Payme, Uzbekistan): the provider as the engine sees it.
import { msg } from '../../../src/domain/messages.ts'
import { capabilities, isSandboxUrl, type Provider } from '../types.ts'
import { PAYME_SCHEMA, type PaymeConfig } from './config.ts'
import { CODE_LIFETIME_MS, checkDetailItems, isPaymeCode } from './codec-local.ts'
import { lazy } from '../lazy.ts'
import { ABOUT } from './about.ts'

export const payme: Provider<PaymeConfig> = {
  id: 'payme',
  title: 'PaymeGO',
  currency: 'UZS',
  schema: PAYME_SCHEMA,
  scanHint: ABOUT.scanHint,
  capabilities: capabilities({ cancel: true, refund: 'full' }),
  codeLifetimeMs: CODE_LIFETIME_MS,
  queueFloorMs: 1_000,
  toConfig: (v, s) => ({
    timeout: v.timeout as number,
    url: v.url as string,
    posId: v.posId as string,
    posKey: s.posKey ?? '',
    payDuration: v.payDuration as number,
    frequency: v.frequency as number,
    paymentProvider: v.paymentProvider as number,
    ignoredErrors: ((v.ignoredErrors as string[] | undefined) ?? []).map(Number),
    accountTemplate: v.accountTemplate as string,
  }),
  checkCode: (code) => (isPaymeCode(code) ? undefined : msg('payme.badQr')),
  checkItems: checkDetailItems,
  emulated: (v) => isSandboxUrl(v.url),
  providerCode: (c) => c.paymentProvider,
  checkConnection: async (ctx) => (await import('./check.ts')).checkConnection(ctx),
  ...lazy(() => import('./client.ts').then((m) => m.paymeClient), ['pay', 'resume', 'reverse', 'runQueued']),
}
