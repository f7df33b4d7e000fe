// The admin PIN, kept as a salted PBKDF2-SHA-256 hash in the settings table (never the PIN),
// with the wrong-try lockout of src/domain/pin.ts. The Settings page asks for it once per session.
import { checkPinFormat, lockoutMs } from '../../src/domain/pin.ts'
import { fromHex, hex } from '../../src/domain/hex.ts'
import { msg, type Msg } from '../../src/domain/messages.ts'
import type { PaydeskDb } from './db.ts'
import type { Clock } from './clock.ts'

const KEY = 'admin.pin'
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
 */
export function adminPin(db: PaydeskDb, clock: Clock, key = KEY) {
  const TRIES = `${key}.tries`
  const stored = async () => (await db.settings.get(key))?.value as Stored | undefined

  async function matches(pin: string): Promise<boolean> {
    const s = await stored()
    return !!s && (await derive(pin, unhex(s.salt), s.iterations)) === s.hash
  }

  /** Check a PIN (no PIN set: always fine); wrong tries lock the page for a growing time. */
  async function verify(pin: string): Promise<PinResult> {
    if (!(await stored())) return { ok: true }
    const tries = ((await db.settings.get(TRIES))?.value as Tries | undefined) ?? { failures: 0, lockedUntil: 0 }
    const now = clock.now()
    if (now < tries.lockedUntil)
      return { ok: false, message: msg('pin.locked', { seconds: Math.ceil((tries.lockedUntil - now) / 1000) }), retryInMs: tries.lockedUntil - now }
    if (await matches(pin)) {
      await db.settings.delete(TRIES)
      return { ok: true }
    }
    // Counted in one transaction: two tabs guessing at once both count.
    const after = await db.transaction('rw', db.settings, async () => {
      const cur = ((await db.settings.get(TRIES))?.value as Tries | undefined) ?? { failures: 0, lockedUntil: 0 }
      const failures = cur.failures + 1
      const next: Tries = { failures, lockedUntil: now + lockoutMs(failures) }
      await db.settings.put({ key: TRIES, value: next })
      return next
    })
    if (after.lockedUntil > now)
      return { ok: false, message: msg('pin.wrongLocked', { seconds: Math.ceil((after.lockedUntil - now) / 1000) }), retryInMs: after.lockedUntil - now }
    return { ok: false, message: msg('pin.wrong') }
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
