// In-memory runner of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.1 "Runners"): drives the pure core
// with a clock and carries bytes both ways, as a duplex a client test (or a browser worker in demo mode) plugs
// into. No `node:*` imports: the system clock uses the global `setTimeout`/`Date.now`, which workers have too.
//
//   const pad = createPinpad({ seed: 7 })          // fake clock at 0; config overrides allowed ({ tid, bank, … })
//   pad.onData((bytes) => client.push(bytes))      // pin-pad → till
//   pad.write(frame)                               // till → pin-pad
//   pad.control({ action: 'nak', n: 1 })           // § 5.3 controls (typed), or pad.control({ action, args }) JSON
//   pad.advance(5000)                              // move the fake clock; due timers fire in order
//   pad.journal(); pad.traceText()
//
// Deliveries are synchronous and re-entrancy safe: a listener may call `write` from inside `onData`; the event
// is queued and processed right after the current step.
import { parseControl, traceEntries, traceText } from './controls.ts'
import { terminalDateTime } from './journal.ts'
import { createPinpadState, step, type CreateStateOptions } from './machine.ts'
import type { ControlAction, JournalEntry, Notice, PinpadEvent, PinpadState, TraceEntry } from './types.ts'

export interface Clock {
  now(): number
  /** Run `fn` at `at` (ms on this clock); returns a cancel function. */
  schedule(at: number, fn: () => void): () => void
}

export interface FakeClock extends Clock {
  readonly fake: true
  /** Move time forward by `ms`, running every timer due on the way, in time order. */
  advance(ms: number): void
}

