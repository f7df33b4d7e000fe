// The pin-pad port as one small interface (`PinpadPort`: open / write / close / data and device events) and its
// Web Serial implementation (docs/protocols/inpas-sbp.md § 4): find the granted port with `getPorts()` (by the stored
// VID/PID), open it 115200 8N1 with a 16 KiB buffer, run the canonical read loop (docs/protocols/inpas-sbp.md § 4.4: reader in
// try/finally releaseLock, non-fatal errors loop again, `readable === null` means the device is gone), write one
// frame at a time, close by cancelling the reader first, and report unplug/replug (docs/protocols/inpas-sbp.md § 4.5). The same code drives a
// real `navigator.serial`, web-serial-polyfill's `serial` and the sandbox's fake Serial (sandbox/inpas/fake-serial.ts), so the
// emulator exercises the very adapter a till uses.
//
// Readings (PDK): a serial-level `connect` event is not matched to a port object (the fake and the polyfill give
// no stable identity); the runner just tries `open()` again, which rescans `getPorts()` by VID/PID.

/** Web Serial shapes the adapter uses (WICG serial; TypeScript's DOM lib has none). */
export interface SerialPortInfoLike {
  usbVendorId?: number
  usbProductId?: number
}

export interface SerialOpenOptions {
  baudRate: number
  dataBits?: number
  stopBits?: number
  parity?: 'none' | 'even' | 'odd'
  flowControl?: 'none' | 'hardware'
  bufferSize?: number
}

export interface SerialPortLike extends EventTarget {
  open(options: SerialOpenOptions): Promise<void>
  close(): Promise<void>
  readonly readable: ReadableStream<Uint8Array> | null
  readonly writable: WritableStream<Uint8Array> | null
  getInfo(): SerialPortInfoLike
  forget?(): Promise<void>
}

export interface SerialLike extends EventTarget {
  getPorts(): Promise<SerialPortLike[]>
  requestPort?(options?: { filters?: SerialPortInfoLike[] }): Promise<SerialPortLike>
}

export type PortErrorKind = 'not-granted' | 'busy' | 'unsupported' | 'failed'

export class PinpadPortError extends Error {
  constructor(
    readonly kind: PortErrorKind,
    detail: string,
  ) {
    super(`${kind}: ${detail}`)
  }
}

export type PortEvent = { type: 'disconnect' } | { type: 'connect' }

export interface PinpadPort {
  /** Open the port; rejects with a PinpadPortError. */
  open(): Promise<void>
  /** Write one frame (or a control byte); rejects when the port is not open. */
  write(bytes: Uint8Array): Promise<void>
  /** Close and let go of everything (listeners, lock). Never rejects. */
  close(): Promise<void>
  onData(cb: (bytes: Uint8Array) => void): () => void
  onEvent(cb: (e: PortEvent) => void): () => void
  readonly isOpen: boolean
}

/** docs/protocols/inpas-sbp.md § 4.4: the default `bufferSize` (255) is less than one 512-byte frame. */
export const SERIAL_BUFFER_SIZE = 16_384

export interface WebSerialOptions {
  /** The Serial to use (native, polyfill or fake); `undefined` = this browser cannot do serial. */
  serial: () => Promise<SerialLike | undefined>
  baudRate: number
  usbVendorId?: number
  usbProductId?: number
  /**
   * docs/protocols/inpas-sbp.md § 4.2: hold a cross-tab lock while the port is open; resolves to a release function, or `undefined` when
   * another context holds it.
   */
  lock?: () => Promise<(() => void) | undefined>
}

function matches(info: SerialPortInfoLike, o: WebSerialOptions): boolean {
  return (o.usbVendorId === undefined || info.usbVendorId === o.usbVendorId) && (o.usbProductId === undefined || info.usbProductId === o.usbProductId)
}

