// Under `npm run dev`: Vite's dev server answers no cross-origin request. Its default CORS
// allowed any loopback origin (a page on another port of the till), ahead of the sandbox's own check.
// The browser suite checks the same of the preview server (`npm start`) from a real page.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { createServer, type ViteDevServer } from 'vite'
import { CONTROL_HEADERS } from '../../sandbox/core/http.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
let server: ViteDevServer
let url = ''
beforeAll(async () => {
  server = await createServer({ root, mode: 'development', logLevel: 'silent', server: { port: 0, host: '127.0.0.1', strictPort: false, hmr: false } })
  await server.listen()
  const a = server.httpServer!.address()
  if (!a || typeof a === 'string') throw new Error('dev server has no port')
  url = `http://127.0.0.1:${a.port}`
}, 60_000)
afterAll(async () => server?.close())

it('a page on another loopback port gets no CORS answer from the dev server’s sandbox control API', async () => {
  const other = `http://127.0.0.1:${Number(new URL(url).port) + 1}`
  const preflight = await fetch(`${url}/sandbox/clickpass/_control/config`, {
    method: 'OPTIONS',
    headers: { Origin: other, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'x-paydesk-sandbox' },
  })
  expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  const read = await fetch(`${url}/sandbox/clickpass/_control/config`, { headers: { ...CONTROL_HEADERS, Origin: other } })
  expect(read.headers.get('access-control-allow-origin')).toBeNull()
  const page = await fetch(`${url}/`, { headers: { Origin: other } })
  expect(page.headers.get('access-control-allow-origin')).toBeNull()
})
