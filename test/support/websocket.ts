// A browser-shaped `WebSocket` for the node tests (Node 20 has none), over the sandbox's minimal client: enough for
// the page side of the pin-pad bridge (sandbox/inpas/ws-serial.ts).
import { connectWebSocket, type WsConn } from '../../sandbox/core/websocket.ts'

export class NodeWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 3
  readyState = NodeWebSocket.CONNECTING
  binaryType = 'arraybuffer'
  onopen: (() => void) | null = null
  onmessage: ((e: { data: string | ArrayBuffer }) => void) | null = null
  onclose: (() => void) | null = null
  #conn: WsConn | undefined

  constructor(url: string) {
    connectWebSocket(url).then(
      (c) => {
        this.#conn = c
        this.readyState = NodeWebSocket.OPEN
        c.onMessage((d, text) => this.onmessage?.({ data: text ? new TextDecoder().decode(d) : d.slice().buffer }))
        c.onClose(() => {
          this.readyState = NodeWebSocket.CLOSED
          this.onclose?.()
        })
        this.onopen?.()
      },
      () => {
        this.readyState = NodeWebSocket.CLOSED
        this.onclose?.()
      },
    )
  }

  send(data: Uint8Array | ArrayBuffer) {
    this.#conn?.send(data instanceof Uint8Array ? data : new Uint8Array(data))
  }

  close() {
    this.#conn?.close()
  }
}
