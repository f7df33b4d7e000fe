// What a demo build hands the payment worker (docs/architecture.md § 4a): the demo payment types, the in-page pin-pad emulator
// behind a fake serial port, and the `#/pinpad` page's channel. The worker imports it from the virtual module
// `virtual:paydesk-demo`, which the Vite plugin in sandbox/vite-plugin.ts resolves to sandbox/demo/worker.ts in a
// demo build (`npm start`, `npm run dev`) and to `undefined` in a production build (`npm run build`), so no
// emulator, demo secret or sandbox url is in the shipped bundle. Types only: `workers/**` never imports `sandbox/**`.
import type { DemoPaymentType } from './providers/types.ts'
import type { SerialLike } from './transport/serial.ts'
import type { DemoStore } from './engine/sync/sync.ts'

export interface WorkerDemo {
  paymentTypes: readonly DemoPaymentType[]
  /** A fake `navigator.serial` to a pin-pad emulator: in this worker (`in-page`), or the sandbox's over a WebSocket (`bridge`). */
  emulatedSerial(kind: 'in-page' | 'bridge'): Promise<SerialLike>
  /** Listen for the `#/pinpad` page (the emulator's screen and controls). */
  listen(): void
  /** The demo store on the app's origin, which the till joins by itself. */
  store?: DemoStore
}
