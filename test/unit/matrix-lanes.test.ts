// The fault matrix's lanes (test/browser/matrix/lanes.ts): a case's time limit counts its own run
// from the moment it holds its lanes — a long wait behind another case in its lane is not held against it.
import { expect, it, vi } from 'vitest'
import { createLanes } from '../browser/matrix/lanes.ts'

it('a case that waited longer than the limit for its lane still has its whole limit to run', async () => {
  vi.useFakeTimers()
  try {
    const inLanes = createLanes()
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const first = inLanes(['payme'], 1_000, async () => (await wait(900), 'first'))
    // Queued behind the first: 900 ms in the lane, then 900 ms of its own — within its 1 s limit.
    const second = inLanes(['payme'], 1_000, async () => (await wait(900), 'second'))
    await vi.advanceTimersByTimeAsync(2_000)
    await expect(first).resolves.toBe('first')
    await expect(second).resolves.toBe('second')
  } finally {
    vi.useRealTimers()
  }
})

it('a run over its own limit fails, says so, and frees its lane for the next case', async () => {
  vi.useFakeTimers()
  try {
    const inLanes = createLanes()
    const stuck = inLanes(['sendy'], 1_000, () => new Promise<never>(() => undefined))
    const next = inLanes(['sendy'], 1_000, async () => 'next')
    const failed = expect(stuck).rejects.toThrow('the case ran longer than 1 s (its own run; the wait for its lanes not counted)')
    await vi.advanceTimersByTimeAsync(1_000)
    await failed
    await expect(next).resolves.toBe('next')
  } finally {
    vi.useRealTimers()
  }
})

it('cases of different sandboxes run side by side; a case of two sandboxes waits for both', async () => {
  const inLanes = createLanes()
  const order: string[] = []
  let releaseA!: () => void
  const a = inLanes(['clickpass'], 10_000, () => new Promise<void>((r) => (releaseA = r)).then(() => void order.push('a')))
  const b = inLanes(['oplati'], 10_000, async () => void order.push('b'))
  await b
  const both = inLanes(['oplati', 'clickpass'], 10_000, async () => void order.push('both'))
  await new Promise((r) => setTimeout(r, 10))
  expect(order).toEqual(['b'])
  releaseA()
  await Promise.all([a, both])
  expect(order).toEqual(['b', 'a', 'both'])
})
