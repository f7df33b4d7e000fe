// `npm run sandbox`: the sandbox server alone on 127.0.0.1 (README S1), demo defaults on,
// port from `PAYDESK_SANDBOX_PORT` (default 8790). Stops on SIGINT / SIGTERM.

import { DEFAULT_SANDBOX_PORT, startSandboxServer } from './server.ts'

const port = Number(process.env.PAYDESK_SANDBOX_PORT ?? DEFAULT_SANDBOX_PORT)
const running = await startSandboxServer({ port, demo: true })
console.log(`Paydesk sandbox: ${running.url}/sandbox  (phone: ${running.url}/sandbox/phone)`)

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  running.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('sandbox: close failed', err)
      process.exit(1)
    },
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
