// Public API of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5): the pure core and the in-memory
// runner. Nothing here imports `node:*`, so both also run inside a browser worker; the TCP runner is `tcp.ts`.
export * from './types.ts'
export { createPinpadState, step, nextWake, isBusy, resolveConfig, type CreateStateOptions } from './machine.ts'
export { parseControl, traceEntries, traceText, DAY_MS } from './controls.ts'
export { moneySlip, totalsSlip } from './slips.ts'
export { TEXT } from './operations.ts'
export { createPinpad, createFakeClock, systemClock, type Pinpad, type PinpadOptions, type Clock, type FakeClock } from './pinpad.ts'
export { pinpadScreen, armedFaults, type PinpadScreen, type ScreenKind } from './screen.ts'
