// GET /config by version (304 when unchanged, never cached) and GET /events (server-sent events): a till hears
// `hello` on connect, `config` when the store's config moves, and `revoked` — then the stream ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StoreEvents } from '../../server/events.ts'
import { revokeTill } from '../../server/store/enrolment.ts'
import { revokeAndTell, tellConfig } from '../../server/store/revoke.ts'
import { ENGINES, storeFixture, type StoreFixture } from './support.ts'

/** Reads an event stream until `until` matches the text so far (or the stream ends). */
async function readUntil(res: Response, until: (text: string) => boolean): Promise<{ text: string; ended: boolean }> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return { text, ended: true }
    text += decoder.decode(value)
    if (until(text)) {
      reader.releaseLock()
      return { text, ended: false }
    }
  }
}

describe.each(ENGINES)('config and events on %s', (engine) => {
  let f: StoreFixture
  beforeAll(async () => {
    f = await storeFixture(engine, { heartbeatMs: 50 })
  })
  afterAll(() => f.close())

  it('GET /config answers the version with an ETag, 304 when the till has it, and is never cached', async () => {
    const t = await f.enrolTill()
    const r = await f.request('/config', { token: t.token })
    expect(r.status).toBe(200)
    expect(r.headers.get('Cache-Control')).toBe('no-store')
    expect(r.headers.get('ETag')).toBe(`"${t.configVersion}"`)
    expect(await r.json()).toEqual({ version: t.configVersion, paymentTypes: [], tillSettings: {}, secrets: {} })
    const same = await f.request('/config', { token: t.token, headers: { 'If-None-Match': `"${t.configVersion}"` } })
    expect(same.status).toBe(304)
    await f.db.query('UPDATE store SET config_version = config_version + 1')
    const moved = await f.request('/config', { token: t.token, headers: { 'If-None-Match': `"${t.configVersion}"` } })
    expect(moved.status).toBe(200)
    expect(((await moved.json()) as { version: number }).version).toBe(t.configVersion + 1)
  })

  it('a till hears hello, heartbeats and config, and revoked ends its stream', async () => {
    const t = await f.enrolTill()
    const res = await f.request('/events', { token: t.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/text\/event-stream/)
    const first = await readUntil(res, (s) => s.includes(': heartbeat'))
    expect(first.text).toContain('event: hello')
    tellConfig(f.ctx, 42)
    const rest = await readUntil(res, (s) => s.includes('"version":42'))
    expect(rest.text).toContain('event: config')
    expect(await revokeAndTell(f.ctx, t.tillId, 'admin')).toBe(true)
    const end = await readUntil(res, () => false)
    expect(end.text).toContain('event: revoked')
    expect(end.ended).toBe(true)
    expect((await f.request('/events', { token: t.token })).status).toBe(401)
  })

  it('a token revoked by another process is noticed at the next heartbeat', async () => {
    const t = await f.enrolTill()
    const res = await f.request('/events', { token: t.token })
    await readUntil(res, (s) => s.includes('event: hello'))
    await revokeTill(f.db, t.tillId, 'cli')
    const end = await readUntil(res, () => false)
    expect(end.text).toContain('event: revoked')
    expect(end.ended).toBe(true)
  })

  it('a stream that ends leaves no heartbeat timer behind, however many events it carried', async () => {
    // Each wait between events armed a heartbeat timer that nothing cleared: a closed stream left them pending for
    // a heartbeat each, which held the demo server's process past its test teardown.
    const slow = await storeFixture(engine, { heartbeatMs: 10 * 60_000 })
    try {
      const t = await slow.enrolTill()
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
      const before = timers()
      const res = await slow.request('/events', { token: t.token })
      await readUntil(res, (s) => s.includes('event: hello'))
      for (let i = 1; i <= 5; i++) {
        tellConfig(slow.ctx, 100 + i)
        await readUntil(res, (s) => s.includes(`"version":${100 + i}`))
      }
      await res.body!.cancel()
      await expect.poll(() => slow.ctx.events.connected()).toEqual([])
      await expect.poll(timers).toBeLessThanOrEqual(before)
    } finally {
      await slow.close()
    }
  })

  it('a server shutting down ends every open stream', async () => {
    const t = await f.enrolTill()
    const res = await f.request('/events', { token: t.token })
    await readUntil(res, (s) => s.includes('event: hello'))
    f.ctx.events.close()
    expect((await readUntil(res, () => false)).ended).toBe(true)
    f.ctx.events = new StoreEvents()
  })
})
