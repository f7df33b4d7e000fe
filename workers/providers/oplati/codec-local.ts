// The part of O!plati's codec the engine uses before the client is loaded (first load, docs/performance.md): the
// local format check of a scanned code, the code's lifetime and the poll floor, the unreachable mark's store key,
// and where O!plati's shift starts. The wire codec (codec.ts) loads with the client. Pure.
import { maskCode } from '../../../src/domain/ids.ts'
import { msg, type Msg } from '../../../src/domain/messages.ts'

/** The store key that marks the server unreachable after a transport failure (§ 4.4). */
export const UNREACHABLE_KEY = 'unreachable'

/** § 3.3 C3: the customer's QR is opaque; 8–512 printable characters. */
export function checkCode(code: string): Msg | undefined {
  return code.length >= 8 && code.length <= 512 && /^[\x20-\x7e]+$/.test(code) ? undefined : msg('oplati.badQr', { code: maskCode(code) })
}

/** § 2.6 [V-doc]: E3 no more often than every 5 s. */
export const POLL_FLOOR_MS = 5_000
/** § 4.3 [C]: a scanned customer code is fresh for 60 s. */
export const CODE_LIFETIME_MS = 60_000

/** Europe/Minsk is UTC+3 all year (no DST since 2011). */
export const MINSK_OFFSET_MS = 3 * 3_600_000

/** The start (epoch ms) of the Minsk day holding `ms`: the first moment of O!plati's shift. */
export function shiftStartOf(ms: number): number {
  const day = 86_400_000
  return Math.floor((ms + MINSK_OFFSET_MS) / day) * day - MINSK_OFFSET_MS
}
