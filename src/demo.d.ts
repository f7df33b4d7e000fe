// Set by vite.config.ts: true in a demo build (`npm start`, `npm run dev`), false in production (`npm run build`).
declare const __PAYDESK_DEMO__: boolean

// The sandbox screens of a demo build, or `undefined` in production (see src/demo-page.ts).
declare module 'virtual:paydesk-demo-page' {
  export const pageDemo: import('./demo-page.ts').PageDemo | undefined
}
