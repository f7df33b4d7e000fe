// The Inpas payment type a demo build starts with: the in-page pin-pad emulator (transport `sandbox`).
import type { DemoPaymentType } from '../../workers/providers/types.ts'

export const DEMO: DemoPaymentType = {
  provider: 'inpas-sbp',
  name: 'Inpas SmartSale',
  // § 1.1: the sandbox preset — QR on, custom profile (PDK-SBP/1, which the emulator speaks), the link mirrored on
  // the cashier's screen; the emulator's TID. The demo customer pays after 3 s.
  values: { transport: 'sandbox', qrSBP: true, id: '99000001', timeout: 180, currencyCodeNumeric: '643', sbpProfile: 'custom', mirrorQr: true },
  secrets: {},
}
