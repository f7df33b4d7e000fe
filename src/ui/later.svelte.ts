// What the sale screen shows only once a payment is under way — the customer's QR and the slip — is not in the
// first load (docs/performance.md, First load): `loadLater()` loads it, with the whole catalogue of the language
// (the slip's words), once the till is up (src/main.ts); the screen shows them once here, and printing waits for
// them, so a slip is never printed before its view and its words are here.
import { i18n } from '../i18n/i18n.svelte.ts'
import type QrCodeView from './QrCode.svelte'
import type SlipViewView from './SlipView.svelte'

export const later = $state<{ QrCode?: typeof QrCodeView; SlipView?: typeof SlipViewView }>({})

let loading: Promise<void> | undefined

export function loadLater(): Promise<void> {
  loading ??= Promise.all([import('./QrCode.svelte'), import('./SlipView.svelte'), i18n.complete().catch(() => undefined)]).then(
    ([q, s]) => {
      later.QrCode = q.default
      later.SlipView = s.default
    },
    (e: unknown) => {
      loading = undefined
      throw e
    },
  )
  return loading
}
