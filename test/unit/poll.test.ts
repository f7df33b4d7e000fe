// The shared poll loop (docs/rules.md R4.3, R7) on a fake clock: its cadence, the window's end, the cashier's
// «Прекратить ожидание» in the middle of a pause, and a failed status query asked again at the next tick.
import { describe, expect, it } from 'vitest'
import { poll, type PollTime } from '../../workers/providers/common/poll.ts'

/**
 * A fake clock whose pauses move virtual time. `stopAt` is when the cashier presses stop: a pause running then
 * wakes at that instant, as the engine's pause does (the rest of it is not waited).
 */
function fakeTime(opts: { stopAt?: number } = {}) {
  let now = 0
  let stopped = false
  const pauses: number[] = []
  const time: PollTime = {
    clock: { now: () => now },
    pause: async (ms) => {
      pauses.push(ms)
      const end = now + ms
      if (!stopped && opts.stopAt !== undefined && opts.stopAt >= now && opts.stopAt < end) {
        now = opts.stopAt
        stopped = true
        return
      }
      now = end
    },
  }
  return { time, pauses, now: () => now, stopped: () => stopped }
}

describe('poll', () => {
  it('asks every `every` ms (pause first by default) until a final answer', async () => {
    const t = fakeTime()
    const asked: number[] = []
    const end = await poll(t.time, {
      every: 2_000,
      until: 60_000,
      step: async () => (asked.push(t.now()), asked.length === 3 ? 'paid' : undefined),
    })
    expect(end).toEqual({ kind: 'final', value: 'paid' })
    expect(asked).toEqual([2_000, 4_000, 6_000])
  })

  it('`first: step` asks at once, then at the cadence', async () => {
    const t = fakeTime()
    const asked: number[] = []
    await poll(t.time, { every: 5_000, until: 60_000, first: 'step', step: async () => (asked.push(t.now()), asked.length === 3 ? true : undefined) })
    expect(asked).toEqual([0, 5_000, 10_000])
  })

  it('ends at the deadline: no pause runs past it, and the last ask is at the deadline', async () => {
    const t = fakeTime()
    const asked: number[] = []
    const end = await poll(t.time, { every: 4_000, until: 10_000, step: async () => void asked.push(t.now()) })
    expect(end).toEqual({ kind: 'deadline' })
    expect(asked).toEqual([4_000, 8_000, 10_000])
    expect(t.pauses).toEqual([4_000, 4_000, 2_000])
    expect(t.now()).toBe(10_000)
  })

  it('a window already over asks nothing (pause first) or once (step first)', async () => {
    const t = fakeTime()
    let asks = 0
    expect(await poll(t.time, { every: 1_000, until: 0, step: async () => void asks++ })).toEqual({ kind: 'deadline' })
    expect(asks).toBe(0)
    expect(await poll(t.time, { every: 1_000, until: 0, first: 'step', step: async () => void asks++ })).toEqual({ kind: 'deadline' })
    expect(asks).toBe(1)
  })

  it('stop pressed mid-pause ends the wait at once, without another ask', async () => {
    const t = fakeTime({ stopAt: 7_000 })
    const asked: number[] = []
    const end = await poll(t.time, { every: 5_000, until: 180_000, stopped: t.stopped, step: async () => void asked.push(t.now()) })
    expect(end).toEqual({ kind: 'stopped' })
    expect(asked).toEqual([5_000])
    // The wait ended when the cashier pressed stop, not at the next tick nor at the deadline.
    expect(t.now()).toBe(7_000)
  })

  it('without `stopped`, a cashier who left does not end the polling: the window does', async () => {
    const t = fakeTime({ stopAt: 3_000 })
    let asks = 0
    const end = await poll(t.time, { every: 2_000, until: 10_000, first: 'step', step: async () => void asks++ })
    expect(end).toEqual({ kind: 'deadline' })
    expect(asks).toBeGreaterThan(3)
  })

  it('a status query that failed is asked again at the next tick, and its later answer ends the loop', async () => {
    const t = fakeTime()
    const answers: (string | undefined)[] = [undefined, undefined, 'declined'] // network error, HTTP 500, then an answer
    const asked: number[] = []
    const end = await poll(t.time, { every: 10_000, until: 300_000, step: async () => (asked.push(t.now()), answers.shift()) })
    expect(end).toEqual({ kind: 'final', value: 'declined' })
    expect(asked).toEqual([10_000, 20_000, 30_000])
  })
})
