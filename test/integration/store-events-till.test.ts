// The till hears its store's `config` announcement over server-sent events (fetch with its token), and a
// revoked token ends the stream; the SSE parser handles split chunks, comments (heartbeats) and CRLF.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createStoreApp } from '../../server/app.ts'
import { emptyConfig, type StoreContext } from '../../server/context.ts'
import type { Db } from '../../server/db/db.ts'
import { openPglite } from '../../server/db/pglite.ts'
import { StoreEvents } from '../../server/events.ts'
import { migrate } from '../../server/migrate.ts'
import { enrol, ensureStore, issueEnrolCode, revokeTill } from '../../server/store/enrolment.ts'
import { listenStoreEvents, sseParser } from '../../workers/engine/sync/events.ts'

describe('sseParser', () => {
  it('reads events across chunks, skips heartbeats, takes CRLF', () => {
    const got: [string, string][] = []
    const feed = sseParser((e, d) => got.push([e, d]))
    feed('event: hello\ndata: {"a":1}\n\n: heartbeat\n\nevent: con')
    feed('fig\r\ndata: {"version":7}\r\n\r\n')
    expect(got).toEqual([
      ['hello', '{"a":1}'],
      ['config', '{"version":7}'],
    ])
  })
})

describe('listenStoreEvents against the store server', () => {
  let db: Db
  let ctx: StoreContext
  let app: ReturnType<typeof createStoreApp>['app']
  beforeAll(async () => {
    db = await openPglite({ say: () => undefined })
    await migrate(db)
    await ensureStore(db, { id: 'S', name: 'Store' })
    ctx = { db: async () => db, store: { id: 'S', name: 'Store' }, events: new StoreEvents(), config: emptyConfig, now: () => Date.now(), log: () => undefined }
    app = createStoreApp(ctx).app
  }, 180_000)
  afterAll(() => db?.close())
  const storeFetch = ((input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(app.request(String(input), init))) as typeof fetch

  it('a config announcement reaches the till; revoking ends its stream', async () => {
    const { code, tillId } = await issueEnrolCode(db, { storeId: 'S', name: 'T' })
    const { token } = (await enrol(db, 'S', { code, device: { name: 'T', appVersion: '0' } }))!
    const heard: (number | undefined)[] = []
    let revoked = 0
    const ctrl = new AbortController()
    const done = listenStoreEvents({
      fetch: storeFetch,
      address: 'http://store.test',
      token,
      signal: ctrl.signal,
      on: { config: (v) => heard.push(v), revoked: () => revoked++ },
    })
    await vi.waitFor(() => expect(ctx.events.connected()).toContain(tillId))
    ctx.events.emit('*', { event: 'config', data: { version: 12 } })
    await vi.waitFor(() => expect(heard).toEqual([12]))
    await revokeTill(db, tillId, 'test')
    ctx.events.emit(tillId, { event: 'revoked', data: {} })
    expect(await done).toBe('ended')
    expect(revoked).toBe(1)
    // Its next connection is refused as revoked.
    expect(
      await listenStoreEvents({
        fetch: storeFetch,
        address: 'http://store.test',
        token,
        signal: ctrl.signal,
        on: { config: () => undefined, revoked: () => revoked++ },
      }),
    ).toBe('revoked')
    expect(revoked).toBe(2)
  })
})
