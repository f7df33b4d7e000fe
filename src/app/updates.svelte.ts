// Service-worker updates through workbox-window: a waiting worker is offered to the cashier
// only when no operation is running; the page never reloads in the middle of a payment.
import { Workbox } from 'workbox-window'

class Updates {
  #waiting = $state(false)
  #wb: Workbox | undefined

  get available() {
    return this.#waiting
  }

  register() {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
    this.#wb = new Workbox('/sw.js')
    this.#wb.addEventListener('waiting', () => (this.#waiting = true))
    this.#wb.addEventListener('controlling', (e) => e.isUpdate && window.location.reload())
    this.#wb.register({ immediate: true }).catch((e: unknown) => console.error('paydesk: service worker registration failed', e))
  }

  apply() {
    this.#wb?.messageSkipWaiting()
  }
}

export const updates = new Updates()
export const registerServiceWorker = () => updates.register()
