// The shared sandbox server (docs/protocols/README.md S1–S5) over real HTTP: CORS, the loopback-only control
// plane, reset, the virtual clock, fault rule bookkeeping and the held-socket cleanup.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { request } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { isLoopback } from '../../sandbox/core/http.ts'
import { createSandbox } from '../../sandbox/server.ts'
import { clickAuth, startTestSandbox, type TestSandbox } from '../support/sandbox.ts'

let sb: TestSandbox

beforeAll(async () => {
  sb = await startTestSandbox()
})
afterAll(async () => {
  await sb.close()
})
beforeEach(async () => {
  await sb.reset()
})

/** A raw request (fetch may not send preflight-only headers such as Origin). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${sb.url}${path}`, { method, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('CORS (docs/protocols/README.md S1, scenario 20)', () => {
  it('answers a preflight with every custom header, Private Network Access included', async () => {
    const res = await raw('OPTIONS', '/sandbox/clickpass/v2/merchant/click_pass/payment', {
      Origin: 'http://localhost:5173',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,accept,auth,x-auth,regnum,password,token,authorization,x-terminal-id',
      'Access-Control-Request-Private-Network': 'true',
    })
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173')
    expect(res.headers['access-control-allow-methods']).toBe('GET, POST, PUT, DELETE')
    const allowed = String(res.headers['access-control-allow-headers'])
      .toLowerCase()
      .split(/\s*,\s*/)
    for (const h of ['content-type', 'accept', 'auth', 'x-auth', 'regnum', 'password', 'token', 'authorization', 'x-terminal-id']) expect(allowed).toContain(h)
    expect(res.headers['access-control-allow-private-network']).toBe('true')
    expect(res.headers['access-control-max-age']).toBe('600')
  })

  it('leaves Private Network Access out when it is not asked for', async () => {
    const res = await raw('OPTIONS', '/sandbox/clickpass/v2/merchant/click_pass/payment', { Origin: 'http://a.test', 'Access-Control-Request-Method': 'POST' })
    expect(res.status).toBe(204)
    expect(res.headers['access-control-allow-private-network']).toBeUndefined()
  })

  it('echoes the request origin on every provider answer, errors included', async () => {
    const ok = await raw('GET', '/sandbox', { Origin: 'http://kiosk.test' })
    expect(ok.headers['access-control-allow-origin']).toBe('http://kiosk.test')
    const refused = await raw('GET', '/sandbox/clickpass/v2/merchant/payment/status/85335/1', { Origin: 'http://kiosk.test' })
    expect(refused.status).toBe(401)
    expect(refused.headers['access-control-allow-origin']).toBe('http://kiosk.test')
  })
})

describe('the control API is closed to other origins', () => {
  const faults = () => sb.control('clickpass', 'faults') as Promise<unknown[]>

  it('sends no CORS headers, even to a request that carries everything it needs', async () => {
    const res = await raw('GET', '/sandbox/clickpass/_control/config', { Origin: 'http://evil.test', 'X-Paydesk-Sandbox': '1' })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('refuses a preflight: a page elsewhere cannot send the custom header or JSON', async () => {
    const res = await raw('OPTIONS', '/sandbox/_control/reset', {
      Origin: 'http://evil.test',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,x-paydesk-sandbox',
    })
    expect(res.status).toBe(403)
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
    expect(res.headers['access-control-allow-headers']).toBeUndefined()
  })

  it('a form-style request from another origin (no custom header, text/plain) is refused and changes nothing', async () => {
    await sb.control('clickpass', 'faults', { route: 'payment', fault: 'decline', times: 0 })
    const reset = await fetch(`${sb.url}/sandbox/_control/reset`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: 'http://evil.test' },
      body: '{}',
    })
    expect(reset.status).toBe(403)
    expect(reset.headers.get('access-control-allow-origin')).toBeNull()
    const wrongType = await fetch(`${sb.url}/sandbox/_control/reset`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Paydesk-Sandbox': '1' },
      body: '{}',
    })
    expect(wrongType.status).toBe(403)
    const config = await fetch(`${sb.url}/sandbox/clickpass/_control/config`)
    expect(config.status).toBe(403)
    expect(await config.text()).not.toContain('secret')
    expect(await faults()).toHaveLength(1)
  })

  it('the API routes keep answering other origins (the app may run apart from the sandbox)', async () => {
    const res = await raw('GET', '/sandbox/clickpass/v2/merchant/payment/status/85335/1', { Origin: 'http://kiosk.test' })
    expect(res.headers['access-control-allow-origin']).toBe('http://kiosk.test')
  })
})

