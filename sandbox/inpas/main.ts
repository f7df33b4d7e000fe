// `npm run sandbox:pinpad`: the Inpas pin-pad emulator on raw TCP 127.0.0.1:6060 (`PINPAD_PORT`) with its HTTP
// control endpoint on 127.0.0.1:6061 (`PINPAD_CONTROL_PORT`); see tcp.ts for the interface. `PINPAD_SEED` fixes the
// RNG, `PINPAD_TID` the terminal id. Stops on SIGINT / SIGTERM.
import { closeOnSignals } from '../core/shutdown.ts'
import { DEFAULT_PINPAD_PORT, startPinpadTcp } from './tcp.ts'

const port = Number(process.env.PINPAD_PORT ?? DEFAULT_PINPAD_PORT)
const controlPort = process.env.PINPAD_CONTROL_PORT ? Number(process.env.PINPAD_CONTROL_PORT) : port + 1
const seed = process.env.PINPAD_SEED ? Number(process.env.PINPAD_SEED) : Math.floor(Math.random() * 2 ** 32)

const running = await startPinpadTcp({
  port,
  controlPort,
  seed,
  ...(process.env.PINPAD_TID ? { tid: process.env.PINPAD_TID } : {}),
})
console.log(`Inpas pin-pad emulator: SA bytes on tcp://127.0.0.1:${running.port}, controls on http://127.0.0.1:${running.controlPort}/control (seed ${seed})`)

closeOnSignals('pin-pad emulator', () => running.close())
