// TCP runner of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.1 "Raw TCP"; docs/architecture.md § 4a). The only part of
// the emulator that imports `node:*`. Both servers listen on 127.0.0.1 only.
//
// SA byte stream: TCP 127.0.0.1:6060 (`PINPAD_PORT`). The raw serial bytes both ways, chunking arbitrary (the pin-pad
//   speaks SA over TCP like a networked terminal). One client at a time: a second connection is closed at once.
//   `unplug` closes the client's connection and refuses new ones until `replug`.
// Controls: HTTP 127.0.0.1:6061 (`PINPAD_CONTROL_PORT`, default PINPAD_PORT + 1):
//   POST /control  body `{"action": "<name>", "args": [...] | {...}}` (§ 5.3 names, e.g. `{"action":"nak","args":[2]}`,
//                  `{"action":"customer","args":{"outcome":"decline","afterMs":1000}}`, `{"action":"unplug"}`)
//                  → 200 `{"ok": true, "state": {...}}` or 400 `{"ok": false, "error": "..."}`
//   GET  /state    → the state summary (plugged, tid, busy, phase, screen, hostLink, terminalDateTime, journalSize)
//   GET  /journal  → the journal (E12) as JSON
//   GET  /trace    → the byte trace as text, one line per chunk: `<ms> <'<' till→pin-pad | '>' pin-pad→till> <hex>`
// The TCP runner uses the machine clock; `clock.advance` / `clock.nextDay` move the terminal calendar.
import http from 'node:http'
import net from 'node:net'
import { createPinpad, systemClock, type Pinpad, type PinpadOptions } from './pinpad.ts'

export const DEFAULT_PINPAD_PORT = 6060
const HOST = '127.0.0.1'
/** Control bodies are tiny; refuse anything larger. */
const MAX_BODY = 64 * 1024

export interface PinpadTcpOptions extends PinpadOptions {
  /** SA byte stream port; 0 = ephemeral. Default 6060. */
  port?: number
  /** HTTP control port; 0 = ephemeral. Default `port + 1` (ephemeral when `port` is 0). */
  controlPort?: number
}

export interface RunningPinpadTcp {
  pinpad: Pinpad
  port: number
  controlPort: number
  close(): Promise<void>
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve((server.address() as net.AddressInfo).port)
    })
  })
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}

export async function startPinpadTcp(options: PinpadTcpOptions = {}): Promise<RunningPinpadTcp> {
  const { port = DEFAULT_PINPAD_PORT, controlPort = port === 0 ? 0 : port + 1, ...padOptions } = options
  const localNow = new Date()
  const pinpad = createPinpad({
    clock: systemClock,
    // Terminal local time = the machine's local wall time at start.
    calendarStart: localNow.getTime() - localNow.getTimezoneOffset() * 60_000,
    ...padOptions,
  })
  let client: net.Socket | null = null
  const sockets = new Set<net.Socket>()

  pinpad.onData((bytes) => {
    if (client && !client.destroyed) client.write(bytes)
  })
  pinpad.onNotice((n) => {
    if (n.kind === 'unplug' && client) {
      client.destroy()
      client = null
    }
  })

  const tcp = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      if (client === socket) client = null
    })
    socket.on('error', () => socket.destroy())
    if (client || !pinpad.plugged) {
      // One client at a time (§ 5.1); nobody while unplugged.
      socket.destroy()
      return
    }
    client = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => pinpad.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)))
  })

  const control = http.createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8` })
      res.end(typeof body === 'string' ? body : JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', `http://${HOST}`)
    if (req.method === 'GET' && url.pathname === '/state') return send(200, pinpad.summary())
    if (req.method === 'GET' && url.pathname === '/journal') return send(200, pinpad.journal())
    if (req.method === 'GET' && url.pathname === '/trace') return send(200, pinpad.traceText(), 'text/plain')
    if (req.method !== 'POST' || url.pathname !== '/control') return send(404, { ok: false, error: 'not found' })
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) req.destroy()
      else chunks.push(c)
    })
    req.on('end', () => {
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch {
        return send(400, { ok: false, error: 'body is not JSON' })
      }
      if (typeof body !== 'object' || body === null || typeof (body as { action?: unknown }).action !== 'string') {
        return send(400, { ok: false, error: 'expected {action, args}' })
      }
      const { action, args, ...rest } = body as { action: string; args?: unknown }
      try {
        const r = pinpad.control({ action, args: args ?? (Object.keys(rest).length > 0 ? rest : []) })
        send(r.ok ? 200 : 400, r.ok ? { ok: true, state: r.state } : { ok: false, error: r.error, state: r.state })
      } catch (err) {
        send(400, { ok: false, error: String(err) })
      }
    })
  })

  const tcpPort = await listen(tcp, port)
  let ctlPort: number
  try {
    ctlPort = await listen(control, controlPort)
  } catch (err) {
    await closeServer(tcp)
    throw err
  }

  return {
    pinpad,
    port: tcpPort,
    controlPort: ctlPort,
    async close() {
      pinpad.close()
      for (const s of sockets) s.destroy()
      control.closeAllConnections()
      await Promise.all([closeServer(tcp), closeServer(control)])
    },
  }
}
