// A minimal WebSocket (RFC 6455) for the sandbox's local bridges: the server side of an HTTP upgrade, and a client
// for tests. Binary and text frames, ping/pong, close; no extensions, no fragmentation on send. Loopback only.
import { createHash, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const OP = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const

export interface WsConn {
  send(data: Uint8Array | string): void
  onMessage(cb: (data: Uint8Array, text: boolean) => void): void
  onClose(cb: () => void): void
  close(): void
}

export function encodeFrame(opcode: number, payload: Uint8Array, masked: boolean): Buffer {
  const len = payload.length
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10
  const out = Buffer.alloc(head + (masked ? 4 : 0) + len)
  out[0] = 0x80 | opcode
  if (len < 126) out[1] = len
  else if (len < 65536) {
    out[1] = 126
    out.writeUInt16BE(len, 2)
  } else {
    out[1] = 127
    out.writeBigUInt64BE(BigInt(len), 2)
  }
  if (masked) {
    out[1]! |= 0x80
    const mask = randomBytes(4)
    mask.copy(out, head)
    for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!
  } else out.set(payload, head)
  return out
}

function wrap(socket: Duplex, masked: boolean, initial?: Buffer): WsConn {
  let buf: Buffer = initial?.length ? Buffer.from(initial) : Buffer.alloc(0)
  const messages: ((d: Uint8Array, text: boolean) => void)[] = []
  const closes: (() => void)[] = []
  let closed = false
  const finish = () => {
    if (closed) return
    closed = true
    for (const f of closes) f()
  }
  const write = (opcode: number, payload: Uint8Array) => {
    if (!closed && socket.writable) socket.write(encodeFrame(opcode, payload, masked))
  }
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return
      const opcode = buf[0]! & 0x0f
      const isMasked = (buf[1]! & 0x80) !== 0
      let len = buf[1]! & 0x7f
      let off = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        off = 4
      } else if (len === 127) {
        if (buf.length < 10) return
        len = Number(buf.readBigUInt64BE(2))
        off = 10
      }
      const maskAt = off
      if (isMasked) off += 4
      if (buf.length < off + len) return
      const payload = Buffer.from(buf.subarray(off, off + len))
      if (isMasked) for (let i = 0; i < len; i++) payload[i]! ^= buf[maskAt + (i & 3)]!
      buf = buf.subarray(off + len)
      if (opcode === OP.close) {
        write(OP.close, new Uint8Array())
        socket.end()
        finish()
        return
      }
      if (opcode === OP.ping) write(OP.pong, payload)
      else if (opcode === OP.binary || opcode === OP.text) for (const m of messages) m(new Uint8Array(payload), opcode === OP.text)
    }
  }
  socket.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d
    parse()
  })
  socket.on('close', finish)
  socket.on('error', finish)
  if (buf.length) queueMicrotask(parse)
  return {
    send: (data) => write(typeof data === 'string' ? OP.text : OP.binary, typeof data === 'string' ? Buffer.from(data) : data),
    onMessage: (cb) => void messages.push(cb),
    onClose: (cb) => void closes.push(cb),
    close: () => {
      write(OP.close, new Uint8Array())
      socket.end()
      finish()
    },
  }
}

/** Accept an HTTP upgrade as a WebSocket; `undefined` (and the socket destroyed) when it is not a valid one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer): WsConn | undefined {
  const key = req.headers['sec-websocket-key']
  if (typeof key !== 'string' || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    socket.destroy()
    return undefined
  }
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64')
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
  return wrap(socket, false, head)
}

/** A client (tests, tools): connect to `ws://127.0.0.1:PORT/path`. */
export function connectWebSocket(url: string): Promise<WsConn> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(u.port), u.hostname)
    const key = randomBytes(16).toString('base64')
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    let head = Buffer.alloc(0)
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      socket.off('error', reject)
      const status = head.subarray(0, end).toString()
      if (!/^HTTP\/1\.1 101/.test(status)) {
        socket.destroy()
        reject(new Error(`websocket refused: ${status.split('\r\n')[0]}`))
        return
      }
      resolve(wrap(socket, true, head.subarray(end + 4)))
    }
    socket.on('data', onData)
  })
}
