// Sendy sandbox settings (docs/protocols/sendy.md § 3.1): the defaults, the demo overrides, and the validated
// merge behind `PUT /sandbox/sendy/_control/config`. Amounts in kopecks, times in ms.

import { isJsonObject, type Json } from '../core/json.ts'

export type SendySystem = 'sendy' | 'wechat' | 'alipay'
export const SYSTEMS: readonly SendySystem[] = ['sendy', 'wechat', 'alipay']

export interface Terminal {
  terminalId: string
  serial: string
  /** Shown by `info` and on slips [C]. */
  merchantName?: string
}

export interface SendySettings {
  terminals: Terminal[]
  allowedSystems: SendySystem[]
  currency: string
  minAmount: number
  maxAmount: number
  authCodeTtlMs: number
  pinThreshold: number
  pinDelayMs: number
  userPayingTimeoutMs: number
  onlineQrTtlMs: number
  reverseMinAgeMs: number
  activationAttempts: number
  acceptAnyToken: boolean
  autoCustomer: boolean
  autoCustomerDelayMs: number
  magic: boolean
}

/** § 3.1 verbatim. */
export const SENDY_DEFAULTS: Readonly<SendySettings> = {
  terminals: [{ terminalId: 'T0001', serial: 'SN-0001' }],
  allowedSystems: ['sendy', 'wechat', 'alipay'],
  currency: 'RUB',
  minAmount: 100,
  maxAmount: 100_000_000,
  authCodeTtlMs: 30_000,
  pinThreshold: 100_000,
  pinDelayMs: 8_000,
  userPayingTimeoutMs: 45_000,
  onlineQrTtlMs: 120_000,
  reverseMinAgeMs: 15_000,
  activationAttempts: 3,
  acceptAnyToken: false,
  autoCustomer: false,
  autoCustomerDelayMs: 4_000,
  magic: false,
}

/** Demo mode: the customer acts by itself, magic amounts work, any well-formed code pays (docs/protocols/README.md S4, S6). */
export const SENDY_DEMO_OVERRIDES: Partial<SendySettings> = { magic: true, autoCustomer: true, acceptAnyToken: true }

export function defaultSettings(demo: boolean): SendySettings {
  return structuredClone({ ...SENDY_DEFAULTS, ...(demo ? SENDY_DEMO_OVERRIDES : {}) })
}

type Kind = 'nonneg' | 'bool' | 'string' | 'terminals' | 'systems'
const KINDS: Record<keyof SendySettings, Kind> = {
  terminals: 'terminals',
  allowedSystems: 'systems',
  currency: 'string',
  minAmount: 'nonneg',
  maxAmount: 'nonneg',
  authCodeTtlMs: 'nonneg',
  pinThreshold: 'nonneg',
  pinDelayMs: 'nonneg',
  userPayingTimeoutMs: 'nonneg',
  onlineQrTtlMs: 'nonneg',
  reverseMinAgeMs: 'nonneg',
  activationAttempts: 'nonneg',
  acceptAnyToken: 'bool',
  autoCustomer: 'bool',
  autoCustomerDelayMs: 'nonneg',
  magic: 'bool',
}

function parseTerminals(v: Json): Terminal[] | string {
  if (!Array.isArray(v)) return 'terminals: an array'
  const out: Terminal[] = []
  for (const t of v) {
    if (!isJsonObject(t) || typeof t.terminalId !== 'string' || t.terminalId === '' || typeof t.serial !== 'string')
      return 'terminals: [{ terminalId, serial, merchantName? }]'
    out.push({ terminalId: t.terminalId, serial: t.serial, ...(typeof t.merchantName === 'string' ? { merchantName: t.merchantName } : {}) })
  }
  return out
}

export function mergeSettings(current: SendySettings, patch: Json | undefined): { ok: true; value: SendySettings } | { ok: false; error: string } {
  if (!isJsonObject(patch)) return { ok: false, error: 'PUT a JSON object of settings' }
  const next = structuredClone(current) as unknown as Record<string, unknown>
  for (const [key, value] of Object.entries(patch)) {
    const kind = (KINDS as Record<string, Kind | undefined>)[key]
    if (kind === undefined) return { ok: false, error: `unknown setting ${key}` }
    if (kind === 'terminals') {
      const t = parseTerminals(value)
      if (typeof t === 'string') return { ok: false, error: t }
      next[key] = t
      continue
    }
    if (kind === 'systems') {
      if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && (SYSTEMS as readonly string[]).includes(s)))
        return { ok: false, error: `allowedSystems: a list of ${SYSTEMS.join(', ')}` }
      next[key] = value
      continue
    }
    const ok =
      (kind === 'nonneg' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
      (kind === 'bool' && typeof value === 'boolean') ||
      (kind === 'string' && typeof value === 'string' && value !== '')
    if (!ok) return { ok: false, error: `bad value for ${key}` }
    next[key] = value
  }
  return { ok: true, value: next as unknown as SendySettings }
}
