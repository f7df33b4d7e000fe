// Every HTTP emulator extends the one skeleton (sandbox/core/emulator.ts): settings from its defaults, `PUT config`
// merged with every key checked (a bad one changes nothing), `GET state`, and `reset` back to the defaults.
import { describe, expect, it } from 'vitest'
import { Emulator } from '../../sandbox/core/emulator.ts'
import { PROVIDERS } from '../../sandbox/registry.ts'
import type { ApiRequest, SandboxEnv } from '../../sandbox/core/types.ts'

const req = (method: string, rawBody = ''): ApiRequest => ({ method, path: '', query: new URLSearchParams(), headers: {}, rawBody, route: undefined })
const env = { clock: { now: () => Date.UTC(2026, 0, 5, 9) } } as unknown as SandboxEnv

describe.each(PROVIDERS.map((f) => [f.id, f] as const))('%s', (_, factory) => {
  it('extends the emulator base; config, state and reset go through it', async () => {
    const e = factory.create({ demo: false })
    expect(e).toBeInstanceOf(Emulator)
    const before = (await e.handleControl('config', req('GET'), env))?.body
    expect((await e.handleControl('config', req('PUT', '{"noSuchKey":1}'), env))?.status).toBe(400)
    expect((await e.handleControl('config', req('PUT', '{not json'), env))?.status).toBe(400)
    expect((await e.handleControl('config', req('GET'), env))?.body).toBe(before)
    expect((await e.handleControl('state', req('GET'), env))?.status).toBe(200)
    expect(await e.handleControl('no/such/endpoint', req('GET'), env)).toBeUndefined()
    e.reset()
    expect((await e.handleControl('config', req('GET'), env))?.body).toBe(before)
  })
})
