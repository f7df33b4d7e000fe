// Entry: mount the app and register the service worker (app shell precache, docs/architecture.md § 6).
import { mount } from 'svelte'
import App from './app/App.svelte'
import './styles.css'
import './ui/controls.css'
import { registerServiceWorker } from './app/updates.svelte.ts'
import { attachHidScanner } from './scan/scanner.ts'
import { i18n } from './i18n/i18n.svelte.ts'
import { askPersistentStorage } from './app/storage.ts'

attachHidScanner()
registerServiceWorker()
void askPersistentStorage()

// The cashier's language before the first paint (Russian is built in; uz/en load on demand).
await i18n.ready().catch(() => undefined)
export default mount(App, { target: document.getElementById('app')! })