describe('control plane (docs/protocols/README.md S2, scenario 21)', () => {
  it('counts only loopback peers as local', () => {
    for (const a of ['127.0.0.1', '127.10.20.30', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true)
    for (const a of [undefined, '', '10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', 'fe80::1', '128.0.0.1', '::2']) expect(isLoopback(a), String(a)).toBe(false)
  })

  it('does not answer the control API from another address: the socket is destroyed', async () => {
    const sandbox = createSandbox()
    for (const url of ['/sandbox/_control/health', '/sandbox/clickpass/_control/state', '/sandbox/_control/reset']) {
      let destroyed = false
      let written = false
      const req = { url, method: 'GET', headers: {}, socket: { remoteAddress: '10.0.0.5', destroy: () => (destroyed = true) } } as unknown as IncomingMessage
      const res = { writeHead: () => (written = true), end: () => (written = true), headersSent: false } as unknown as ServerResponse
      await sandbox.handle(req, res)
      expect(destroyed, url).toBe(true)
      expect(written, url).toBe(false)
    }
    sandbox.close()
  })

  it('leaves paths outside /sandbox to the host', () => {
    const sandbox = createSandbox()
    const req = { url: '/index.html', method: 'GET', headers: {}, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage
    expect(sandbox.handle(req, {} as ServerResponse)).toBe(false)
    sandbox.close()
  })

  it('reset empties the call log, the faults and the state', async () => {
    const { now } = await sb.clock.manual()
    const { token } = await sb.mintToken('clickpass')
    await sb.control('clickpass', 'faults', { route: 'status', fault: 'decline', times: 0 })
    await fetch(`${sb.url}/sandbox/clickpass/v2/merchant/click_pass/payment`, {
      method: 'POST',
      headers: { Auth: clickAuth(now), 'Content-Type': 'application/json' },
      body: JSON.stringify({ service_id: 85335, otp_data: token, amount: 1000 }),
    })
    await sb.control('clickpass', 'config', { magic: true }, 'PUT')
    expect(await sb.calls('clickpass')).toHaveLength(1)

    await sb.reset()
    expect(await sb.calls('clickpass')).toEqual([])
    expect(await sb.control('clickpass', 'faults')).toEqual([])
    expect(await sb.state('clickpass')).toMatchObject({ payments: [], tokens: [], confirmMode: false })
    expect(await sb.control('clickpass', 'config')).toMatchObject({ magic: false })
    expect((await sb.clock.now()).mode).toBe('real')
  })

  it('reset with a seed makes generated ids repeat', async () => {
    await sb.reset(42)
    const a = [(await sb.mintToken('clickpass')).token, (await sb.mintToken('clickpass')).token]
    await sb.reset(42)
    const b = [(await sb.mintToken('clickpass')).token, (await sb.mintToken('clickpass')).token]
    expect(b).toEqual(a)
    expect(a[0]).toMatch(/^880\d{15}$/)
    expect(a[1]).not.toBe(a[0])
  })

  it('answers 404 for an unknown provider or control path', async () => {
    await expect(sb.control('nosuch', 'state')).rejects.toThrow(/404/)
    await expect(sb.control('clickpass', 'nosuch')).rejects.toThrow(/404/)
    await expect(sb.control('clickpass', 'customer/act', {})).rejects.toThrow(/404/)
  })
})

describe('virtual clock (docs/protocols/README.md S5)', () => {
  it('freezes in manual mode, moves only by advance, and returns to real time', async () => {
    const before = Date.now()
    const m = await sb.clock.manual()
    expect(m.mode).toBe('manual')
    expect(m.now).toBeGreaterThanOrEqual(before)
    await new Promise((r) => setTimeout(r, 20))
    expect((await sb.clock.now()).now).toBe(m.now)
    expect((await sb.clock.advance(31_000)).now).toBe(m.now + 31_000)
    const r = await sb.clock.real()
    expect(r.mode).toBe('real')
    expect(Math.abs(r.now - Date.now())).toBeLessThan(1_000)
  })

  it('can be set to an exact instant, and refuses to advance in real mode or backwards', async () => {
    expect(await sb.clock.manual(1_519_051_543_000)).toEqual({ now: 1_519_051_543_000, mode: 'manual' })
    await expect(sb.clock.advance(-1)).rejects.toThrow(/400/)
    await sb.clock.real()
    await expect(sb.clock.advance(1_000)).rejects.toThrow(/400/)
  })
})

describe('fault rules (docs/protocols/README.md S3)', () => {
  it('lists rules with their remaining counts, deletes one by id, and clears all', async () => {
    const a = (await sb.control('clickpass', 'faults', { route: 'payment', fault: 'decline', times: 2 })) as { id: number }
    const added = (await sb.control('clickpass', 'faults', [
      { route: 'status', fault: 'http', status: 502, times: 0 },
      { fault: 'slow', delayMs: 10 },
    ])) as { id: number }[]
    expect(added).toHaveLength(2)
    expect(await sb.control('clickpass', 'faults')).toEqual([
      { id: a.id, route: 'payment', fault: 'decline', times: 2, remaining: 2 },
      { id: added[0]?.id, route: 'status', fault: 'http', status: 502, times: 0, remaining: null },
      { id: added[1]?.id, route: '*', fault: 'slow', delayMs: 10, times: 1, remaining: 1 },
    ])
    await sb.control('clickpass', `faults/${a.id}`, undefined, 'DELETE')
    expect(await sb.control('clickpass', 'faults')).toHaveLength(2)
    await sb.control('clickpass', 'faults', undefined, 'DELETE')
    expect(await sb.control('clickpass', 'faults')).toEqual([])
  })

  it('refuses a rule with an unknown route, fault or parameter type, and adds nothing', async () => {
    await expect(sb.control('clickpass', 'faults', { route: 'pay', fault: 'decline' })).rejects.toThrow(/400/)
    await expect(sb.control('clickpass', 'faults', { route: 'payment', fault: 'explode' })).rejects.toThrow(/400/)
    await expect(
      sb.control('clickpass', 'faults', [
        { route: 'payment', fault: 'slow', delayMs: 5 },
        { route: 'payment', fault: 'http', status: 'x' },
      ]),
    ).rejects.toThrow(/400/)
    await expect(sb.control('clickpass', 'faults', { route: 'payment', fault: 'error' })).rejects.toThrow(/400/)
    expect(await sb.control('clickpass', 'faults')).toEqual([])
  })
})

describe('held sockets', () => {
  it('close() ends a noReply hold at once, so nothing keeps the process alive', async () => {
    const own = await startTestSandbox()
    const { now } = await own.clock.manual()
    await own.control('clickpass', 'faults', { route: 'confirmOn', fault: 'noReply' })
    const pending = fetch(`${own.url}/sandbox/clickpass/v2/merchant/click_pass/confirmation/85335`, { method: 'PUT', headers: { Auth: clickAuth(now) } })
    await vi.waitFor(async () => expect(await own.calls('clickpass')).toHaveLength(1)) // the socket is held now
    const started = Date.now()
    await own.close()
    await expect(pending).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('reset ends a noReply hold too', async () => {
    const { now } = await sb.clock.manual()
    await sb.control('clickpass', 'faults', { route: 'confirmOn', fault: 'noReply', holdMs: 60_000 })
    const pending = fetch(`${sb.url}/sandbox/clickpass/v2/merchant/click_pass/confirmation/85335`, { method: 'PUT', headers: { Auth: clickAuth(now) } })
    await vi.waitFor(async () => expect((await sb.calls('clickpass')).some((c) => c.route === 'confirmOn' && c.fault === 'noReply')).toBe(true))
    await sb.reset()
    await expect(pending).rejects.toThrow()
  })

  it('a noReply hold closes the socket after holdMs', async () => {
    const { now } = await sb.clock.manual()
    await sb.control('clickpass', 'faults', { route: 'confirmOn', fault: 'noReply', holdMs: 50 })
    const started = Date.now()
    await expect(
      fetch(`${sb.url}/sandbox/clickpass/v2/merchant/click_pass/confirmation/85335`, { method: 'PUT', headers: { Auth: clickAuth(now) } }),
    ).rejects.toThrow()
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
  })
})
