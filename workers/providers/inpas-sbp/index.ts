// SBP via an Inpas pin-pad (`inpas-sbp`, docs/protocols/inpas-sbp.md): the provider as the engine sees it. Card or
// SBP QR on one pin-pad over Web Serial in the worker; in a demo build the sandbox transport reaches the pin-pad
// emulator (sandbox/inpas) the worker was handed, behind a fake Web Serial port.
import { msg, type Msg } from '../../../src/domain/messages.ts'
import { capabilities, type Provider, type ProviderEnv } from '../types.ts'
import { INPAS_SCHEMA, toInpasConfig, type InpasConfig } from './config.ts'
import type { PortFactory } from './client.ts'
import { lazy } from '../lazy.ts'
import { ABOUT } from './about.ts'
import { INPAS_MSG } from './messages.ts'

/**
 * The provider over a port factory (tests pass one wired to an emulator on a virtual clock); without one, the
 * ports of `env` (ports.ts), loaded with the client.
 */
export function createInpasProvider(ports?: PortFactory, env: ProviderEnv = {}): Provider<InpasConfig> {
  let loading: Promise<PortFactory> | undefined
  const portsOf = () => (loading ??= ports ? Promise.resolve(ports) : import('./ports.ts').then((m) => m.inpasPorts(env)))
  return {
    id: 'inpas-sbp',
    title: 'Inpas SmartSale',
    currency: 'RUB',
    schema: INPAS_SCHEMA,
    scanHint: ABOUT.scanHint,
    capabilities: capabilities({ payModes: ['pinpad'], refund: 'partial' }),
    // No customer code is scanned: the pin-pad takes the card or shows the QR.
    codeLifetimeMs: 0,
    queueFloorMs: 5_000,
    toConfig: (v) => toInpasConfig(v),
    checkCode: () => undefined,
    payModeOf: () => 'pinpad',
    payMethods: ['card', 'sbp'],
    // § 6.5, § 7.11: the pin-pad last answered with another terminal ID: no new operation until fixed (the right
    // pin-pad answers «Проверить связь», or the settings' id is set to the one connected).
    unavailable: async (ctx) => {
      const tid = await ctx.store.get<string>('tid')
      return tid && tid !== ctx.config.id ? msg(INPAS_MSG.tidBlocked, { got: tid, want: ctx.config.id }) : undefined
    },
    admin: {
      status: async (ctx) => {
        const notice = await ctx.store.get<Msg>('notice')
        const tid = await ctx.store.get<string>('tid')
        return {
          transport: ctx.config.transport,
          port: ctx.config.usbVendorId !== undefined ? `${ctx.config.usbVendorId}:${ctx.config.usbProductId ?? '*'}` : '',
          ...(tid ? { tid } : {}),
          ...(notice ? { notice: notice.key, ...(notice.params ? { noticeParams: JSON.stringify(notice.params) } : {}) } : {}),
          codesUnconfirmed: ctx.config.sbpProfile === 'custom' && ctx.config.transport === 'serial',
        }
      },
      actions: {
        checkLink: { run: async (ctx) => (await import('./client.ts')).checkLinkAction(await portsOf(), ctx) },
      },
    },
    emulated: (v) => v.transport === 'sandbox' || v.transport === 'bridge',
    // «Проверить связь» is the link check (op 26): the terminal ID answered, another ID, or no answer.
    checkConnection: async (ctx) => {
      const m = await (await import('./client.ts')).checkLinkAction(await portsOf(), ctx)
      return { verdict: m.key === INPAS_MSG.adminLinkOk ? 'ok' : m.key === INPAS_MSG.tidMismatch ? 'refused' : 'unreachable', detail: m }
    },
    // The till's day close runs the pin-pad's settlement (op 59): no money moves, never queued.
    closeDay: async (ctx, journal) => (await import('./client.ts')).closeDay(await portsOf(), ctx, journal),
    ...lazy(async () => (await import('./client.ts')).inpasClient(await portsOf()), ['pay', 'resume', 'reverse', 'runQueued', 'status']),
  }
}

export const inpasSbp = createInpasProvider()
