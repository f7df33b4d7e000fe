// The pin-pad bridge (DESIGN § 4a): the page's fake serial port (ws-serial.ts) carried over a local WebSocket to
// one pin-pad emulator in the sandbox's Node process, so the pin-pad outlives a tab — close the till, reopen it,
// and the same emulator (its journal, its operation in flight) is still there. Binary frames are raw SA bytes
// both ways; text frames `{"notice":"unplug"|"replug"}` carry the USB events. Loopback callers only.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { acceptWebSocket } from '../core/websocket.ts'
import { isLoopback } from '../core/http.ts'
import { createPinpad, systemClock, type Pinpad } from './index.ts'

import { PINPAD_BRIDGE_PATH } from './bridge-path.ts'

export { PINPAD_BRIDGE_PATH }

export interface PinpadBridgeServer {
  /** Take an HTTP upgrade on `PINPAD_BRIDGE_PATH`; `false` when the path is not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /** The emulator behind the bridge (created on the first connection). */
  pinpad(): Pinpad
  close(): void
}

export function createPinpadBridgeServer(make: () => Pinpad = defaultPinpad): PinpadBridgeServer {
  let pad: Pinpad | undefined
  const ensure = () => (pad ??= make())
  const open = new Set<() => void>()
  return {
    pinpad: ensure,
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://sandbox.invalid').pathname !== PINPAD_BRIDGE_PATH) return false
      if (!isLoopback(req.socket.remoteAddress)) {
        socket.destroy()
        return true
      }
      const conn = acceptWebSocket(req, socket, head)
      if (!conn) return true
      const p = ensure()
      const offData = p.onData((bytes) => conn.send(bytes))
      const offNotice = p.onNotice((n) => {
        if (n.kind === 'unplug' || n.kind === 'replug') conn.send(JSON.stringify({ notice: n.kind }))
      })
      conn.onMessage((data, text) => {
        if (!text) p.write(data)
      })
      const end = () => {
        offData()
        offNotice()
        open.delete(end)
        socket.destroy()
      }
      open.add(end)
      conn.onClose(end)
      if (!p.plugged) conn.send(JSON.stringify({ notice: 'unplug' }))
      return true
    },
    close() {
      for (const end of [...open]) end()
      pad?.close()
      pad = undefined
    },
  }
}

function defaultPinpad(): Pinpad {
  const now = Date.now()
  return createPinpad({ seed: now >>> 0, clock: systemClock, calendarStart: now - new Date(now).getTimezoneOffset() * 60_000 })
}
