// Build and serve Paydesk. Two kinds of build: a demo (`--mode demo`: `npm start`, and `npm run dev`) carries the
// demo payment types and the in-page pin-pad emulator, and its server mounts every provider emulator under
// /sandbox on the app's own origin, so the demo needs no account and no CORS; production (`npm run build`, the
// default mode) carries no sandbox code at all and starts with no payment types.
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'
import { isDemoMode, paydeskDemoModule, paydeskSandbox } from './sandbox/vite-plugin.ts'
import { paydeskSecurityHeaders } from './sandbox/security-headers.ts'
import { paydeskStore } from './server/vite-plugin.ts'
import { preloadPage } from './scripts/vite-preload-page.ts'
import { DEMO_CACHE_ID, DEMO_SW, demoServiceWorkerKillSwitch } from './sandbox/demo-sw.ts'

export default defineConfig(({ mode }) => {
  const demo = isDemoMode(mode)
  return {
    define: { __PAYDESK_DEMO__: JSON.stringify(demo) },
    plugins: [
      svelte(),
      paydeskDemoModule(demo),
      preloadPage(),
      // Before the sandbox, so its answers carry the headers too (issue 10).
      paydeskSecurityHeaders(demo),
      // The demo's store server on the same origin (/api/v1, issue 20); production runs it with `npm run store`.
      ...(demo ? [paydeskSandbox(), paydeskStore()] : []),
      // Issue 18.3: a demo's worker has its own file and caches; production ships a kill switch under that file.
      demoServiceWorkerKillSwitch(demo),
      VitePWA({
        strategies: 'generateSW',
        filename: demo ? DEMO_SW : 'sw.js',
        registerType: 'prompt',
        injectRegister: false,
        manifest: {
          name: 'Paydesk',
          short_name: 'Paydesk',
          description: 'QR payments at the point of sale',
          lang: 'ru',
          start_url: '/',
          display: 'standalone',
          background_color: '#f4f6f8',
          theme_color: '#0b5cad',
          icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
        },
        workbox: {
          ...(demo ? { cacheId: DEMO_CACHE_ID } : {}),
          globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
          globIgnores: ['**/node_modules/**/*', `**/${DEMO_SW}`, 'console/**'],
          navigateFallback: 'index.html',
          // The store console (issue 21) is its own page, served by the store server: never the till's shell.
          navigateFallbackDenylist: [/^\/sandbox/, /^\/console/, /^\/api\//],
          cleanupOutdatedCaches: true,
          // The first worker takes the open page at once (offline from the first visit); an
          // update still waits for the cashier (registerType: prompt, no skipWaiting).
          clientsClaim: true,
        },
      }),
    ],
    worker: { format: 'es', plugins: () => [paydeskDemoModule(demo)] },
    // No source maps in what is served (issue 10).
    // A demo build goes to its own folder: `dist/` only ever holds the production build, the one to deploy.
    // Two pages: the till (index.html) and the store console (console/index.html, issue 21), served at /console/.
    build: {
      target: 'es2022',
      sourcemap: false,
      // Every browser the till runs in preloads modules itself (docs/performance.md, First load).
      modulePreload: { polyfill: false },
      outDir: demo ? 'dist-demo' : 'dist',
      rolldownOptions: { input: { main: 'index.html', console: 'console/index.html' } },
    },
    // No CORS from Vite (issue 18): its default answers any loopback origin (another port on the same till)
    // before the sandbox's own check, and would let such a page read the demo secrets and add faults.
    preview: { port: Number(process.env.PORT ?? 4173), host: '127.0.0.1', strictPort: true, cors: false },
    server: { port: Number(process.env.PORT ?? 5173), host: '127.0.0.1', cors: false },
  }
})