/** A manual clock: time moves only by `advance`, so tests never sleep. */
export function createFakeClock(start = 0): FakeClock {
  let now = start
  let nextId = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  return {
    fake: true,
    now: () => now,
    schedule(at, fn) {
      const id = nextId++
      timers.set(id, { at, fn })
      return () => void timers.delete(id)
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance by ${ms} ms`)
      const target = now + ms
      for (;;) {
        let best: [number, { at: number; fn: () => void }] | undefined
        for (const e of timers) if (e[1].at <= target && (!best || e[1].at < best[1].at || (e[1].at === best[1].at && e[0] < best[0]))) best = e
        if (!best) break
        timers.delete(best[0])
        now = Math.max(now, best[1].at)
        best[1].fn()
      }
      now = target
    },
  }
}

/** The machine's clock (`Date.now`, `setTimeout`); for the TCP runner and demos. */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(at, fn) {
    const t = setTimeout(fn, Math.max(0, at - Date.now()))
    return () => clearTimeout(t)
  },
}

export interface PinpadOptions extends CreateStateOptions {
  /** Default: a fresh fake clock at 0. */
  clock?: Clock
}

/** What `control` answers (the bridge's `{ok, state}`). */
export interface ControlReply {
  ok: boolean
  error?: string
  state: PinpadSummary
  notices: Notice[]
}

export interface PinpadSummary {
  plugged: boolean
  tid: string
  busy: boolean
  phase: string | null
  screen: string
  hostLink: string
  now: number
  terminalDateTime: string
  journalSize: number
}

export interface Pinpad {
  readonly clock: Clock
  /** Bytes from the till. Ignored while unplugged (like a real port). */
  write(bytes: Uint8Array): void
  /** Bytes to the till; returns an unsubscribe function. */
  onData(cb: (bytes: Uint8Array) => void): () => void
  /** Device events (unplug/replug/reboot) and logs; returns an unsubscribe function. */
  onNotice(cb: (n: Notice) => void): () => void
  /** After every processed batch of events (the state may have changed); returns an unsubscribe function. */
  onChange(cb: (state: PinpadState) => void): () => void
  /** § 5.3: a typed action, or JSON `{action, args}` as the bridge takes it. */
  control(action: ControlAction | { action: string; args?: unknown }): ControlReply
  /** Fake clock only: move time by `ms` (timers fire in order). `control({action:'clock.advance'})` does the same. */
  advance(ms: number): void
  now(): number
  journal(): readonly JournalEntry[]
  trace(): TraceEntry[]
  traceText(): string
  summary(): PinpadSummary
  /** The current core state (read-only by convention). */
  readonly state: PinpadState
  readonly plugged: boolean
  /** Stop the timer; later calls are ignored. */
  close(): void
}

const TYPED_ACTIONS = new Set([
  'customer',
  'pressKey1',
  'tapCard',
  'cancelOnPinpad',
  'customerPay',
  'customerDecline',
  'nak',
  'dropAck',
  'lose',
  'corruptNext',
  'dupNext',
  'split',
  'stray',
  'gapMs',
  'waitStorm',
  'loseResult',
  'eotAt',
  'unplug',
  'replug',
  'reboot',
  'bank',
  'hostLink',
  'clock.advance',
  'clock.nextDay',
  'setTid',
  'journal',
  'trace',
])

function toAction(input: ControlAction | { action: string; args?: unknown }): { ok: true; action: ControlAction } | { ok: false; error: string } {
  if ('args' in input || !TYPED_ACTIONS.has(input.action)) return parseControl(input)
  return { ok: true, action: input as ControlAction }
}

export function createPinpad(options: PinpadOptions = {}): Pinpad {
  const { clock = createFakeClock(), ...stateOptions } = options
  let state = createPinpadState({ ...stateOptions, now: stateOptions.now ?? clock.now() })
  const dataListeners = new Set<(bytes: Uint8Array) => void>()
  const noticeListeners = new Set<(n: Notice) => void>()
  const changeListeners = new Set<(s: PinpadState) => void>()
  const queue: PinpadEvent[] = []
  let running = false
  let closed = false
  let cancelTimer: (() => void) | null = null
  let collected: Notice[] | null = null

  function run(event: PinpadEvent): void {
    queue.push(event)
    if (running) return
    running = true
    try {
      while (queue.length > 0) {
        const ev = queue.shift()!
        const r = step(state, ev)
        state = r.state
        let wake: number | null = null
        for (const fx of r.effects) {
          if (fx.type === 'write') for (const cb of [...dataListeners]) cb(fx.bytes)
          else if (fx.type === 'wakeAt') wake = fx.at
          else {
            collected?.push(fx.notice)
            for (const cb of [...noticeListeners]) cb(fx.notice)
          }
        }
        cancelTimer?.()
        cancelTimer = null
        if (wake !== null && !closed) {
          const at = wake
          cancelTimer = clock.schedule(at, () => {
            cancelTimer = null
            run({ type: 'tick', now: Math.max(at, clock.now()) })
          })
        }
      }
    } finally {
      running = false
    }
    for (const cb of [...changeListeners]) cb(state)
  }

  const summary = (): PinpadSummary => ({
    plugged: state.plugged,
    tid: state.tid,
    busy: state.op !== null,
    phase: state.op?.phase ?? null,
    screen: state.screen,
    hostLink: state.hostLink,
    now: state.now,
    terminalDateTime: terminalDateTime(state),
    journalSize: state.journal.length,
  })

  const advance = (ms: number): void => {
    if (!('fake' in clock)) throw new Error('advance() needs the fake clock')
    ;(clock as FakeClock).advance(ms)
  }

  return {
    clock,
    write(bytes) {
      if (closed || bytes.length === 0) return
      run({ type: 'bytes', now: clock.now(), data: bytes.slice() })
    },
    onData(cb) {
      dataListeners.add(cb)
      return () => void dataListeners.delete(cb)
    },
    onNotice(cb) {
      noticeListeners.add(cb)
      return () => void noticeListeners.delete(cb)
    },
    onChange(cb) {
      changeListeners.add(cb)
      return () => void changeListeners.delete(cb)
    },
    control(input) {
      const parsed = toAction(input)
      if (!parsed.ok) return { ok: false, error: parsed.error, state: summary(), notices: [] }
      const action = parsed.action
      const notices: Notice[] = []
      collected = notices
      try {
        if (action.action === 'clock.advance' && 'fake' in clock) advance(action.ms)
        else run({ type: 'control', now: clock.now(), action })
      } finally {
        collected = null
      }
      const error = notices.find((n) => n.kind === 'control-error')
      return error ? { ok: false, error: error.message, state: summary(), notices } : { ok: true, state: summary(), notices }
    },
    advance,
    now: () => clock.now(),
    journal: () => state.journal,
    trace: () => traceEntries(state),
    traceText: () => traceText(state),
    summary,
    get state() {
      return state
    },
    get plugged() {
      return state.plugged
    },
    close() {
      closed = true
      cancelTimer?.()
      cancelTimer = null
    },
  }
}
