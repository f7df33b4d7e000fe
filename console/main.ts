// The store console's entry: the manager's and support engineer's page, served by the store server at
// /console. No service worker: the console is only useful with the server it talks to.
import { mount } from 'svelte'
import App from './App.svelte'
import '../src/styles.css'
import './console.css'
import { i18n } from '../src/i18n/i18n.svelte.ts'

// The console speaks the whole language (Settings' words among them), not only the till's sale screen.
await i18n.complete().catch(() => undefined)
export default mount(App, { target: document.getElementById('console')! })
