// Entry: mount the app and register the service worker (app shell precache, README § 6).
import { mount } from 'svelte'
import App from './app/App.svelte'
import './styles.css'
import { registerServiceWorker } from './app/updates.svelte.ts'
import { attachHidScanner } from './scan/scanner.ts'

attachHidScanner()
registerServiceWorker()

export default mount(App, { target: document.getElementById('app')! })
