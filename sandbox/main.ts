// `npm run sandbox`: the sandbox server alone on 127.0.0.1 (docs/protocols/README.md S1), demo defaults on,
// port from `PAYDESK_SANDBOX_PORT` (default 8790). Stops on SIGINT / SIGTERM.

import { closeOnSignals } from './core/shutdown.ts'
import { DEFAULT_SANDBOX_PORT, startSandboxServer } from './server.ts'

const port = Number(process.env.PAYDESK_SANDBOX_PORT ?? DEFAULT_SANDBOX_PORT)
const running = await startSandboxServer({ port, demo: true })
console.log(`Paydesk sandbox: ${running.url}/sandbox  (phone: ${running.url}/sandbox/phone)`)

closeOnSignals('sandbox', () => running.close())
