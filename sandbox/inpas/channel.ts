// The `#/pinpad` page ↔ the demo pin-pad emulator in the payment worker (sandbox transport): message shapes of the
// BroadcastChannel `paydesk-pinpad`. Types and one constant only — the worker's first load and the page both
// import this; the emulator and its adapter (bridge.ts) load on demand.
import type { ControlAction } from './types.ts'
import type { PinpadScreen } from './screen.ts'

export const PINPAD_CHANNEL = 'paydesk-pinpad'

/** Page → workers. `target` names one emulator (a worker per tab); absent = every emulator. */
export type PinpadPageMessage = { type: 'hello' } | { type: 'control'; target?: string; action: ControlAction }

/**
 * Worker → pages: the screen whenever it changes (and on `hello`), and the answer to each control. `listening`: a
 * worker has just begun to listen (a tab opened after the page); every page says `hello` again, so that worker's
 * emulator starts and shows itself — a `hello` sent before it listened never reached it.
 */
export type PinpadWorkerMessage =
  { type: 'screen'; from: string; screen: PinpadScreen } | { type: 'reply'; from: string; action: string; ok: boolean; error?: string } | { type: 'listening' }

export type { PinpadScreen, ControlAction }
