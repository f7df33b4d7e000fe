// Browser suite set-up: build the PWA once in demo mode and serve it with the sandboxes on ephemeral
// 127.0.0.1 ports (vite preview + the sandbox plugin), exactly what `npm start` serves. The browser project runs
// two files at a time (vitest.config.ts): each of its workers gets a server of its own (its own sandboxes and
// demo store), so a file's `resetSandbox` never touches the other file's sale. The fault matrix's project serves
// its own sandboxes too; `npm test` runs it right after the browser project and lets it reuse that demo build
// (PAYDESK_REUSE_DEMO_BUILD=1, set by scripts/test-timed.mjs); alone it builds its own, into `dist-matrix/`.
import { existsSync } from 'node:fs'
import { build, preview, type Plugin, type PreviewServer } from 'vite'
import type { TestProject } from 'vitest/node'

export default async function setup(project: TestProject) {
  const reuse = project.name === 'matrix' && process.env.PAYDESK_REUSE_DEMO_BUILD === '1' && existsSync('dist-demo/index.html')
  const outDir = project.name === 'matrix' && !reuse ? 'dist-matrix' : 'dist-demo'
  // The `browser` and `keys` projects of one run share one build (their set-ups run one after the other).
  const built = ((globalThis as { paydeskDemoBuilt?: Set<string> }).paydeskDemoBuilt ??= new Set())
  if (!reuse && !built.has(outDir)) {
    built.add(outDir)
    // Vitest runs with NODE_ENV=test, which would make Vite build a development bundle
    // (no service worker, Svelte dev mode): build exactly what `npm start` ships, the demo build.
    const env = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await build({ logLevel: 'warn', mode: 'demo', build: { outDir } })
    } finally {
      process.env.NODE_ENV = env
    }
  }
  // The demo store of this run keeps its database in memory (never the developer's .paydesk-store/).
  process.env.PAYDESK_STORE_DIR ??= 'memory'
  // One server per worker: a worker runs one file at a time, and finds its own by VITEST_POOL_ID (support.ts). The
  // matrix is one file.
  const count = project.name === 'matrix' ? 1 : Math.max(1, project.config.maxWorkers || 1)
  const servers: PreviewServer[] = []
  const urls: string[] = []
  for (let i = 0; i < count; i++) {
    const server = await preview({
      mode: 'demo',
      build: { outDir },
      preview: { port: 0, host: '127.0.0.1', strictPort: false },
      logLevel: 'warn',
      plugins: [storeOutage()],
    })
    servers.push(server)
    const address = server.httpServer.address()
    if (!address || typeof address === 'string') throw new Error('preview server has no port')
    const url = `http://127.0.0.1:${address.port}`
    urls.push(url)
    // The store's database opens on first use (PGlite's first start takes a while): start it now, in the background.
    void fetch(`${url}/api/v1/demo/operations`).catch(() => undefined)
  }
  project.provide('baseURLs', urls)
  return async () => {
    await Promise.all(servers.map((s) => s.close()))
  }
}

/**
 * The store server's faults for the browser suite. `POST /__test/store-outage` makes every store API
 * request (but the demo's own routes) die with its connection, as a stopped server's would; `DELETE` ends it.
 * `POST /__test/store-outage?hold=1` lets pushes reach the store (it commits) but holds their replies until the
 * outage ends, as a till whose browser dies mid-push sees it. Test-only: added here, never in vite.config.ts.
 */
function storeOutage(): Plugin {
  let down = false
  let hold = false
  const held: (() => void)[] = []
  return {
    name: 'paydesk-test-store-outage',
    enforce: 'pre',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const [path, query] = (req.url ?? '/').split('?') as [string, string | undefined]
        if (path === '/__test/store-outage') {
          const on = req.method === 'POST'
          hold = on && /(^|&)hold=1/.test(query ?? '')
          down = on && !hold
          if (!on) for (const release of held.splice(0)) release()
          res.end(JSON.stringify({ down, hold }))
          return
        }
        if (down && path.startsWith('/api/v1/') && !path.startsWith('/api/v1/demo/')) return void req.socket.destroy()
        if (hold && path === '/api/v1/push') {
          // The store answers; the answer waits here (and dies with the connection if the till goes away).
          res.on('error', () => undefined)
          const calls: (() => void)[] = []
          const r = res as unknown as Record<'writeHead' | 'write' | 'end', (...a: unknown[]) => unknown>
          for (const name of ['writeHead', 'write', 'end'] as const) {
            const real = r[name].bind(res)
            r[name] = (...args: unknown[]) => {
              calls.push(() => void real(...args))
              if (name === 'end')
                held.push(() => {
                  try {
                    for (const c of calls) c()
                  } catch {
                    // the till went away meanwhile
                  }
                })
              return name === 'write' ? true : res
            }
          }
        }
        next()
      })
    },
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** One server per worker of the project (a worker takes `baseURLs[VITEST_POOL_ID - 1]`). */
    baseURLs: string[]
  }
}
