// The shared sandbox server (docs/architecture.md § 4a, docs/protocols/README.md S1–S5): one request handler for every
// provider emulator under `/sandbox`, mountable in Vite (`vite-plugin.ts`) or run alone
// (`startSandboxServer`, `main.ts`). It owns routing, CORS, the loopback-only control
// plane, the call log, the fault rules' socket effects, reset and the virtual clock.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { CallLog, maskHeaders } from './core/calls.ts'
import { SandboxClock } from './core/clock.ts'
import { cutInMiddle, FaultList, parseFaultRule } from './core/faults.ts'
import { answerPreflight, BodyTooLarge, controlRefusal, isLoopback, jsonReply, readBody, writeReply } from './core/http.ts'
import { IdSource } from './core/ids.ts'
import { isJsonObject, parseJson, type Json } from './core/json.ts'
import type { ApiReply, ApiRequest, SandboxEnv, SandboxProvider } from './core/types.ts'
import { phonePage, qrSvg } from './phone/page.ts'
import { hostPage } from './host/page.ts'
import { PROVIDERS } from './registry.ts'
import { createPinpadBridgeServer, type PinpadBridgeServer } from './inpas/ws-bridge.ts'
import type { Duplex } from 'node:stream'

/** Every sandbox path starts here (docs/protocols/README.md S1). */
export const SANDBOX_PREFIX = '/sandbox'
/** The standalone server's default port (docs/protocols/README.md S1; env `PAYDESK_SANDBOX_PORT`). */
export const DEFAULT_SANDBOX_PORT = 8790
const CONTROL = '_control'

export interface SandboxOptions {
  /** Demo defaults (`magic`, `acceptAnyToken` on); tests leave it off. */
  demo?: boolean
  /** Seed for generated ids; a later `reset {seed}` replaces it. */
  seed?: number
}

