// Mounts the sandbox on the app's own origin: `vite dev` and `vite preview` serve the app
// and `/sandbox/*` together, so demo provider urls are same-origin paths (README S1).

import type { IncomingMessage, ServerResponse } from 'node:http'
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
  const mount = (server: { middlewares: { use(fn: ReturnType<typeof middleware>): unknown }; httpServer: { once(event: 'close', fn: () => void): unknown } | null }): void => {
    const sb = createSandbox({ demo: true })
    sandbox = sb
    server.middlewares.use(middleware(sb))
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
