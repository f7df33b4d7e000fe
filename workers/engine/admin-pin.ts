// The admin PIN, kept as a salted PBKDF2-SHA-256 hash in the settings table (never the PIN),
// with the wrong-try lockout of src/domain/pin.ts. The Settings page asks for it once per session.
import { checkPinFormat, lockoutMs } from '../../src/domain/pin.ts'
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

const hex = (b: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')
const unhex = (s: string) => new Uint8Array((s.match(/../g) ?? []).map((x) => parseInt(x, 16)))

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256)
  return hex(bits)
}

export type PinResult = { ok: true } | { ok: false; message: Msg; retryInMs?: number }

export function adminPin(db: PaydeskDb, clock: Clock) {
  let failures = 0
  let lockedUntil = 0

  const stored = async () => (await db.settings.get(KEY))?.value as Stored | undefined

  async function matches(pin: string): Promise<boolean> {
    const s = await stored()
    return !!s && (await derive(pin, unhex(s.salt), s.iterations)) === s.hash
  }

  /** Check a PIN (no PIN set: always fine); wrong tries lock the page for a growing time. */
  async function verify(pin: string): Promise<PinResult> {
    if (!(await stored())) return { ok: true }
    const now = clock.now()
    if (now < lockedUntil) return { ok: false, message: msg('pin.locked', { seconds: Math.ceil((lockedUntil - now) / 1000) }), retryInMs: lockedUntil - now }
    if (await matches(pin)) {
      failures = 0
      return { ok: true }
    }
    failures++
    lockedUntil = now + lockoutMs(failures)
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
        await db.settings.delete(KEY)
        return { ok: true }
      }
      const bad = checkPinFormat(next)
      if (bad) return { ok: false, message: bad }
      const salt = crypto.getRandomValues(new Uint8Array(16))
      await db.settings.put({ key: KEY, value: { salt: hex(salt), hash: await derive(next, salt, ITERATIONS), iterations: ITERATIONS } satisfies Stored })
      return { ok: true }
    },
  }
}
