// What the page may know of this provider without its code: the settings form's title and schema, what the till
// says under "scan", and the pin-pad it pays on (the till's choices, the self-checkout's pick, the cashier's cancel
// while the pin-pad waits, Settings' port row). Found by folder (workers/providers/catalog.ts): no list to edit.
import type { TillAbout } from '../types.ts'

// The settings form's schema: Settings and the console read it (workers/providers/catalog.ts), the till never does.
export { INPAS_SCHEMA as SCHEMA } from './config.ts'

export const ABOUT: TillAbout = {
  id: 'inpas-sbp',
  title: 'Inpas SmartSale (СБП, RU)',
  scanHint: 'inpas.choose.title',
  device: {
    title: 'inpas.choose.title',
    // Seed B2: card, or «Оплата QR СБП» only with qrSBP = true.
    choices: [
      { id: 'card', label: 'inpas.choose.card' },
      { id: 'sbp', label: 'inpas.choose.qr', when: 'qrSBP' },
    ],
    kiosk: ['sbp', 'card'],
    // docs/protocols/inpas-sbp.md § 6.6: the cashier's «Отмена» while waiting — EOT, then the status decides.
    cancelWhileWaiting: true,
    port: {
      emulated: { field: 'transport', value: 'sandbox' },
      emulatedNote: 'inpas.admin.sandbox',
      choose: 'inpas.admin.choosePort',
      chosen: 'inpas.admin.portChosen',
      notChosen: 'inpas.admin.portNotChosen',
      unsupported: 'inpas.browser.unsupported',
    },
  },
  // docs/protocols/inpas-sbp.md § 6.3: at most 999 999 999 999 kopecks (the codec's AMOUNT_MAX_MINOR).
  // No app name: the pin-pad takes a card or SBP as the type is set up, so the tile keeps the type's name.
  maxAmount: 999_999_999_999,
}
