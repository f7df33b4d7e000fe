// Entry: mount the app and register the service worker (app shell precache, docs/architecture.md § 6).
import { mount } from 'svelte'
import App from './app/App.svelte'
import './styles.css'
import './ui/controls.css'
import { registerServiceWorker } from './app/updates.svelte.ts'
import { attachHidScanner } from './scan/scanner.ts'
import { i18n } from './i18n/i18n.svelte.ts'
import { dbReady } from './engine.ts'
import { loadLater } from './ui/later.svelte.ts'
import { askPersistentStorage } from './app/storage.ts'

attachHidScanner()
registerServiceWorker()
void askPersistentStorage()

// The cashier's language before the first paint (the sale screen's Russian is built in; uz/en load on demand).
await i18n.ready().catch(() => undefined)
// Once the till is up (the worker has answered) and the page is idle, so it never delays the till: the rest of the
// language, before a dialog of the sale screen needs it, and the views a payment shows (the QR, the slip). Each
// also loads at once where it is needed first (a screen, a dialog, a payment's QR, a print).
const idle = () =>
  new Promise<void>((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve(), { timeout: 1000 }) : setTimeout(resolve, 0)))
void dbReady
  .then(idle)
  .then(() => Promise.all([i18n.complete(), loadLater()]))
  .catch(() => undefined)
export default mount(App, { target: document.getElementById('app')! })