export function webSerialPort(o: WebSerialOptions): PinpadPort {
  const dataCbs = new Set<(bytes: Uint8Array) => void>()
  const eventCbs = new Set<(e: PortEvent) => void>()
  let serial: SerialLike | undefined
  let port: SerialPortLike | undefined
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let loop: Promise<void> | undefined
  let release: (() => void) | undefined
  let closing = false
  let open = false
  let writing: Promise<void> = Promise.resolve()

  const emit = (e: PortEvent) => {
    for (const cb of [...eventCbs]) cb(e)
  }
  const lost = () => {
    if (!open) return
    open = false
    const p = port
    p?.removeEventListener('disconnect', lost)
    // Let go of the dead port once the read loop has released its reader (docs/protocols/inpas-sbp.md § 4.5).
    void loop?.then(() => p?.close()).catch(() => undefined)
    release?.()
    release = undefined
    emit({ type: 'disconnect' })
  }
  const onConnect = () => {
    if (!open && !closing) emit({ type: 'connect' })
  }
  const onSerialDisconnect = (e: Event) => {
    if (e.target === port) lost()
  }

  async function readLoop(p: SerialPortLike): Promise<void> {
    while (p.readable && open && !closing) {
      const r = p.readable.getReader()
      reader = r
      try {
        for (;;) {
          const { value, done } = await r.read()
          if (done) break
          if (value && value.length) for (const cb of [...dataCbs]) cb(value)
        }
      } catch {
        // BufferOverrunError, FramingError, ParityError, BreakError: non-fatal; a lost device leaves readable null.
      } finally {
        r.releaseLock()
        reader = undefined
      }
    }
    if (!closing) lost()
  }

  return {
    get isOpen() {
      return open
    },
    async open() {
      if (open) return
      closing = false
      if (!serial) {
        serial = await o.serial()
        if (!serial) throw new PinpadPortError('unsupported', 'no navigator.serial and no WebUSB')
        serial.addEventListener('connect', onConnect)
        serial.addEventListener('disconnect', onSerialDisconnect)
      }
      const ports = await serial.getPorts()
      const p = ports.find((x) => matches(x.getInfo(), o))
      if (!p) throw new PinpadPortError('not-granted', `no granted port${o.usbVendorId !== undefined ? ` ${o.usbVendorId}:${o.usbProductId ?? '*'}` : ''}`)
      if (o.lock) {
        release = await o.lock()
        if (!release) throw new PinpadPortError('busy', 'the port lock is held by another context')
      }
      try {
        await p.open({ baudRate: o.baudRate, dataBits: 8, stopBits: 1, parity: 'none', flowControl: 'none', bufferSize: SERIAL_BUFFER_SIZE })
      } catch (e) {
        release?.()
        release = undefined
        const name = (e as { name?: string }).name
        throw new PinpadPortError(name === 'InvalidStateError' ? 'busy' : 'failed', String(e))
      }
      port = p
      open = true
      p.addEventListener('disconnect', lost)
      loop = readLoop(p)
    },
    async write(bytes) {
      const p = port
      if (!open || !p?.writable) throw new PinpadPortError('failed', 'port not open')
      const job = writing.then(async () => {
        const w = p.writable!.getWriter()
        try {
          await w.write(bytes)
        } finally {
          w.releaseLock()
        }
      })
      writing = job.catch(() => undefined)
      await job
    },
    async close() {
      closing = true
      serial?.removeEventListener('connect', onConnect)
      serial?.removeEventListener('disconnect', onSerialDisconnect)
      serial = undefined
      const p = port
      port = undefined
      p?.removeEventListener('disconnect', lost)
      const wasOpen = open
      open = false
      await writing
      await reader?.cancel().catch(() => undefined)
      await loop?.catch(() => undefined)
      if (p && wasOpen) await p.close().catch(() => undefined)
      release?.()
      release = undefined
      dataCbs.clear()
      eventCbs.clear()
    },
    onData(cb) {
      dataCbs.add(cb)
      return () => void dataCbs.delete(cb)
    },
    onEvent(cb) {
      eventCbs.add(cb)
      return () => void eventCbs.delete(cb)
    },
  }
}
