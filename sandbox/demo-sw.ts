// A demo build served once at a shop's origin must not outlive the production deploy there.
// The demo build's service worker has its own file (`sw-demo.js`) and cache names (`paydesk-demo-…`);
// the production build ships a `sw-demo.js` that is a kill switch: the browser's update check of a
// demo registration fetches it, it takes over at once, deletes the demo caches, unregisters and
// reloads every window, which then loads production from the network. No demo code is in it.
import type { Plugin } from 'vite'

export const DEMO_SW = 'sw-demo.js'
export const DEMO_CACHE_ID = 'paydesk-demo'

export const KILL_SWITCH = `// Paydesk: removes a demo service worker left at this origin (the production build ships this file).
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith(${JSON.stringify(DEMO_CACHE_ID)})) await caches.delete(key)
    await self.registration.unregister()
    for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url)
  })())
})
`

/** In production: emit the kill switch as `sw-demo.js`. */
export function demoServiceWorkerKillSwitch(demo: boolean): Plugin {
  return {
    name: 'paydesk-demo-sw-kill-switch',
    apply: 'build',
    generateBundle() {
      if (!demo) this.emitFile({ type: 'asset', fileName: DEMO_SW, source: KILL_SWITCH })
    },
  }
}
