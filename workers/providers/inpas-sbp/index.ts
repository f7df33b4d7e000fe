// SBP via an Inpas pin-pad (`inpas-sbp`, protocols/inpas-sbp.md): the provider as the engine sees it. Card or
// SBP QR on one pin-pad over Web Serial in the worker; the sandbox transport runs the pin-pad emulator
// (sandbox/inpas) in the same worker behind a fake Web Serial port.
import type { Provider } from '../types.ts'
import { INPAS_SCHEMA, toInpasConfig, type InpasConfig } from './config.ts'
import type { PortFactory } from './client.ts'
import { lazy } from '../lazy.ts'
import { webSerialPort, type SerialLike } from './port.ts'
import { sandboxSerial } from './sandbox-port.ts'
import { PINPAD_CHANNEL } from './pinpad-channel.ts'
import { INPAS_MSG } from './messages.ts'

/** § 4.2: the Web Lock held while this context has the pin-pad open. */
export const PORT_LOCK = 'paydesk:inpas-sbp:port'

type SerialNavigator = { serial?: SerialLike; usb?: unknown; locks?: LockManager }

/** Native Web Serial in the worker; web-serial-polyfill over WebUSB only where `navigator.serial` is missing (§ 4.3). */
async function browserSerial(): Promise<SerialLike | undefined> {
  const nav = (globalThis as { navigator?: SerialNavigator }).navigator
  if (nav?.serial) return nav.serial
  if (!nav?.usb) return undefined
  const mod = (await import('web-serial-polyfill')) as unknown as { serial: SerialLike }
  return mod.serial
}

/** § 4.2: hold `PORT_LOCK` while open; `undefined` when another tab holds it. Without Web Locks: no lock. */
async function portLock(): Promise<(() => void) | undefined> {
  const locks = (globalThis as { navigator?: SerialNavigator }).navigator?.locks
  if (!locks) return () => undefined
  return new Promise((resolve) => {
    void locks.request(PORT_LOCK, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(undefined)
        return undefined
      }
      return new Promise<void>((release) => resolve(() => release()))
    })
  })
}

interface DemoPinpad {
  serial: SerialLike
  bridge: { handle(data: unknown): void }
}

let sandboxSerialPromise: Promise<DemoPinpad> | undefined
/** The `#/pinpad` page's channel, once `listenPinpadPage` ran (the payment worker). */
let pageChannel: BroadcastChannel | undefined

/**
 * The emulator of the demo: one per worker, on the system clock, its calendar on the device's local time; its
 * screen and controls are bridged to the `#/pinpad` page (pinpad-bridge.ts). Created by the first operation of a
 * sandbox pin-pad, or by the page's first message.
 */
function demoPinpad(): Promise<DemoPinpad> {
  sandboxSerialPromise ??= Promise.all([import('../../../sandbox/inpas/index.ts'), import('./pinpad-bridge.ts')]).then(([{ createPinpad, systemClock }, { attachPinpadBridge }]) => {
    const now = Date.now()
    const pad = createPinpad({ seed: now >>> 0, clock: systemClock, calendarStart: now - new Date(now).getTimezoneOffset() * 60_000 })
    const id = `${now.toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`
    const bridge = attachPinpadBridge(pad, (m) => pageChannel?.postMessage(m), id)
    return { serial: sandboxSerial(pad), bridge }
  })
  return sandboxSerialPromise
}

const demoSerial = async (): Promise<SerialLike> => (await demoPinpad()).serial

/** The payment worker listens for the `#/pinpad` page; the emulator starts on its first message. */
export function listenPinpadPage(): void {
  if (pageChannel || typeof BroadcastChannel === 'undefined') return
  pageChannel = new BroadcastChannel(PINPAD_CHANNEL)
  pageChannel.onmessage = (e: MessageEvent) => void demoPinpad().then((d) => d.bridge.handle(e.data))
}

export const defaultPorts: PortFactory = (c) =>
  c.transport === 'sandbox'
    ? webSerialPort({ serial: demoSerial, baudRate: c.baudRate })
    : webSerialPort({
        serial: browserSerial,
        baudRate: c.baudRate,
        lock: portLock,
        ...(c.usbVendorId !== undefined ? { usbVendorId: c.usbVendorId } : {}),
        ...(c.usbProductId !== undefined ? { usbProductId: c.usbProductId } : {}),
      })

/** The provider over a port factory (tests pass one wired to an emulator on a virtual clock). */
export function createInpasProvider(ports: PortFactory = defaultPorts): Provider<InpasConfig> {
  return {
    id: 'inpas-sbp',
    title: 'Inpas SmartSale',
    currency: 'RUB',
    schema: INPAS_SCHEMA,
    capabilities: {
      payModes: ['pinpad'], cancel: false, refund: 'partial', cancelRefund: false, void: false,
      reconcile: false, loyalty: false, shifts: false, blockWhileCompensating: false,
    },
    // No customer code is scanned: the pin-pad takes the card or shows the QR.
    codeLifetimeMs: 0,
    queueFloorMs: 5_000,
    toConfig: (v) => toInpasConfig(v),
    checkCode: () => undefined,
    payModeOf: () => 'pinpad',
    admin: {
      status: async (ctx) => {
        const notice = await ctx.store.get<{ key: string }>('notice')
        const tid = await ctx.store.get<string>('tid')
        return {
          transport: ctx.config.transport,
          port: ctx.config.usbVendorId !== undefined ? `${ctx.config.usbVendorId}:${ctx.config.usbProductId ?? '*'}` : '',
          ...(tid ? { tid } : {}),
          ...(notice ? { notice: notice.key } : {}),
          codesUnconfirmed: ctx.config.sbpProfile === 'custom' && ctx.config.transport !== 'sandbox',
        }
      },
      actions: {
        checkLink: async (ctx) => (await import('./client.ts')).checkLinkAction(ports, ctx),
      },
    },
    // «Проверить связь» is the link check (op 26): the terminal ID answered, another ID, or no answer.
    checkConnection: async (ctx) => {
      const m = await (await import('./client.ts')).checkLinkAction(ports, ctx)
      return { verdict: m.key === INPAS_MSG.adminLinkOk ? 'ok' : m.key === INPAS_MSG.tidMismatch ? 'refused' : 'unreachable', detail: m }
    },
    demo: {
      name: 'Inpas SmartSale',
      // § 1.1: the sandbox preset — QR on, custom profile (PDK-SBP/1, which the emulator speaks), the link
      // mirrored on the cashier's screen; the emulator's TID. The demo customer pays after 3 s.
      values: { transport: 'sandbox', qrSBP: true, id: '99000001', timeout: 180, currencyCodeNumeric: '643', sbpProfile: 'custom', mirrorQr: true },
      secrets: {},
    },
    ...lazy(() => import('./client.ts').then((m) => m.inpasClient(ports)), ['pay', 'resume', 'reverse', 'runQueued', 'status']),
  }
}

export const inpasSbp = createInpasProvider()
