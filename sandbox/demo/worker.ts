// The demo pieces of the payment worker (workers/demo.ts), in a demo build only: the payment types a newcomer
// starts with, one per provider (each sandbox folder's `demo.ts`, found by folder: no list to edit), and the
// in-page pin-pad emulator. The engine seeds them in the provider registry's order.
import type { WorkerDemo } from '../../workers/demo.ts'
import type { DemoPaymentType } from '../../workers/providers/types.ts'
import { inPageSerial, listenPinpadPage } from '../inpas/in-page.ts'
import { bridgedSerial } from '../inpas/ws-serial.ts'
import { PINPAD_BRIDGE_PATH } from '../inpas/bridge-path.ts'

const found = import.meta.glob<DemoPaymentType>('../*/demo.ts', { eager: true, import: 'DEMO' })

export const demo: WorkerDemo = {
  paymentTypes: Object.values(found),
  emulatedSerial: (kind) => (kind === 'bridge' ? bridgedSerial(new URL(PINPAD_BRIDGE_PATH, self.location.origin.replace(/^http/, 'ws')).href) : inPageSerial()),
  listen: listenPinpadPage,
  // The demo store (server/vite-plugin.ts) answers on this origin and hands out enrolment codes.
  store: {
    async enrolment() {
      const res = await fetch(new URL('/api/v1/demo/enrol-code', self.location.origin), { method: 'POST', credentials: 'omit' })
      if (!res.ok) return undefined
      const { code } = (await res.json()) as { code?: unknown }
      return typeof code === 'string' ? { address: self.location.origin, code } : undefined
    },
  },
}
