// The page side of the pin-pad bridge (ws-bridge.ts): a fake `navigator.serial` whose port carries its bytes over a
// WebSocket to the sandbox's Node emulator. The socket closing is an unplug; it reconnects every second, and coming
// back is a replug — so a payment survives the tab (or the worker) going away, and the emulator keeps its state.
import type { SerialLike } from '../../workers/transport/serial.ts'
import type { Notice } from './types.ts'
import { sandboxSerial, type PadLink } from './fake-serial.ts'

const RECONNECT_MS = 1_000
const FIRST_OPEN_MS = 3_000

class RemotePad implements PadLink {
  #url: string
  #ws: WebSocket | undefined
  #up = false
  #unplugged = false
  #data = new Set<(b: Uint8Array) => void>()
  #notices = new Set<(n: Notice) => void>()
  readonly opened: Promise<void>
  #resolveOpened!: () => void

  constructor(url: string) {
    this.#url = url
    this.opened = new Promise((r) => (this.#resolveOpened = r))
    this.#connect()
  }

  get plugged() {
    return this.#up && !this.#unplugged
  }

  #emit(n: Notice) {
    for (const f of this.#notices) f(n)
  }

  #connect() {
    const ws = new WebSocket(this.#url)
    ws.binaryType = 'arraybuffer'
    this.#ws = ws
    ws.onopen = () => {
      this.#up = true
      this.#resolveOpened()
      if (!this.#unplugged) this.#emit({ kind: 'replug' })
    }
    ws.onmessage = (e: MessageEvent) => {
      if (typeof e.data === 'string') {
        const notice = (JSON.parse(e.data) as { notice?: string }).notice
        if (notice === 'unplug' && !this.#unplugged) {
          this.#unplugged = true
          this.#emit({ kind: 'unplug' })
        } else if (notice === 'replug' && this.#unplugged) {
          this.#unplugged = false
          this.#emit({ kind: 'replug' })
        }
        return
      }
      const bytes = new Uint8Array(e.data as ArrayBuffer)
      for (const f of this.#data) f(bytes)
    }
    ws.onclose = () => {
      const was = this.plugged
      this.#up = false
      if (was) this.#emit({ kind: 'unplug' })
      setTimeout(() => this.#connect(), RECONNECT_MS)
    }
  }

  write(bytes: Uint8Array) {
    if (this.#ws?.readyState === WebSocket.OPEN) this.#ws.send(bytes)
  }
  onData(cb: (b: Uint8Array) => void) {
    this.#data.add(cb)
    return () => void this.#data.delete(cb)
  }
  onNotice(cb: (n: Notice) => void) {
    this.#notices.add(cb)
    return () => void this.#notices.delete(cb)
  }
}

const serials = new Map<string, Promise<SerialLike>>()

/** The bridged fake serial for `url` (`ws://…/sandbox/inpas/serial`), one per url; waits up to 3 s for the first connection. */
export function bridgedSerial(url: string): Promise<SerialLike> {
  let s = serials.get(url)
  if (!s) {
    const pad = new RemotePad(url)
    s = Promise.race([pad.opened, new Promise<void>((r) => setTimeout(r, FIRST_OPEN_MS))]).then(() => sandboxSerial(pad))
    serials.set(url, s)
  }
  return s
}
