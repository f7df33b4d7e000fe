// The sandbox clock (docs/protocols/README.md S5): every expiry, confirm window and month rule of every
// emulator reads time here. In `real` mode it follows the machine clock; in `manual` mode
// it stands still and moves only by `advance`, so tests never sleep.

export type ClockMode = 'real' | 'manual'

export class SandboxClock {
  #mode: ClockMode = 'real'
  #manualNow = 0

  get mode(): ClockMode {
    return this.#mode
  }

  /** Milliseconds since the epoch, sandbox time. */
  now(): number {
    return this.#mode === 'manual' ? this.#manualNow : Date.now()
  }

  /** Switching to manual freezes the clock at the real time of the switch; switching again is a no-op. */
  setMode(mode: ClockMode): void {
    if (mode === this.#mode) return
    if (mode === 'manual') this.#manualNow = Date.now()
    this.#mode = mode
  }

  /** Manual mode at an exact instant (a test extra: e.g. the Click Auth test vector's timestamp). */
  setManual(at: number): void {
    if (!Number.isFinite(at)) throw new RangeError(`not a time: ${at}`)
    this.#mode = 'manual'
    this.#manualNow = Math.trunc(at)
  }

  /** Move manual time forward. Refused in real mode and for negative steps: time never runs back. */
  advance(ms: number): void {
    if (this.#mode !== 'manual') throw new Error('the clock is not in manual mode')
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance by ${ms} ms`)
    this.#manualNow += Math.trunc(ms)
  }

  /** Back to real time (a reset does this). */
  reset(): void {
    this.#mode = 'real'
    this.#manualNow = 0
  }
}
