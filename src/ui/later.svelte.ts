// What the sale screen shows only once a payment is under way — the customer's QR and the slip — is not in the
// first load (docs/performance.md, First load). `loadLater()` loads it with the whole catalogue of the language
// (the slip's words): when the page is idle after the till is up (src/main.ts), or at once when the screen first
// asks for one of them. The screen shows each once it is here; printing waits for them, so a slip is never printed
// before its view and its words are.
import { i18n } from '../i18n/i18n.svelte.ts'
import type QrCodeView from './QrCode.svelte'
import type SlipViewView from './SlipView.svelte'

const views = $state<{ QrCode?: typeof QrCodeView; SlipView?: typeof SlipViewView }>({})

let loading: Promise<void> | undefined

export function loadLater(): Promise<void> {
  loading ??= Promise.all([import('./QrCode.svelte'), import('./SlipView.svelte'), i18n.complete().catch(() => undefined)]).then(
    ([q, s]) => {
      views.QrCode = q.default
      views.SlipView = s.default
    },
    (e: unknown) => {
      loading = undefined
      throw e
    },
  )
  return loading
}

/** The views, once here; reading one starts the load if the idle page has not yet. */
export const later = {
  get QrCode() {
    if (!views.QrCode) void loadLater().catch(() => undefined)
    return views.QrCode
  },
  get SlipView() {
    if (!views.SlipView) void loadLater().catch(() => undefined)
    return views.SlipView
  },
}
