// The preview server's security headers (`npm start` serves exactly this). The app
// gets a CSP that loads nothing from elsewhere: `frame-ancestors` from PAYDESK_HOST_ORIGINS
// (space-separated origins of a host POS allowed to frame the till; default 'self'), and
// `connect-src` widened by PAYDESK_CONNECT_SRC for providers reached directly. The sandbox's
// own pages (the phone page has an inline script) get the same headers without `default-src`.
// The same header values are in docs/kiosk.md (Deploying).

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin } from 'vite'

type Env = Record<string, string | undefined>

/** Space-separated origins (`https://pos.example`) or CSP keywords; anything else is dropped. */
function sources(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((s) => /^'(self|none)'$/.test(s) || /^https?:\/\/[\w.-]+(:\d{1,5})?$/.test(s))
}

export function appCsp(env: Env = process.env): string {
  const ancestors = sources(env.PAYDESK_HOST_ORIGINS)
  const connect = sources(env.PAYDESK_CONNECT_SRC)
  return [
    "default-src 'self'",
    `connect-src 'self'${connect.length ? ` ${connect.join(' ')}` : ''}`,
    // QR codes and camera frames as data:/blob: images; Svelte's style attributes and html5-qrcode's inline styles.
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "worker-src 'self'",
    `frame-ancestors ${ancestors.length ? ancestors.join(' ') : "'self'"}`,
    "object-src 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/** `demo`: only a demo server has a sandbox; in production `/sandbox/…` is an app path with the app's CSP. */
export function securityHeaders(path: string, env: Env = process.env, demo = true): Record<string, string> {
  const sandbox = demo && (path === '/sandbox' || path.startsWith('/sandbox/'))
  const csp = sandbox ? `frame-ancestors 'self'; object-src 'none'; base-uri 'none'` : appCsp(env)
  return { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }
}

export function paydeskSecurityHeaders(demo: boolean): Plugin {
  const use = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = new URL(req.url ?? '/', 'http://x.invalid').pathname
    for (const [k, v] of Object.entries(securityHeaders(path, process.env, demo))) res.setHeader(k, v)
    next()
  }
  return {
    name: 'paydesk-security-headers',
    configurePreviewServer(server) {
      server.middlewares.use(use)
    },
  }
}
