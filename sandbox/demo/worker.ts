// The demo pieces of the payment worker (workers/demo.ts), in a demo build only: the payment types a newcomer
// starts with, one per provider, and the in-page pin-pad emulator. A provider with a demo adds its line here.
import type { WorkerDemo } from '../../workers/demo.ts'
import { CLICKPASS_DEMO } from '../clickpass/demo.ts'
import { PAYME_DEMO } from '../payme/demo.ts'
import { OPLATI_DEMO } from '../oplati/demo.ts'
import { SENDY_DEMO } from '../sendy/demo.ts'
import { INPAS_DEMO } from '../inpas/demo.ts'
import { inPageSerial, listenPinpadPage } from '../inpas/in-page.ts'
import { bridgedSerial } from '../inpas/ws-serial.ts'
import { PINPAD_BRIDGE_PATH } from '../inpas/bridge-path.ts'

export const demo: WorkerDemo = {
  paymentTypes: [CLICKPASS_DEMO, PAYME_DEMO, OPLATI_DEMO, SENDY_DEMO, INPAS_DEMO],
  emulatedSerial: (kind) => (kind === 'bridge' ? bridgedSerial(new URL(PINPAD_BRIDGE_PATH, self.location.origin.replace(/^http/, 'ws')).href) : inPageSerial()),
  listen: listenPinpadPage,
}
