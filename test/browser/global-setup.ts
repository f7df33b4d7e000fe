// Browser suite set-up: build the PWA once in demo mode and serve it with the sandboxes on an ephemeral
// 127.0.0.1 port (vite preview + the sandbox plugin), exactly what `npm start` serves.
import { build, preview, type PreviewServer } from 'vite'
import type { TestProject } from 'vitest/node'

let server: PreviewServer | undefined

export default async function setup(project: TestProject) {
  // Vitest runs with NODE_ENV=test, which would make Vite build a development bundle
  // (no service worker, Svelte dev mode): build exactly what `npm start` ships, the demo build.
  const env = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ logLevel: 'warn', mode: 'demo' })
  } finally {
    process.env.NODE_ENV = env
  }
  server = await preview({ mode: 'demo', preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' })
  const address = server.httpServer.address()
  if (!address || typeof address === 'string') throw new Error('preview server has no port')
  project.provide('baseURL', `http://127.0.0.1:${address.port}`)
  return async () => {
    await server?.close()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string
  }
}
