// The page: mount the app and register the service worker (app shell precache, docs/architecture.md § 6). Loaded by
// src/main.ts once the payment worker is started.
import { mount } from 'svelte'
import App from './app/App.svelte'
import './styles.css'
import './ui/controls.css'
import { registerServiceWorker } from './app/updates.svelte.ts'
import { attachHidScanner } from './scan/scanner.ts'
import { i18n } from './i18n/i18n.svelte.ts'
import { afterStart } from './app/after-start.ts'
import { loadLater } from './ui/later.svelte.ts'
import { askPersistentStorage } from './app/storage.ts'

attachHidScanner()
registerServiceWorker()
void askPersistentStorage()

// The cashier's language before the first paint (the sale screen's Russian is built in; uz/en load on demand).
await i18n.ready().catch(() => undefined)
// Once the till is up and the page is idle (src/app/after-start.ts): the rest of the language, before a dialog of
// the sale screen needs it, and the views a payment shows (the QR, the slip). Each also loads at once where it is
// needed first (a screen, a dialog, a payment's QR, a print).
void afterStart.then(() => Promise.all([i18n.complete(), loadLater()])).catch(() => undefined)
export default mount(App, { target: document.getElementById('app')! })
