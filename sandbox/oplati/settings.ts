// O!plati sandbox settings (docs/protocols/oplati.md § 3.1): the defaults, the demo overrides, and the
// validated merge behind `PUT /sandbox/oplati/_control/config`. Amounts in kopecks.

import { isJsonObject, type Json } from '../core/json.ts'

export type AuthMode = 'token' | 'password'

export interface Cashbox {
  /** `OPL` + 9 digits in real life (§ 1.2); the sandbox takes any non-empty string. */
  regNum: string
  password: string
  /** `token`: the seed's token (C1, C2); `password`: only `regNum` + `password`, token issue refused with A. */
  authMode: AuthMode
}

export interface OplatiSettings {
  cashboxes: Cashbox[]
  /** A payment (or loyalty request) left at status 0 ends TIMEOUT (4) this long after its creation [C]. */
  consumerTimeoutMs: number
  /** An E5 session lives this long [C]. */
  sessionTtlMs: number
  /** A minted customer code (mode 0) is accepted this long [C]. */
  consumerQrTtlMs: number
  /** E3 and the loyalty status: at least this long between two polls of one id [V-doc: 5 s]. */
  pollFloorMs: number
  /** E6: at least this long between two polls of one session [V-sdk: 3 s]. */
  consumerPollFloorMs: number
  /** false: a too-early poll is only marked `tooEarly` in the call log, not refused with 429. */
  enforcePollFloor: boolean
  reversalWindowDays: number
  autoCustomer: boolean
  autoCustomerDelayMs: number
  magic: boolean
  idsAbove2p53: boolean
  /** docs/protocols/README.md S6: any well-formed code not seen before is accepted as a customer QR (demo default). */
  acceptAnyToken: boolean
  /**
   * Sandbox extra [C]: in token mode, a well-formed token presented while the cashbox's state is
   * `none` (and no cabinet reset happened) is adopted as issued. A restarted demo sandbox thus
   * keeps working with the token the browser already holds. Off in tests.
   */
  adoptTokens: boolean
}

/** § 3.1 verbatim, plus the docs/protocols/README.md S6 `acceptAnyToken` and the `adoptTokens` extra, both off. */
export const OPLATI_DEFAULTS: Readonly<OplatiSettings> = {
  cashboxes: [{ regNum: 'OPL000011111', password: '1111', authMode: 'token' }],
  consumerTimeoutMs: 60_000,
  sessionTtlMs: 60_000,
  consumerQrTtlMs: 60_000,
  pollFloorMs: 5_000,
  consumerPollFloorMs: 3_000,
  enforcePollFloor: true,
  reversalWindowDays: 30,
  autoCustomer: false,
  autoCustomerDelayMs: 4_000,
  magic: false,
  idsAbove2p53: false,
  acceptAnyToken: false,
  adoptTokens: false,
}

/** Demo mode (`npm start`, `npm run sandbox`): the customer acts by itself, magic amounts work, any code pays (docs/protocols/README.md S4, S6). */
export const OPLATI_DEMO_OVERRIDES: Partial<OplatiSettings> = { magic: true, autoCustomer: true, acceptAnyToken: true, adoptTokens: true }

export function defaultSettings(demo: boolean): OplatiSettings {
  return structuredClone({ ...OPLATI_DEFAULTS, ...(demo ? OPLATI_DEMO_OVERRIDES : {}) })
}

type Kind = 'nonneg' | 'bool' | 'cashboxes'
const KINDS: Record<keyof OplatiSettings, Kind> = {
  cashboxes: 'cashboxes',
  consumerTimeoutMs: 'nonneg',
  sessionTtlMs: 'nonneg',
  consumerQrTtlMs: 'nonneg',
  pollFloorMs: 'nonneg',
  consumerPollFloorMs: 'nonneg',
  enforcePollFloor: 'bool',
  reversalWindowDays: 'nonneg',
  autoCustomer: 'bool',
  autoCustomerDelayMs: 'nonneg',
  magic: 'bool',
  idsAbove2p53: 'bool',
  acceptAnyToken: 'bool',
  adoptTokens: 'bool',
}

const CASHBOX_KEYS = ['regNum', 'password', 'authMode']

/** A `cashboxes` value: a list of `{ regNum, password?, authMode? }` with distinct regNums. */
function parseCashboxes(value: Json): Cashbox[] | string {
  if (!Array.isArray(value)) return 'cashboxes must be an array'
  const out: Cashbox[] = []
  for (const [i, c] of value.entries()) {
    if (!isJsonObject(c)) return `cashboxes[${i}] must be an object`
    const unknown = Object.keys(c).find((k) => !CASHBOX_KEYS.includes(k))
    if (unknown !== undefined) return `unknown cashboxes[${i}].${unknown}`
    const { regNum, password = '', authMode = 'token' } = c
    if (typeof regNum !== 'string' || regNum === '') return `bad value for cashboxes[${i}].regNum`
    if (typeof password !== 'string') return `bad value for cashboxes[${i}].password`
    if (authMode !== 'token' && authMode !== 'password') return `bad value for cashboxes[${i}].authMode`
    if (out.some((o) => o.regNum === regNum)) return `duplicate regNum ${regNum}`
    out.push({ regNum, password, authMode })
  }
  return out
}

/** Merge a partial config; every key must be known and well-typed, else nothing changes. `cashboxes` is replaced whole. */
export function mergeSettings(current: OplatiSettings, patch: Json | undefined): { ok: true; value: OplatiSettings } | { ok: false; error: string } {
  if (!isJsonObject(patch)) return { ok: false, error: 'PUT a JSON object of settings' }
  const next = structuredClone(current) as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    const kind = (KINDS as Record<string, Kind | undefined>)[key]
    if (kind === undefined) return { ok: false, error: `unknown setting ${key}` }
    if (kind === 'cashboxes') {
      const parsed = parseCashboxes(value)
      if (typeof parsed === 'string') return { ok: false, error: parsed }
      next[key] = parsed
      continue
    }
    const ok = (kind === 'nonneg' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (kind === 'bool' && typeof value === 'boolean')
    if (!ok) return { ok: false, error: `bad value for ${key}` }
    next[key] = value
  }
  return { ok: true, value: next as unknown as OplatiSettings }
}
