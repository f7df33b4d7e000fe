// Mounts the sandbox on the app's own origin: `vite dev` and `vite preview` serve the app
// and `/sandbox/*` together, so demo provider urls are same-origin paths (docs/protocols/README.md S1).

import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { Duplex } from 'node:stream'
import type { Plugin } from 'vite'
import { createSandbox, type Sandbox } from './server.ts'

type Next = (err?: unknown) => void

function middleware(sandbox: Sandbox): (req: IncomingMessage, res: ServerResponse, next: Next) => void {
  return (req, res, next) => {
    const handled = sandbox.handle(req, res)
    if (handled === false) next()
    else if (handled !== true) void handled.then((h) => (h ? undefined : next()), next)
  }
}

export function paydeskSandbox(): Plugin {
  let sandbox: Sandbox | undefined
  type HttpServerLike = {
    once(event: 'close', fn: () => void): unknown
    on(event: 'upgrade', fn: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown
  }
  const mount = (server: { middlewares: { use(fn: ReturnType<typeof middleware>): unknown }; httpServer: HttpServerLike | null }): void => {
    const sb = createSandbox({ demo: true })
    sandbox = sb
    server.middlewares.use(middleware(sb))
    // The pin-pad bridge's WebSocket; other upgrades (Vite's HMR) are not ours.
    server.httpServer?.on('upgrade', (req, socket, head) => void sb.upgrade(req, socket, head))
    server.httpServer?.once('close', () => sb.close())
  }
  return {
    name: 'paydesk-sandbox',
    configureServer(server) {
      mount(server)
    },
    configurePreviewServer(server) {
      mount(server)
    },
    buildEnd() {
      sandbox?.close()
    },
  }
}

/** The Vite modes that are a demo: `npm start` builds and serves `--mode demo`, `npm run dev` is `development`. */
export const isDemoMode = (mode: string): boolean => mode === 'demo' || mode === 'development'

const VIRTUAL = 'virtual:paydesk-demo'
const EMPTY = '\0paydesk-demo-none'
const VIRTUAL_PAGE = 'virtual:paydesk-demo-page'
const EMPTY_PAGE = '\0paydesk-demo-page-none'

/**
 * `virtual:paydesk-demo` (workers/demo.ts): sandbox/demo/worker.ts in a demo build, a module exporting
 * `demo = undefined` in production — so no emulator, demo secret or sandbox url reaches the shipped bundle.
 * `virtual:paydesk-demo-page` (src/demo-page.ts): sandbox/demo/page.ts — the sandbox screens the page opens by
 * route (`#/pinpad`) — or `pageDemo = undefined` in production.
 * Add it to both `plugins` and `worker.plugins` (the payment worker is bundled on its own).
 */
export function paydeskDemoModule(demo: boolean): Plugin {
  const entry = fileURLToPath(new URL('./demo/worker.ts', import.meta.url))
  const pageEntry = fileURLToPath(new URL('./demo/page.ts', import.meta.url))
  return {
    name: 'paydesk-demo-module',
    resolveId(id) {
      if (id === VIRTUAL) return demo ? entry : EMPTY
      if (id === VIRTUAL_PAGE) return demo ? pageEntry : EMPTY_PAGE
      return undefined
    },
    load(id) {
      if (id === EMPTY) return 'export const demo = undefined\n'
      if (id === EMPTY_PAGE) return 'export const pageDemo = undefined\n'
      return undefined
    },
  }
}
