// A provider's client loads on first use or when the worker preloads it (workers/providers/lazy.ts): once, shared by
// every call; a load that failed (a chunk not fetched) is tried again by the next call, never kept as a failure.
import { describe, expect, it } from 'vitest'
import { lazy } from '../../workers/providers/lazy.ts'
import { preloadClients } from '../../workers/providers/registry.ts'
import type { AnyProvider } from '../../workers/providers/types.ts'

const client = { pay: async (n: number) => n + 1, resume: async () => 'resumed' }

describe('a lazy client', () => {
  it('loads once, on the first call or on preload, and every call uses it', async () => {
    let loads = 0
    const c = lazy(async () => (loads++, client), ['pay', 'resume'])
    expect(loads).toBe(0)
    await c.preload()
    expect(loads).toBe(1)
    expect(await c.pay(1)).toBe(2)
    expect(await c.resume()).toBe('resumed')
    await c.preload()
    expect(loads).toBe(1)
  })

  it('a failed load is tried again by the next call', async () => {
    let loads = 0
    const c = lazy(async () => {
      if (++loads === 1) throw new Error('chunk not fetched')
      return client
    }, ['pay'])
    await expect(c.pay(1)).rejects.toThrow('chunk not fetched')
    expect(await c.pay(1)).toBe(2)
    expect(loads).toBe(2)
  })

  it('the worker preloads the clients of the listed providers only, and a failure there is left to the first use', async () => {
    const loaded: string[] = []
    const provider = (id: string, fail = false) =>
      ({ id, preload: async () => (fail ? Promise.reject(new Error('offline')) : void loaded.push(id)) }) as unknown as AnyProvider
    preloadClients([provider('payme'), provider('clickpass'), provider('sendy', true)], ['clickpass', 'sendy', 'clickpass'])
    await expect.poll(() => loaded).toEqual(['clickpass'])
  })
})
