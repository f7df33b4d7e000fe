// The till's first moments (src/boot.ts): the journal's database warmed without ever being created, the worker's
// unasked first listing taken once and only while fresh.
import { describe, expect, it } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { firstMessage, firstThenAsk, warmDatabase } from '../../src/boot.ts'

const open = (idb: IDBFactory, name: string, version?: number, stores: string[] = []) =>
  new Promise<IDBDatabase>((resolve, reject) => {
    const r = idb.open(name, version)
    r.onupgradeneeded = () => stores.forEach((s) => r.result.createObjectStore(s))
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
    r.onblocked = () => reject(new Error('blocked'))
  })

describe('warmDatabase', () => {
  it('creates no database on a till that has none', async () => {
    const idb = new IDBFactory()
    await warmDatabase('paydesk', idb)
    expect(await idb.databases()).toEqual([])
    // The engine then creates it at its own version, as on any first visit.
    const db = await open(idb, 'paydesk', 60, ['operations'])
    expect([...db.objectStoreNames]).toEqual(['operations'])
    db.close()
  })

  it('opens an existing one and lets it go: an upgrade after it is not blocked, the data is untouched', async () => {
    const idb = new IDBFactory()
    ;(await open(idb, 'paydesk', 50, ['operations'])).close()
    await warmDatabase('paydesk', idb)
    const db = await open(idb, 'paydesk', 60, ['tally'])
    expect([...db.objectStoreNames].sort()).toEqual(['operations', 'tally'])
    db.close()
  })

  it('does nothing where there is no IndexedDB', async () => {
    await expect(warmDatabase('paydesk', undefined)).resolves.toBeUndefined()
  })
})

describe('firstMessage', () => {
  it('resolves with the first message carrying the key, past Comlink’s own', async () => {
    const source = new EventTarget()
    const got = firstMessage<string[]>(source, 'boot')
    source.dispatchEvent(new MessageEvent('message', { data: { id: 'comlink-1', value: 1 } }))
    source.dispatchEvent(new MessageEvent('message', { data: null }))
    source.dispatchEvent(new MessageEvent('message', { data: { boot: ['a'] } }))
    source.dispatchEvent(new MessageEvent('message', { data: { boot: ['b'] } }))
    expect(await got).toEqual(['a'])
  })

  it('reads a failed listing (null) as none', async () => {
    const source = new EventTarget()
    const got = firstMessage<string[]>(source, 'boot')
    source.dispatchEvent(new MessageEvent('message', { data: { boot: null } }))
    expect(await got).toBeUndefined()
  })
})

describe('firstThenAsk', () => {
  it('gives the first listing once, then asks', async () => {
    let asked = 0
    const list = firstThenAsk(Promise.resolve(['boot']), async () => [`asked ${++asked}`], new Promise(() => undefined))
    expect(await list()).toEqual(['boot'])
    expect(await list()).toEqual(['asked 1'])
    expect(await list()).toEqual(['asked 2'])
  })

  it('asks when the first listing came to nothing', async () => {
    const list = firstThenAsk(Promise.resolve(undefined), async () => ['asked'], new Promise(() => undefined))
    expect(await list()).toEqual(['asked'])
  })

  it('asks once the start is over: a screen opened later never shows the start’s listing', async () => {
    const over = Promise.resolve()
    const list = firstThenAsk(Promise.resolve(['boot']), async () => ['asked'], over)
    await over
    expect(await list()).toEqual(['asked'])
  })
})
