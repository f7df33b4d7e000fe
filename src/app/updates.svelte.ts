// Service-worker updates through workbox-window: a waiting worker is offered to the cashier
// only when no operation is running; the page never reloads in the middle of a payment.
// workbox-window loads after the first paint, not in the first load (issue 23).
import type { Workbox } from 'workbox-window'

class Updates {
  #waiting = $state(false)
  #wb: Workbox | undefined

  get available() {
    return this.#waiting
  }

  register() {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
    void import('workbox-window')
      .then(({ Workbox }) => {
        const wb = (this.#wb = new Workbox('/sw.js'))
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

export const updates = new Updates()
export const registerServiceWorker = () => updates.register()
