// Service-worker updates through workbox-window: a waiting worker is offered to the cashier
// only when no operation is running; the page never reloads in the middle of a payment.
// workbox-window loads after the first paint, not in the first load.
import type { Workbox } from 'workbox-window'

class Updates {
  #waiting = $state(false)
  #wb: Workbox | undefined

  get available() {
    return this.#waiting
  }

  register() {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
    // A demo build's worker is its own file; a production page removes one left at this origin.
    if (!__PAYDESK_DEMO__) void removeDemoWorker()
    void import('workbox-window')
      .then(({ Workbox }) => {
        const wb = (this.#wb = new Workbox(__PAYDESK_DEMO__ ? '/sw-demo.js' : '/sw.js'))
        wb.addEventListener('waiting', () => (this.#waiting = true))
        wb.addEventListener('controlling', (e) => e.isUpdate && window.location.reload())
        return wb.register({ immediate: true })
      })
      .catch((e: unknown) => console.error('paydesk: service worker registration failed', e))
  }

  apply() {
    this.#wb?.messageSkipWaiting()
  }
}

/** A production page never runs under a demo worker: unregister it (and reload if it served this page). */
async function removeDemoWorker() {
  const isDemo = (w: ServiceWorker | null | undefined) => !!w && new URL(w.scriptURL).pathname.endsWith('/sw-demo.js')
  for (const r of await navigator.serviceWorker.getRegistrations()) {
    if (isDemo(r.active) || isDemo(r.waiting) || isDemo(r.installing)) await r.unregister()
  }
  if (isDemo(navigator.serviceWorker.controller)) window.location.reload()
}

export const updates = new Updates()
export const registerServiceWorker = () => updates.register()
