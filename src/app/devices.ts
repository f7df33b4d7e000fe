// The page's view of a device or token provider, from what its `about.ts` declares (workers/providers/catalog.ts):
// the till's choices, the self-checkout's pick, the cashier's cancel while the device waits, Settings' port and
// token rows. The screens call these instead of naming a provider or its message keys.
import type { ConfigValues } from '../domain/config.ts'
import type { DeviceAbout, TokenAbout } from '../../workers/providers/types.ts'
import { TILL_CATALOG as CATALOG } from '../../workers/providers/till-catalog.ts'

type TypeLike = { provider: string; values: ConfigValues }

export function deviceOf(t: { provider: string } | undefined): DeviceAbout | undefined {
  return t ? CATALOG[t.provider]?.device : undefined
}

export function tokenOf(t: { provider: string } | undefined): TokenAbout | undefined {
  return t ? CATALOG[t.provider]?.token : undefined
}

/** The choices the till offers for this type: those whose `when` setting is on. */
export function deviceChoices(t: TypeLike | undefined): DeviceAbout['choices'] {
  return deviceOf(t)?.choices.filter((c) => c.when === undefined || t?.values[c.when] === true) ?? []
}

/** The choice the self-checkout starts (the first of the provider's `kiosk` list that is offered); none for others. */
export function kioskChoice(t: TypeLike): string | undefined {
  const offered = new Set(deviceChoices(t).map((c) => c.id))
  return deviceOf(t)?.kiosk.find((id) => offered.has(id))
}

/**
 * The till offers its stop (the cashier's «Прекратить ожидание» / «Отменить оплату») while an operation is unsure or shows a code, and — for a device that says the cashier
 * may cancel while it waits for the customer — while it is sent.
 */
export function canStop(op: { provider: string; state: string; display?: unknown; cashierLeft?: boolean; queued?: boolean }): boolean {
  if (op.cashierLeft || op.queued) return false
  if (op.state === 'unknown' || op.state === 'resolving') return true
  return op.state === 'sent' && (!!op.display || !!deviceOf(op)?.cancelWhileWaiting)
}

/** True when the type's settings bind it to the in-page emulator (Settings offers its screen, not a port). */
export function emulatedDevice(t: TypeLike | undefined, values: Record<string, unknown>): boolean {
  const e = deviceOf(t)?.port.emulated
  return !!e && values[e.field] === e.value
}

/** The stop's words: «Отменить оплату» where it cancels (a code on the screen, a device that aborts its wait), else «Прекратить ожидание». */
export function stopLabel(op: { provider: string; state: string; display?: unknown }): 'sale.cancelPayment' | 'sale.stopWaiting' {
  return op.display || (op.state === 'sent' && deviceOf(op)?.cancelWhileWaiting) ? 'sale.cancelPayment' : 'sale.stopWaiting'
}

/** What Settings says of a token provider's stored token (`none` when none is stored or the state is unknown). */
export function tokenStateText(t: { provider: string } | undefined, stored: boolean, state: unknown): string | undefined {
  const states = tokenOf(t)?.states
  if (!states) return undefined
  return (stored && typeof state === 'string' ? states[state] : undefined) ?? states.none
}
