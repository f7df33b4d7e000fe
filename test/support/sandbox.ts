// A sandbox for tests: the real server in-process on an ephemeral 127.0.0.1 port (test
// defaults: no magic, no acceptAnyToken), plus thin helpers over its control API. Shared
// by the sandbox's own suites and the engine/client suites.

import { createHash } from 'node:crypto'
import type { CallEntry } from '../../sandbox/core/calls.ts'
import { startSandboxServer, type Sandbox } from '../../sandbox/server.ts'
import { CONTROL_HEADERS } from '../../sandbox/core/http.ts'

export interface ClockReply {
  now: number
  mode: 'real' | 'manual'
}

export interface MintedToken {
  token: string
  expiresAt: string
  ttlMs: number
  behaviour: number | null
}

export interface TestSandbox {
  /** `http://127.0.0.1:PORT`; provider urls are `${url}/sandbox/<id>`. */
  url: string
  /** The in-process handler (for `close()`-level checks); tests normally use HTTP. */
  sandbox: Sandbox
  close(): Promise<void>
  /**
   * Call `/sandbox/<provider>/_control/<path>` (or `/sandbox/_control/<path>` when provider is null).
   * Method defaults to GET without a body, POST with one. Throws on a non-2xx answer.
   */
  control(provider: string | null, path: string, body?: unknown, method?: string): Promise<unknown>
  /** `POST /sandbox/_control/reset`: forget calls, faults, state, settings; clock back to real. */
  reset(seed?: number): Promise<void>
  clock: {
    /** Manual mode: frozen at the current real time, or at `atMs` when given. */
    manual(atMs?: number): Promise<ClockReply>
    advance(ms: number): Promise<ClockReply>
    real(): Promise<ClockReply>
    now(): Promise<ClockReply>
  }
  calls(provider: string): Promise<CallEntry[]>
  state(provider: string): Promise<unknown>
  /** `POST <prefix>/_control/wallet/token`: `{ ttlMs?, behaviour? }`. */
  mintToken(provider: string, opts?: Record<string, unknown>): Promise<MintedToken>
}

export async function startTestSandbox(opts: { seed?: number } = {}): Promise<TestSandbox> {
  const running = await startSandboxServer({ port: 0, demo: false, ...(opts.seed === undefined ? {} : { seed: opts.seed }) })
  const control = async (provider: string | null, path: string, body?: unknown, method?: string): Promise<unknown> => {
    const url = `${running.url}/sandbox/${provider === null ? '' : `${provider}/`}_control/${path}`
    const res = await fetch(url, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: CONTROL_HEADERS,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`sandbox control ${method ?? ''} ${path}: HTTP ${res.status} ${text}`)
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }
  const clock = (body: Record<string, unknown>) => control(null, 'clock', body, 'POST') as Promise<ClockReply>
  return {
    url: running.url,
    sandbox: running.sandbox,
    close: running.close,
    control,
    reset: async (seed) => {
      await control(null, 'reset', seed === undefined ? {} : { seed }, 'POST')
    },
    clock: {
      manual: (atMs) => clock(atMs === undefined ? { mode: 'manual' } : { now: atMs }),
      advance: (ms) => clock({ advanceMs: ms }),
      real: () => clock({ mode: 'real' }),
      now: () => control(null, 'clock') as Promise<ClockReply>,
    },
    calls: (provider) => control(provider, 'calls') as Promise<CallEntry[]>,
    state: (provider) => control(provider, 'state'),
    mintToken: (provider, o) => control(provider, 'wallet/token', o ?? {}, 'POST') as Promise<MintedToken>,
  }
}

/** A Click `Auth` header (docs/protocols/clickpass.md § 2.1) for the sandbox's default credentials, at `nowMs`. */
export function clickAuth(nowMs: number, merchantUserId = 123, secretKey = 'secret'): string {
  const ts = String(Math.floor(nowMs / 1000))
  return `${merchantUserId}:${createHash('sha1')
    .update(ts + secretKey)
    .digest('hex')}:${ts}`
}
