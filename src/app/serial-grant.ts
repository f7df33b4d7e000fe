// Granting the pin-pad's serial port once from Settings (docs/protocols/inpas-sbp.md § 4.1: `requestPort` exists
// only on the page and needs the admin's click; the worker finds the port again by its USB VID/PID), and
// forgetting it. Native Web Serial, or web-serial-polyfill over WebUSB where there is none.
import type { Msg } from '../domain/messages.ts'

type GrantedPort = { getInfo(): { usbVendorId?: number; usbProductId?: number }; forget?(): Promise<void> }
type SerialApi = {
  requestPort(o?: { filters?: { usbVendorId: number; usbProductId?: number }[] }): Promise<GrantedPort>
  getPorts?(): Promise<GrantedPort[]>
}

async function serialApi(): Promise<SerialApi | undefined> {
  const nav = navigator as Navigator & { serial?: SerialApi }
  if (nav.serial) return nav.serial
  if ('usb' in navigator) return ((await import('web-serial-polyfill')) as unknown as { serial: SerialApi }).serial
  return undefined
}

export async function grantPort(
  vid: string | undefined,
  pid: string | undefined,
  /** The provider's texts (its about.ts `device.port`). */
  texts: { unsupported: string; notChosen: string },
): Promise<{ ok: true; vid: string; pid: string } | { ok: false; message: Msg }> {
  const serial = await serialApi()
  if (!serial) return { ok: false, message: { key: texts.unsupported } }
  try {
    const port = await serial.requestPort(vid ? { filters: [{ usbVendorId: Number(vid), ...(pid ? { usbProductId: Number(pid) } : {}) }] } : {})
    const info = port.getInfo()
    return {
      ok: true,
      vid: info.usbVendorId === undefined ? '' : String(info.usbVendorId),
      pid: info.usbProductId === undefined ? '' : String(info.usbProductId),
    }
  } catch {
    // NotFoundError: the admin closed the chooser; the stored port stays as it was (docs/protocols/inpas-sbp.md § 7.9).
    return { ok: false, message: { key: texts.notChosen } }
  }
}

/** Revoke the browser's grant for the stored VID/PID, where the browser can (Chrome 103+). */
export async function forgetPort(vid: string | undefined, pid: string | undefined): Promise<void> {
  const serial = await serialApi()
  const ports = (await serial?.getPorts?.().catch(() => [])) ?? []
  for (const p of ports) {
    const i = p.getInfo()
    if (String(i.usbVendorId ?? '') === (vid ?? '') && (!pid || String(i.usbProductId ?? '') === pid)) await p.forget?.().catch(() => undefined)
  }
}
