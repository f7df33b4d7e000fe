// Build and serve Paydesk. The sandbox plugin mounts every provider emulator under /sandbox
// on the app's own origin (dev and preview), so the demo needs no account and no CORS.
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'
import { paydeskSandbox } from './sandbox/vite-plugin.ts'
import { paydeskSecurityHeaders } from './sandbox/security-headers.ts'

export default defineConfig({
  plugins: [
    svelte(),
    // Before the sandbox, so its answers carry the headers too (issue 10).
    paydeskSecurityHeaders(),
    paydeskSandbox(),
    VitePWA({
      strategies: 'generateSW',
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
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/sandbox/],
        cleanupOutdatedCaches: true,
        // The first worker takes the open page at once (offline from the first visit); an
        // update still waits for the cashier (registerType: prompt, no skipWaiting).
        clientsClaim: true,
      },
    }),
  ],
  worker: { format: 'es' },
  // No source maps in what is served (issue 10).
  build: { target: 'es2022', sourcemap: false },
  preview: { port: Number(process.env.PORT ?? 4173), host: '127.0.0.1', strictPort: true },
  server: { port: Number(process.env.PORT ?? 5173), host: '127.0.0.1' },
})
