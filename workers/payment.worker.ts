// The payment worker: builds the engine with the web adapters and exposes it — nothing else.
import * as Comlink from 'comlink'
import { createEngine } from './engine/engine.ts'
import { PaydeskDb } from './engine/db.ts'
import { realClock } from './engine/clock.ts'
import { memoryLocks, webLocks } from './engine/locks.ts'
import { PROVIDERS } from './providers/registry.ts'
import { listenPinpadPage } from './providers/inpas-sbp/index.ts'

const engine = createEngine({
  db: new PaydeskDb(),
  fetch: (input, init) => fetch(input, init),
  clock: realClock,
  locks: 'locks' in navigator ? webLocks(navigator.locks) : memoryLocks(),
  providers: PROVIDERS,
  baseUrl: self.location.origin,
  timers: true,
})

const ready = engine.start()
self.addEventListener('online', () => void engine.online())
// The sandbox pin-pad's screen and controls for the `#/pinpad` page (demo transport only).
listenPinpadPage()

const { settled: _settled, stop: _stop, ...calls } = engine
type Calls = typeof calls

/** Every call waits for the start-up recovery first. */
export const api = Object.fromEntries(
  Object.entries(calls).map(([name, fn]) => [name, async (...args: unknown[]) => (await ready, (fn as (...a: unknown[]) => unknown)(...args))]),
) as Calls

export type Api = typeof api

Comlink.expose(api)
