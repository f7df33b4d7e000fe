// ClickPass sandbox settings (docs/protocols/clickpass.md § 3.1): the defaults, the demo overrides, and
// the validated merge behind `PUT /sandbox/clickpass/_control/config`. Amounts in tiyin.

import type { Json } from '../core/json.ts'
import { isJsonObject } from '../core/json.ts'

export interface ClickSettings {
  serviceId: number
  merchantUserId: number
  secretKey: string
  /** The service's confirm mode: `confirmOn` / `confirmOff` switch it; starts false (§ 3.1). */
  confirmMode: boolean
  minAmount: number
  maxAmount: number
  tokenTtlMs: number
  confirmWindowMs: number
  authSkewSec: number
  acceptAnyToken: boolean
  magic: boolean
  idsAbove2p53: boolean
}

/** § 3.1 verbatim: minAmount 1 000 so'm, maxAmount 100 000 000 so'm, tokenTtlMs 60 s are [C]; 30 s confirm window [V-doc]. */
export const CLICK_DEFAULTS: Readonly<ClickSettings> = {
  serviceId: 85335,
  merchantUserId: 123,
  secretKey: 'secret',
  confirmMode: false,
  minAmount: 100_000,
  maxAmount: 10_000_000_000,
  tokenTtlMs: 60_000,
  confirmWindowMs: 30_000,
  authSkewSec: 300,
  acceptAnyToken: false,
  magic: false,
  idsAbove2p53: false,
}

/** Demo mode (`npm start`, `npm run sandbox`): a person can pay with any code and try every magic amount (docs/protocols/README.md S4, S6). */
export const CLICK_DEMO_OVERRIDES: Partial<ClickSettings> = { magic: true, acceptAnyToken: true }

export function defaultSettings(demo: boolean): ClickSettings {
  return { ...CLICK_DEFAULTS, ...(demo ? CLICK_DEMO_OVERRIDES : {}) }
}

type Kind = 'int' | 'nonneg' | 'string' | 'bool'
const KINDS: Record<keyof ClickSettings, Kind> = {
  serviceId: 'int',
  merchantUserId: 'int',
  secretKey: 'string',
  confirmMode: 'bool',
  minAmount: 'nonneg',
  maxAmount: 'nonneg',
  tokenTtlMs: 'nonneg',
  confirmWindowMs: 'nonneg',
  authSkewSec: 'nonneg',
  acceptAnyToken: 'bool',
  magic: 'bool',
  idsAbove2p53: 'bool',
}

/** Merge a partial config; every key must be known and well-typed, else nothing changes. */
export function mergeSettings(current: ClickSettings, patch: Json | undefined): { ok: true; value: ClickSettings } | { ok: false; error: string } {
  if (!isJsonObject(patch)) return { ok: false, error: 'PUT a JSON object of settings' }
  const next: Record<string, Json> = { ...current }
  for (const [key, value] of Object.entries(patch)) {
    const kind = (KINDS as Record<string, Kind | undefined>)[key]
    const ok =
      (kind === 'int' && typeof value === 'number' && Number.isSafeInteger(value)) ||
      (kind === 'nonneg' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
      (kind === 'string' && typeof value === 'string') ||
      (kind === 'bool' && typeof value === 'boolean')
    if (!ok) return { ok: false, error: kind ? `bad value for ${key}` : `unknown setting ${key}` }
    next[key] = value
  }
  return { ok: true, value: next as unknown as ClickSettings }
}
