// Set by vite.config.ts: true in a demo build (`npm start`, `npm run dev`), false in production (`npm run build`).
declare const __PAYDESK_DEMO__: boolean
