// The payment worker: builds the engine with the web adapters and exposes it — nothing else. A demo build hands
// it the demo payment types and the in-page pin-pad emulator (`virtual:paydesk-demo`, workers/demo.ts); a
// production build hands it nothing and refuses payment types bound to an emulator.
import * as Comlink from 'comlink'
import { demo } from 'virtual:paydesk-demo'
import { createEngine } from './engine/engine.ts'
import { PaydeskDb } from './engine/db.ts'
import { realClock } from './engine/clock.ts'
import { memoryLocks, webLocks } from './engine/locks.ts'
import { createProviders, preloadClients } from './providers/registry.ts'
import { BOOT_LISTING } from '../src/domain/boot.ts'

/**
 * How long after a listing the clients of its types' providers load [C]: the page draws the till meanwhile (the
 * cold-start bench counts the chunks fetched before the till is ready), and no cashier scans a code this soon.
 */
const PRELOAD_AFTER_MS = 1_000

// The cold-start bench reads these from the worker's timeline (docs/performance.md: cold start).
performance.mark('paydesk:worker-evaluated')
const providers = createProviders(demo ? { emulatedSerial: demo.emulatedSerial } : {})
const engine = createEngine({
  db: new PaydeskDb(),
  fetch: (input, init) => fetch(input, init),
  clock: realClock,
  locks: 'locks' in navigator ? webLocks(navigator.locks) : memoryLocks(),
  providers,
  baseUrl: self.location.origin,
  timers: true,
  emulators: demo ? 'allow' : 'refuse',
  ...(demo ? { demo: { paymentTypes: demo.paymentTypes } } : {}),
  ...(demo?.store ? { demoStore: demo.store } : {}),
})

const ready = engine.start()
void ready.then(() => performance.mark('paydesk:worker-started'))
self.addEventListener('online', () => void engine.online())
// The sandbox pin-pad's screen and controls for the `#/pinpad` page (demo build only).
demo?.listen()

const { settled: _settled, stop: _stop, flushLog: _flushLog, ...calls } = engine
type Calls = typeof calls

/** Every call waits for the start-up recovery first. */
export const api = Object.fromEntries(
  Object.entries(calls).map(([name, fn]) => [name, async (...args: unknown[]) => (await ready, (fn as (...a: unknown[]) => unknown)(...args))]),
) as Calls

// Each provider's client is a chunk of its own (workers/providers/lazy.ts). Those of the listed payment types load a
// moment after a listing has answered — the till's first one is what makes it ready — in the background: the start
// carries none (the page draws the types meanwhile), and the first sale waits for none.
const listPaymentTypes = api.listPaymentTypes
api.listPaymentTypes = async (...args) => {
  const types = await listPaymentTypes(...args)
  setTimeout(
    () =>
      preloadClients(
        providers,
        types.map((t) => t.provider),
      ),
    PRELOAD_AFTER_MS,
  )
  return types
}

export type Api = typeof api

Comlink.expose(api)

/**
 * The till's first listing, sent as soon as the engine is started, unasked: a request the page posts before this
 * worker runs waits in the page until the page's own thread is free (it is drawing the till then), so the first
 * answer would cost the till that wait twice. The page takes it for its first listing (src/worker-boot.ts).
 */
void api.listPaymentTypes().then(
  (types) => self.postMessage({ [BOOT_LISTING]: types }),
  () => self.postMessage({ [BOOT_LISTING]: null }),
)