export interface Sandbox {
  /** Serve a request under `/sandbox`; `false` (synchronously) when the path is not ours. */
  handle(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>
  /** Forget all state (as `POST /sandbox/_control/reset`). */
  reset(seed?: number): void
  /** End every held socket and pending timer; the handler stays usable. */
  close(): void
  /** An HTTP upgrade: the pin-pad bridge's WebSocket (inpas/ws-bridge.ts); `false` when the path is not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /** The pin-pad behind the bridge (tests script its customer and read its journal). */
  readonly pinpadBridge: PinpadBridgeServer
  readonly clock: SandboxClock
}

interface Mounted {
  provider: SandboxProvider
  title: string
  env: SandboxEnv
  ids: IdSource
}

interface Held {
  socket: Socket
  timer: ReturnType<typeof setTimeout>
}

export function createSandbox(opts: SandboxOptions = {}): Sandbox {
  const demo = opts.demo ?? false
  const clock = new SandboxClock()
  const calls = new CallLog()
  const mounted = new Map<string, Mounted>()
  for (const factory of PROVIDERS) {
    const ids = new IdSource(factory.id, opts.seed)
    const env: SandboxEnv = { clock, faults: new FaultList(), calls, ids, demo }
    mounted.set(factory.id, { provider: factory.create({ demo }), title: factory.title, env, ids })
  }
  const held = new Set<Held>()

  /** Keep a socket for `ms` (real time), then run `then` or destroy it. `close`/`reset` end it early. */
  const hold = (socket: Socket, ms: number, then?: () => void): void => {
    const entry: Held = {
      socket,
      timer: setTimeout(() => {
        held.delete(entry)
        if (then) then()
        else socket.destroy()
      }, ms),
    }
    entry.timer.unref()
    held.add(entry)
    socket.once('close', () => {
      clearTimeout(entry.timer)
      held.delete(entry)
    })
  }

  const endHeld = (): void => {
    for (const entry of held) {
      clearTimeout(entry.timer)
      entry.socket.destroy()
    }
    held.clear()
  }

  const reset = (seed?: number): void => {
    endHeld()
    calls.clear()
    clock.reset()
    bridge.reset()
    for (const m of mounted.values()) {
      m.env.faults.clear()
      m.ids.reseed(seed ?? opts.seed)
      m.provider.reset()
    }
  }

  const deliver = (req: IncomingMessage, res: ServerResponse, reply: ApiReply): void => {
    const wire = reply.wire
    const socket = req.socket
    switch (wire?.kind) {
      case undefined:
        writeReply(req, res, reply)
        return
      case 'noReply':
        hold(socket, wire.holdMs)
        return
      case 'lostReply':
      case 'reset':
        socket.destroy()
        return
      case 'malformed':
        writeReply(req, res, reply, cutInMiddle(reply.body))
        return
      case 'slow':
        hold(socket, wire.delayMs, () => writeReply(req, res, reply))
        return
    }
  }

  const send = (req: IncomingMessage, res: ServerResponse, reply: ApiReply): void => writeReply(req, res, reply)
  /** Control replies carry no CORS headers: no page of another origin may read them. */
  const sendControl = (req: IncomingMessage, res: ServerResponse, reply: ApiReply): void => writeReply(req, res, reply, reply.body, false)
  const badRequest = (error: string): ApiReply => jsonReply(400, { error })
  const notFound = (): ApiReply => jsonReply(404, { error: 'not found' })

  const parseBody = (raw: string): { ok: true; value: Json | undefined } | { ok: false } => {
    if (raw.trim() === '') return { ok: true, value: undefined }
    try {
      return { ok: true, value: parseJson(raw) }
    } catch {
      return { ok: false }
    }
  }

  const globalControl = async (req: IncomingMessage, sub: string): Promise<ApiReply> => {
    const body = parseBody(await readBody(req))
    if (!body.ok) return badRequest('the body is not JSON')
    const args = isJsonObject(body.value) ? body.value : {}
    if (sub === 'health' && req.method === 'GET') return jsonReply(200, { ok: true })
    if (sub === 'reset' && req.method === 'POST') {
      const seed = args.seed
      if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed))) return badRequest('seed must be an integer')
      reset(seed)
      return jsonReply(200, { ok: true })
    }
    if (sub === 'clock' && req.method === 'GET') return jsonReply(200, { now: clock.now(), mode: clock.mode })
    if (sub === 'clock' && req.method === 'POST') {
      const { mode, advanceMs, now } = args
      try {
        if (now !== undefined) {
          const at = typeof now === 'string' ? Date.parse(now) : now
          if (typeof at !== 'number' || !Number.isFinite(at)) return badRequest('now must be epoch ms or an ISO date')
          clock.setManual(at)
        }
        if (mode !== undefined) {
          if (mode !== 'manual' && mode !== 'real') return badRequest('mode must be "manual" or "real"')
          clock.setMode(mode)
        }
        if (advanceMs !== undefined) {
          if (typeof advanceMs !== 'number') return badRequest('advanceMs must be a number')
          clock.advance(advanceMs)
        }
      } catch (e) {
        return badRequest((e as Error).message)
      }
      return jsonReply(200, { now: clock.now(), mode: clock.mode })
    }
    return notFound()
  }

  const providerControl = async (req: IncomingMessage, m: Mounted, sub: string, url: URL): Promise<ApiReply> => {
    const rawBody = await readBody(req)
    const method = req.method ?? 'GET'
    const { faults } = m.env
    if (sub === 'faults' || sub.startsWith('faults/')) {
      if (sub === 'faults' && method === 'GET') return jsonReply(200, faults.list())
      if (sub === 'faults' && method === 'DELETE') {
        faults.clear()
        return jsonReply(200, { ok: true })
      }
      if (sub === 'faults' && method === 'POST') {
        const body = parseBody(rawBody)
        if (!body.ok || body.value === undefined) return badRequest('post a rule or an array of rules')
        const inputs = Array.isArray(body.value) ? body.value : [body.value]
        const parsed = inputs.map((input) => parseFaultRule(input, m.provider.routes, m.provider.extraFaults))
        const bad = parsed.find((p) => !p.ok)
        if (bad && !bad.ok) return badRequest(bad.error)
        const ids = parsed.map((p) => (p.ok ? faults.add(p.rule).id : 0))
        const added = faults.list().filter((r) => ids.includes(Number(r.id)))
        return jsonReply(200, Array.isArray(body.value) ? added : added[0])
      }
      const id = /^faults\/(\d+)$/.exec(sub)?.[1]
      if (id !== undefined && method === 'DELETE') return faults.remove(Number(id)) ? jsonReply(200, { ok: true }) : notFound()
      return notFound()
    }
    if (sub === 'calls' && method === 'GET') return jsonReply(200, m.env.calls.list(m.provider.id))
    if (sub === 'calls' && method === 'DELETE') {
      m.env.calls.clear(m.provider.id)
      return jsonReply(200, { ok: true })
    }
    const apiReq: ApiRequest = { method, path: sub, query: url.searchParams, headers: req.headers, rawBody, route: undefined }
    return (await m.provider.handleControl(sub, apiReq, m.env)) ?? notFound()
  }

  const providerApi = async (req: IncomingMessage, res: ServerResponse, m: Mounted, path: string, url: URL): Promise<void> => {
    const method = req.method ?? 'GET'
    const route = m.provider.routeOf(method, path)
    const logCall = (reply: ApiReply | undefined, body: Json): void => {
      const sent = reply !== undefined && (reply.wire === undefined || reply.wire.kind === 'malformed' || reply.wire.kind === 'slow')
      m.env.calls.record({
        at: m.env.clock.now(),
        provider: m.provider.id,
        method,
        path: url.pathname + url.search,
        route: reply?.route ?? route ?? null,
        headers: maskHeaders(req.headers),
        body,
        status: sent ? reply.status : null,
        fault: reply?.fault ?? null,
        magic: reply?.magic ?? null,
        tooEarly: reply?.tooEarly ?? false,
      })
    }
    const early = m.env.faults.takeBeforeBody(route)
    if (early) {
      m.env.calls.record({
        at: m.env.clock.now(),
        provider: m.provider.id,
        method,
        path: url.pathname + url.search,
        route: route ?? null,
        headers: maskHeaders(req.headers),
        body: null,
        status: null,
        fault: early.fault,
        magic: null,
        tooEarly: false,
      })
      req.socket.destroy()
      return
    }
    const rawBody = await readBody(req)
    const parsed = parseBody(rawBody)
    const logBody: Json = parsed.ok ? (parsed.value ?? null) : rawBody
    const reply = await m.provider.handleApi({ method, path, query: url.searchParams, headers: req.headers, rawBody, route }, m.env)
    logCall(reply, logBody)
    deliver(req, res, reply)
  }

  const dispatch = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const rest = url.pathname.slice(SANDBOX_PREFIX.length)
    const parts = rest.split('/').filter((s) => s !== '')
    const isControl = parts[0] === CONTROL || parts[1] === CONTROL
    if (isControl && !isLoopback(req.socket.remoteAddress)) {
      // Scenario 21: the control plane does not answer other addresses at all.
      req.socket.destroy()
      return
    }
    if (isControl) {
      // The custom header and JSON, or nothing; a preflight is refused like any other request.
      const why = controlRefusal(req)
      if (why) {
        sendControl(req, res, jsonReply(403, { error: why }))
        return
      }
    }
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res)
      return
    }
    if (parts.length === 0) {
      send(req, res, jsonReply(200, { providers: [...mounted.keys()], phone: `${SANDBOX_PREFIX}/phone` }))
      return
    }
    if (parts[0] === CONTROL) {
      sendControl(req, res, await globalControl(req, parts.slice(1).join('/')))
      return
    }
    if (parts[0] === 'host' && parts.length === 1 && req.method === 'GET') {
      // The sample host POS page; `?paydesk=<origin>` when served for another origin.
      const target = url.searchParams.get('paydesk') ?? `http://${req.headers.host ?? '127.0.0.1'}`
      send(req, res, { status: 200, body: hostPage(target), contentType: 'text/html; charset=utf-8' })
      return
    }
    if (parts[0] === 'phone') {
      if (parts.length === 1 && req.method === 'GET') {
        const list = [...mounted.values()].map((m) => ({
          id: m.provider.id,
          title: m.title,
          outcomes: m.provider.phoneOutcomes(),
          ...(m.provider.phoneCodeKinds ? { codeKinds: m.provider.phoneCodeKinds() } : {}),
        }))
        send(req, res, { status: 200, body: phonePage(list), contentType: 'text/html; charset=utf-8' })
        return
      }
      if (parts[1] === 'qr.svg' && parts.length === 2 && req.method === 'GET') {
        const text = url.searchParams.get('text') ?? ''
        if (text === '' || text.length > 512) {
          send(req, res, badRequest('text: 1–512 characters'))
          return
        }
        send(req, res, { status: 200, body: await qrSvg(text), contentType: 'image/svg+xml; charset=utf-8' })
        return
      }
      send(req, res, notFound())
      return
    }
    if (parts[0] === 'inpas' && parts[1] === CONTROL) {
      // The bridged pin-pad's controls (inpas/ws-bridge.ts): it is a device, not an HTTP provider.
      const body = parseBody(await readBody(req))
      sendControl(req, res, body.ok ? bridge.control(req.method ?? 'GET', parts.slice(2).join('/'), body.value) : badRequest('the body is not JSON'))
      return
    }
    const m = mounted.get(parts[0] ?? '')
    if (!m) {
      send(req, res, notFound())
      return
    }
    if (parts[1] === CONTROL) {
      sendControl(req, res, await providerControl(req, m, parts.slice(2).join('/'), url))
      return
    }
    await providerApi(req, res, m, rest.slice(1 + m.provider.id.length) || '/', url)
  }

  const bridge = createPinpadBridgeServer()
  return {
    clock,
    reset,
    close: () => {
      endHeld()
      bridge.close()
    },
    upgrade: (req, socket, head) => bridge.upgrade(req, socket, head),
    pinpadBridge: bridge,
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid')
      if (url.pathname !== SANDBOX_PREFIX && !url.pathname.startsWith(`${SANDBOX_PREFIX}/`)) return false
      return dispatch(req, res, url).then(
        () => true,
        (err: unknown) => {
          if (err instanceof BodyTooLarge) {
            if (!res.headersSent) writeReply(req, res, jsonReply(413, { error: err.message }))
          } else if (!res.headersSent && !req.socket.destroyed) {
            console.error('sandbox: request failed', err)
            writeReply(req, res, jsonReply(500, { error: String(err) }))
          }
          return true
        },
      )
    },
  }
}

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string
  sandbox: Sandbox
  close(): Promise<void>
}

/** Run the sandbox alone, always on 127.0.0.1 (`port: 0` picks a free port). */
export async function startSandboxServer(opts: { port?: number; demo?: boolean; seed?: number } = {}): Promise<RunningSandbox> {
  const sandbox = createSandbox({ demo: opts.demo ?? false, ...(opts.seed === undefined ? {} : { seed: opts.seed }) })
  const server = createServer((req, res) => {
    const handled = sandbox.handle(req, res)
    const notOurs = (): void => writeReply(req, res, jsonReply(404, { error: 'not found: the sandbox serves /sandbox/…' }))
    if (handled === false) notOurs()
    else if (handled !== true) void handled.then((h) => (h ? undefined : notOurs()))
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!sandbox.upgrade(req, socket, head)) socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? DEFAULT_SANDBOX_PORT, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        sandbox.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
