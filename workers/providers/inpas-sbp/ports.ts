// The Inpas pin-pad's ports (docs/protocols/inpas-sbp.md § 4): Web Serial in the worker, or the emulated port a demo
// build hands in. Loaded with the client, when the pin-pad is first used (first load, docs/performance.md).
import type { ProviderEnv } from '../types.ts'
import type { PortFactory } from './client.ts'
import { webSerialPort, type SerialLike } from '../../transport/serial.ts'

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

/**
 * Web Serial in the worker; `transport = sandbox` reaches the emulated serial port a demo build hands in (env), and
 * without one (production) opening it fails like a browser with no serial port.
 */
export const inpasPorts =
  (env: ProviderEnv = {}): PortFactory =>
  (c) =>
    c.transport !== 'serial'
      ? webSerialPort({ serial: async () => env.emulatedSerial?.(c.transport === 'bridge' ? 'bridge' : 'in-page'), baudRate: c.baudRate })
      : webSerialPort({
          serial: browserSerial,
          baudRate: c.baudRate,
          lock: portLock,
          ...(c.usbVendorId !== undefined ? { usbVendorId: c.usbVendorId } : {}),
          ...(c.usbProductId !== undefined ? { usbProductId: c.usbProductId } : {}),
        })
