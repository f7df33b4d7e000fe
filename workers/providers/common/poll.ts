// One poll loop for every HTTP client (docs/rules.md R4.3, R7): ask `step` every `every` ms until it
// has a final answer, the window ends at `until`, or the cashier stops waiting. Time comes from the
// operation's context (its clock, and `pause`, which wakes early when the cashier presses «Прекратить
// ожидание»), never from raw timers. Pure: no fetch, no timers.

/** The context's clock and pause (`OpCtx.clock.now`, `OpCtx.pause`). */
export interface PollTime {
  clock: { now(): number }
  pause(ms: number): Promise<void>
}

export interface PollOptions<T> {
  /** Cadence: the pause between two steps (the provider's R7 cadence). */
  every: number
  /** The window's end (clock ms, the deadline stored with the operation); no pause runs past it. */
  until: number
  /**
   * True once the cashier stopped waiting: ends the wait at once (after the pause it interrupts). Omitted, the loop
   * keeps asking until the window ends (a client that still needs the final state to decide, R4.4).
   */
  stopped?: () => boolean
  /** `step`: ask at once, then pause between asks; `pause` (default): pause before the first ask. */
  first?: 'step' | 'pause'
  /**
   * One ask. A value ends the loop with it; `undefined` means "not final yet": still in progress, or a read-only
   * query that failed (R3: a failed status query just means "try again at the next tick").
   */
  step: () => Promise<T | undefined>
}

export type PollEnd<T> = { kind: 'final'; value: T } | { kind: 'deadline' } | { kind: 'stopped' }

export async function poll<T>(time: PollTime, o: PollOptions<T>): Promise<PollEnd<T>> {
  if (o.first === 'step') {
    const v = await o.step()
    if (v !== undefined) return { kind: 'final', value: v }
  }
  for (;;) {
    if (o.stopped?.()) return { kind: 'stopped' }
    const left = o.until - time.clock.now()
    if (left <= 0) return { kind: 'deadline' }
    await time.pause(Math.min(o.every, left))
    if (o.stopped?.()) return { kind: 'stopped' }
    const v = await o.step()
    if (v !== undefined) return { kind: 'final', value: v }
  }
}
