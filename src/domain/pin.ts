// The admin PIN's rules (Settings sit behind it: payment types, secrets, «Сбросить токен», the
// log): its format, and how long a till refuses after wrong tries. Pure.
import { msg, type Msg } from './messages.ts'

/** 4 to 8 digits: typed on a till's numeric keypad. */
export const PIN_FORMAT = /^\d{4,8}$/
/** Wrong tries allowed before the lockout starts [C]. */
export const FREE_TRIES = 5
/** The first lockout; each further wrong try doubles it, up to the cap [C]. */
export const LOCKOUT_MS = 30_000
export const LOCKOUT_CAP_MS = 15 * 60_000

export function checkPinFormat(pin: string): Msg | undefined {
  return PIN_FORMAT.test(pin) ? undefined : msg('pin.format')
}

/** How long to refuse after `failures` wrong tries in a row (0 while tries are free). */
export function lockoutMs(failures: number): number {
  if (failures < FREE_TRIES) return 0
  return Math.min(LOCKOUT_CAP_MS, LOCKOUT_MS * 2 ** (failures - FREE_TRIES))
}
