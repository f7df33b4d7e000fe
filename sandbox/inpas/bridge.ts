// The thin adapter between the demo pin-pad emulator (in this worker) and the `#/pinpad` page: posts the
// screen (sandbox/inpas/screen.ts, a pure function of the emulator state) whenever it changes, and applies the
// page's controls (§ 5.3). Loaded on demand together with the emulator.
import type { Pinpad } from './index.ts'
import { pinpadScreen } from './screen.ts'
import type { PinpadPageMessage, PinpadWorkerMessage } from './channel.ts'

export interface PinpadBridge {
  readonly id: string
  /** A message from the page (anything else is ignored). */
  handle(data: unknown): void
  close(): void
}

export function attachPinpadBridge(pad: Pinpad, post: (m: PinpadWorkerMessage) => void, id: string): PinpadBridge {
  let last = ''
  const publish = (force = false) => {
    const screen = pinpadScreen(pad.state)
    // `now` moves on every step; only a change of what is shown is news.
    const key = JSON.stringify({ ...screen, now: 0 })
    if (!force && key === last) return
    last = key
    post({ type: 'screen', from: id, screen })
  }
  const off = pad.onChange(() => publish())
  publish(true)
  return {
    id,
    handle(data) {
      const m = data as PinpadPageMessage | null
      if (!m || typeof m !== 'object') return
      if (m.type === 'hello') return publish(true)
      if (m.type !== 'control' || (m.target !== undefined && m.target !== id)) return
      const r = pad.control(m.action)
      post({ type: 'reply', from: id, action: m.action.action, ok: r.ok, ...(r.error ? { error: r.error } : {}) })
      publish()
    },
    close: off,
  }
}
