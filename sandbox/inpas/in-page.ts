// The in-page pin-pad of a demo build (docs/protocols/inpas-sbp.md § 5.1, 5.3): one emulator per payment worker, on the
// system clock with its calendar on the device's local time, behind a fake Web Serial port (fake-serial.ts); its
// screen and controls are bridged to the `#/pinpad` page over the BroadcastChannel `paydesk-pinpad` (bridge.ts).
// Created by the first operation of a `transport = sandbox` type, or by the page's first message. Handed to the
// worker only by a demo build (sandbox/demo/worker.ts).
import type { SerialLike } from '../../workers/transport/serial.ts'
import { PINPAD_CHANNEL, type PinpadWorkerMessage } from './channel.ts'

interface InPagePinpad {
  serial: SerialLike
  bridge: { handle(data: unknown): void }
}

let pinpad: Promise<InPagePinpad> | undefined
let pageChannel: BroadcastChannel | undefined

function inPagePinpad(): Promise<InPagePinpad> {
  pinpad ??= Promise.all([import('./index.ts'), import('./bridge.ts'), import('./fake-serial.ts')]).then(
    ([{ createPinpad, systemClock }, { attachPinpadBridge }, { sandboxSerial }]) => {
      const now = Date.now()
      const pad = createPinpad({ seed: now >>> 0, clock: systemClock, calendarStart: now - new Date(now).getTimezoneOffset() * 60_000 })
      const id = `${now.toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`
      const bridge = attachPinpadBridge(pad, (m) => pageChannel?.postMessage(m), id)
      return { serial: sandboxSerial(pad), bridge }
    },
  )
  return pinpad
}

/** The fake `navigator.serial` whose one port is the in-page emulator. */
export const inPageSerial = async (): Promise<SerialLike> => (await inPagePinpad()).serial

/** The payment worker listens for the `#/pinpad` page; the emulator starts on its first message. */
export function listenPinpadPage(): void {
  if (pageChannel || typeof BroadcastChannel === 'undefined') return
  pageChannel = new BroadcastChannel(PINPAD_CHANNEL)
  pageChannel.onmessage = (e: MessageEvent) => {
    // Only a page's message starts the emulator: other workers' screens and `listening` go to the pages.
    const type = (e.data as { type?: unknown } | null)?.type
    if (type === 'hello' || type === 'control') void inPagePinpad().then((d) => d.bridge.handle(e.data))
  }
  // A page opened before this worker listened said its `hello` to nobody here: it says it again on this.
  pageChannel.postMessage({ type: 'listening' } satisfies PinpadWorkerMessage)
}

/** The worker stops listening for the page (tests; a worker's end closes it anyway). */
export function stopListeningPinpadPage(): void {
  pageChannel?.close()
  pageChannel = undefined
}
