// PaymeGO sandbox settings (docs/protocols/payme.md § 3.1): the defaults, the demo overrides, and the
// validated merge behind `PUT /sandbox/payme/_control/config`. Amounts in tiyin.

import { isJsonObject, type Json } from '../core/json.ts'

export const CODE_NAMES = ['tokenInvalid', 'tokenUsed', 'tokenExpired', 'decline', 'tooSmall', 'tooLarge', 'notFound', 'badState'] as const
export type CodeName = (typeof CODE_NAMES)[number]

export const MERCHANT_FIELDS = ['name', 'organization', 'address', 'merchantId', 'terminalId'] as const
export type MerchantInfo = Record<(typeof MERCHANT_FIELDS)[number], string>

export interface PaymeSettings {
  posId: string
  posKey: string
  minAmount: number
  maxAmount: number
  tokenTtlMs: number
  /** How long a cancelled paid receipt stays in 21 before 50 [C]. */
  cancelDelayMs: number
  /**
   * `string` (default): `message` is a plain string, as public clients of the real API read it; `object`: the
   * localized `{ru,uz,en}` form (§ 2.4, also seen in the wild).
   */
  messageForm: 'object' | 'string'
  codes: Record<CodeName, number>
  merchant: MerchantInfo
  acceptAnyToken: boolean
  magic: boolean
  /** Kept for the shared contract; Payme ids are 24-hex strings, so it changes nothing here. */
  idsAbove2p53: boolean
}

/** § 3.1 verbatim. */
export const PAYME_DEFAULTS: Readonly<PaymeSettings> = {
  posId: '5e730e8e0b852a417aa49ceb',
  posKey: 'sandbox-key',
  minAmount: 100_000,
  maxAmount: 10_000_000_000,
  tokenTtlMs: 30_000,
  cancelDelayMs: 3_000,
  messageForm: 'string',
  codes: {
    tokenInvalid: -31400,
    tokenUsed: -31400,
    tokenExpired: -31400,
    decline: -31630,
    tooSmall: -31611,
    tooLarge: -31612,
    notFound: -31602,
    badState: -31008,
  },
  merchant: { name: 'Paydesk Demo', organization: 'ООО «Paydesk»', address: 'Ташкент', merchantId: '90510000000', terminalId: '92000000' },
  acceptAnyToken: false,
  magic: false,
  idsAbove2p53: false,
}

/** Demo mode (`npm start`, `npm run sandbox`): any scanned code pays and magic amounts work (docs/protocols/README.md S4, S6). */
export const PAYME_DEMO_OVERRIDES: Partial<PaymeSettings> = { magic: true, acceptAnyToken: true }

export function defaultSettings(demo: boolean): PaymeSettings {
  return structuredClone({ ...PAYME_DEFAULTS, ...(demo ? PAYME_DEMO_OVERRIDES : {}) })
}

type Kind = 'nonneg' | 'string' | 'bool' | 'form' | 'codes' | 'merchant'
const KINDS: Record<keyof PaymeSettings, Kind> = {
  posId: 'string',
  posKey: 'string',
  minAmount: 'nonneg',
  maxAmount: 'nonneg',
  tokenTtlMs: 'nonneg',
  cancelDelayMs: 'nonneg',
  messageForm: 'form',
  codes: 'codes',
  merchant: 'merchant',
  acceptAnyToken: 'bool',
  magic: 'bool',
  idsAbove2p53: 'bool',
}

/** Merge a partial config; every key must be known and well-typed, else nothing changes. `codes`/`merchant` merge by key. */
export function mergeSettings(current: PaymeSettings, patch: Json | undefined): { ok: true; value: PaymeSettings } | { ok: false; error: string } {
  if (!isJsonObject(patch)) return { ok: false, error: 'PUT a JSON object of settings' }
  const next = structuredClone(current) as unknown as Record<string, Json>
  for (const [key, value] of Object.entries(patch)) {
    const kind = (KINDS as Record<string, Kind | undefined>)[key]
    if (kind === undefined) return { ok: false, error: `unknown setting ${key}` }
    if (kind === 'codes' || kind === 'merchant') {
      if (!isJsonObject(value)) return { ok: false, error: `${key} must be an object` }
      const names: readonly string[] = kind === 'codes' ? CODE_NAMES : MERCHANT_FIELDS
      const merged = { ...(next[key] as Record<string, Json>) }
      for (const [k, v] of Object.entries(value)) {
        if (!names.includes(k)) return { ok: false, error: `unknown ${key}.${k}` }
        const good = kind === 'codes' ? typeof v === 'number' && Number.isSafeInteger(v) : typeof v === 'string'
        if (!good) return { ok: false, error: `bad value for ${key}.${k}` }
        merged[k] = v
      }
      next[key] = merged
      continue
    }
    const ok =
      (kind === 'nonneg' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
      (kind === 'string' && typeof value === 'string') ||
      (kind === 'bool' && typeof value === 'boolean') ||
      (kind === 'form' && (value === 'object' || value === 'string'))
    if (!ok) return { ok: false, error: `bad value for ${key}` }
    next[key] = value
  }
  return { ok: true, value: next as unknown as PaymeSettings }
}
