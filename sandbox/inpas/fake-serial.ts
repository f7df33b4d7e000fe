// The sandbox transport (docs/protocols/inpas-sbp.md § 5.1 "Fake port"): a fake `Serial` and `SerialPort` with the
// Web Serial shapes the adapter uses, carrying bytes to and from an in-memory pin-pad emulator (this folder)
// that runs in the same worker. `open`, `close`, `readable`, `writable`, `getInfo()` (test VID/PID
// 0x1209/0x0001), `connected`, `forget`, `connect`/`disconnect` events; a second `open()` while open rejects with
// `InvalidStateError`, like the real API; an unplug errors the streams, sets them to null and fires `disconnect`.
import type { Pinpad } from './index.ts'

/** What the port needs of a pin-pad: the emulator itself, or its far end over the bridge (ws-serial.ts). */
export type PadLink = Pick<Pinpad, 'plugged' | 'write' | 'onData' | 'onNotice'>
import type { SerialLike, SerialOpenOptions, SerialPortInfoLike, SerialPortLike } from '../../workers/transport/serial.ts'

/** § 5.1: a fixed test VID/PID (pid.codes test range). */
export const SANDBOX_USB = { usbVendorId: 0x1209, usbProductId: 0x0001 } as const

class FakeSerialPort extends EventTarget implements SerialPortLike {
  #pad: PadLink
  #readable: ReadableStream<Uint8Array> | null = null
  #writable: WritableStream<Uint8Array> | null = null
  #ctrl: ReadableStreamDefaultController<Uint8Array> | null = null
  #off: (() => void) | null = null

  constructor(pad: PadLink) {
    super()
    this.#pad = pad
  }

  get readable() {
    return this.#readable
  }
  get writable() {
    return this.#writable
  }
  get connected() {
    return this.#pad.plugged
  }

  getInfo(): SerialPortInfoLike {
    return { ...SANDBOX_USB }
  }

  async open(options: SerialOpenOptions): Promise<void> {
    if (this.#readable || this.#writable) throw new DOMException('The port is already open.', 'InvalidStateError')
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) throw new TypeError('baudRate must be a positive integer')
    if (!this.#pad.plugged) throw new DOMException('Failed to open serial port.', 'NetworkError')
    const pad = this.#pad
    this.#readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#ctrl = c
      },
      cancel: () => {
        this.#ctrl = null
      },
    })
    this.#off = pad.onData((bytes) => {
      try {
        this.#ctrl?.enqueue(bytes.slice())
      } catch {
        // The stream was cancelled or errored: the bytes are lost, like on a closed port.
      }
    })
    this.#writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (!pad.plugged) throw new DOMException('The device has been lost.', 'NetworkError')
        pad.write(chunk)
      },
    })
  }

  async close(): Promise<void> {
    if (!this.#readable && !this.#writable) throw new DOMException('The port is already closed.', 'InvalidStateError')
    this.#off?.()
    this.#off = null
    try {
      this.#ctrl?.close()
    } catch {
      // already cancelled
    }
    this.#ctrl = null
    this.#readable = null
    this.#writable = null
  }

  async forget(): Promise<void> {
    if (this.#readable) await this.close()
  }

  /** The device went away: error the streams, null them, fire `disconnect` (§ 4.5). */
  unplugged(): void {
    this.#off?.()
    this.#off = null
    try {
      this.#ctrl?.error(new DOMException('The device has been lost.', 'NetworkError'))
    } catch {
      // no reader
    }
    this.#ctrl = null
    this.#readable = null
    this.#writable = null
    this.dispatchEvent(new Event('disconnect'))
  }
}

class FakeSerial extends EventTarget implements SerialLike {
  readonly port: FakeSerialPort
  constructor(pad: PadLink) {
    super()
    this.port = new FakeSerialPort(pad)
    pad.onNotice((n) => {
      if (n.kind === 'unplug') this.port.unplugged()
      else if (n.kind === 'replug') this.dispatchEvent(new Event('connect'))
    })
  }
  async getPorts(): Promise<SerialPortLike[]> {
    return [this.port]
  }
  async requestPort(): Promise<SerialPortLike> {
    return this.port
  }
}

/** A fake `navigator.serial` whose one granted port is wired to `pad`. */
export function sandboxSerial(pad: PadLink): SerialLike {
  return new FakeSerial(pad)
}
