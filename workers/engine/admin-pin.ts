// The admin PIN, kept as a salted PBKDF2-SHA-256 hash in the settings table (never the PIN),
// with the wrong-try lockout of src/domain/pin.ts. The Settings page asks for it once per session.
import { checkPinFormat, lockoutMs } from '../../src/domain/pin.ts'
import { fromHex, hex } from '../../src/domain/hex.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import type { PaydeskDb } from './db.ts'
import type { Clock } from './clock.ts'
import { NOT_AVAILABLE, type Locks } from './locks.ts'

const KEY = 'admin.pin'
/** The supervisor PIN (Settings), kept like the admin PIN under its own key. */
export const SUPERVISOR_PIN_KEY = 'supervisor.pin'
/** PBKDF2 rounds: slow enough to make guessing a stolen hash costly, quick enough on a till [C]. */
const ITERATIONS = 100_000

interface Stored {
  salt: string
  hash: string
  iterations: number
}

const unhex = (s: string): Uint8Array => fromHex(s) ?? new Uint8Array()

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256)
  return hex(bits)
}

interface Tries {
  failures: number
  lockedUntil: number
}

export type PinResult = { ok: true } | { ok: false; message: Msg; retryInMs?: number }

/**
 * `key` names the PIN (the admin's `admin.pin`, the supervisor's `supervisor.pin`). Wrong tries and the
 * lockout are kept in IndexedDB beside it, so neither a reload nor a second tab resets them.
 * Each place that asks keeps its own count (a customer at the self-checkout's exit cannot
 * lock the admin out of Settings): `counter` names it.
 *
 * A try is counted before the slow compare, in the same transaction as the lockout check, and given
 * back when the PIN was right: a burst of PINs typed while one is being compared can no
 * longer slip past the lockout. `locks` (the Web Locks of the profile) lets one evaluation run at a time.
 */
export function adminPin(db: PaydeskDb, clock: Clock, key = KEY, locks?: Locks) {
  const triesKey = (counter?: string) => (counter ? `${key}.tries.${counter}` : `${key}.tries`)
  const stored = async () => (await db.settings.get(key))?.value as Stored | undefined

  async function matches(pin: string, s: Stored): Promise<boolean> {
    return (await derive(pin, unhex(s.salt), s.iterations)) === s.hash
  }

  async function evaluate(pin: string, counter?: string): Promise<PinResult> {
    const s = await stored()
    if (!s) return { ok: true }
    const TRIES = triesKey(counter)
    const now = clock.now()
    // The lockout check and the count of this try in one transaction: two tabs guessing at once both count.
    const before = await db.transaction('rw', db.settings, async () => {
      const cur = ((await db.settings.get(TRIES))?.value as Tries | undefined) ?? { failures: 0, lockedUntil: 0 }
      if (now < cur.lockedUntil) return { locked: true as const, cur }
      const failures = cur.failures + 1
      await db.settings.put({ key: TRIES, value: { failures, lockedUntil: now + lockoutMs(failures) } satisfies Tries })
      return { locked: false as const, cur }
    })
    if (before.locked)
      return {
        ok: false,
        message: msg('pin.locked', { seconds: Math.ceil((before.cur.lockedUntil - now) / 1000) }),
        retryInMs: before.cur.lockedUntil - now,
      }
    if (await matches(pin, s)) {
      // The right PIN: the try is given back and the count starts again.
      await db.settings.delete(TRIES)
      return { ok: true }
    }
    const after = ((await db.settings.get(TRIES))?.value as Tries | undefined) ?? { failures: 0, lockedUntil: 0 }
    if (after.lockedUntil > now)
      return { ok: false, message: msg('pin.wrongLocked', { seconds: Math.ceil((after.lockedUntil - now) / 1000) }), retryInMs: after.lockedUntil - now }
    return { ok: false, message: msg('pin.wrong') }
  }

  /** Check a PIN (no PIN set: always fine); wrong tries lock it for a growing time. */
  async function verify(pin: string, counter?: string): Promise<PinResult> {
    if (!locks) return evaluate(pin, counter)
    const r = await locks.run(`paydesk-pin-${key}`, () => evaluate(pin, counter))
    return r === NOT_AVAILABLE ? { ok: false, message: msg('pin.wrong') } : r
  }

  return {
    isSet: async () => !!(await stored()),
    verify,
    /** Set, change (the current PIN is needed) or remove (`next` empty) the PIN. */
    async set(current: string, next: string): Promise<PinResult> {
      const check = await verify(current)
      if (!check.ok) return check
      if (next === '') {
        await db.settings.delete(key)
        return { ok: true }
      }
      const bad = checkPinFormat(next)
      if (bad) return { ok: false, message: bad }
      const salt = crypto.getRandomValues(new Uint8Array(16))
      await db.settings.put({ key, value: { salt: hex(salt), hash: await derive(next, salt, ITERATIONS), iterations: ITERATIONS } satisfies Stored })
      return { ok: true }
    },
  }
}
