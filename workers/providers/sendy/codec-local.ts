// The part of Sendy's codec the engine uses before the client is loaded (first load, docs/performance.md): the one
// table of wire constants — every path, header, envelope field, errCode and timing — and its overrides from the
// advanced settings (the settings' schema validates them), and the customer-code format. The rest of the codec
// (codec.ts) loads with the client. Pure.
import { maskCode } from '../../../src/domain/ids.ts'
import { msg, type Msg } from '../../../src/domain/messages.ts'

/** § 4.1: the wire constants [C]. Each section can be overridden key by key. */
export const WIRE_DEFAULTS = {
  paths: {
    activate: '/pos/activate',
    info: '/pos/info',
    counters: '/pos/counters',
    offline: '/pos/payment/offline',
    online: '/pos/payment/online',
    query: '/pos/payment/query',
    reverse: '/pos/payment/reverse',
    refund: '/pos/payment/refund',
    closeShift: '/pos/shift/close',
    reports: '/pos/reports',
  },
  headers: { terminalId: 'X-Terminal-Id', authorization: 'Authorization', bearer: 'Bearer ', language: 'Accept-Language' },
  fields: {
    returnCode: 'returnCode',
    returnMsg: 'returnMsg',
    resultCode: 'resultCode',
    errCode: 'errCode',
    errCodeDes: 'errCodeDes',
    success: 'SUCCESS',
    fail: 'FAIL',
  },
  codes: {
    userPaying: 'USERPAYING',
    systemError: 'SYSTEMERROR',
    bankError: 'BANKERROR',
    tooEarly: 'REVERSE_TOO_EARLY',
    notExist: 'ORDERNOTEXIST',
    txnMismatch: 'TXN_NUMBER_MISMATCH',
    shiftMismatch: 'SHIFT_MISMATCH',
    reverseNotAllowed: 'REVERSE_NOT_ALLOWED',
    shiftClosed: 'SHIFT_CLOSED',
    codeInvalid: 'ACTIVATION_CODE_INVALID',
    codeExpired: 'ACTIVATION_CODE_EXPIRED',
    terminalNotFound: 'TERMINAL_NOT_FOUND',
    duplicateOrder: 'DUPLICATE_ORDER',
    codeUsed: 'AUTH_CODE_USED',
    orderRefunded: 'ORDER_REFUNDED',
  },
  timing: {
    OFFLINE_POLL_MS: 5_000,
    OFFLINE_WINDOW_MS: 45_000,
    ONLINE_POLL_MS: 3_000,
    ONLINE_WINDOW_MS: 120_000,
    REVERSE_MIN_AGE_MS: 15_000,
    CUSTOMER_CODE_TTL_MS: 30_000,
  },
}
export type Wire = typeof WIRE_DEFAULTS

/** The overrides as typed in the advanced settings: `{ "paths": { "offline": "/v2/pay" }, "timing": { … } }`. */
export function parseWireOverrides(text: string): { ok: true; value: Wire } | { ok: false } {
  let data: unknown
  try {
    data = text.trim() === '' ? {} : JSON.parse(text)
  } catch {
    return { ok: false }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false }
  const out = structuredClone(WIRE_DEFAULTS) as unknown as Record<string, Record<string, string | number>>
  for (const [section, over] of Object.entries(data as Record<string, unknown>)) {
    const base = out[section]
    if (!base || typeof over !== 'object' || over === null || Array.isArray(over)) return { ok: false }
    for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
      const cur = base[k]
      if (cur === undefined || typeof v !== typeof cur) return { ok: false }
      if (typeof v === 'number' && (!Number.isSafeInteger(v) || v < 0)) return { ok: false }
      if (typeof v === 'string' && (v.length > 200 || /[\r\n]/.test(v))) return { ok: false }
      base[k] = v as string | number
    }
  }
  return { ok: true, value: out as unknown as Wire }
}

export function wireOf(text: string | undefined): Wire {
  const r = parseWireOverrides(text ?? '')
  return r.ok ? r.value : WIRE_DEFAULTS
}

/** § 3.4: 16–24 digits; 10–15 WeChat, 25–30 AliPay, 99 Sendy. */
export function systemOfCode(code: string): 'wechat' | 'alipay' | 'sendy' | undefined {
  if (!/^\d{16,24}$/.test(code)) return undefined
  const p = Number(code.slice(0, 2))
  if (p >= 10 && p <= 15) return 'wechat'
  if (p >= 25 && p <= 30) return 'alipay'
  return p === 99 ? 'sendy' : undefined
}

export function checkCode(code: string): Msg | undefined {
  return systemOfCode(code) ? undefined : msg('sendy.badQr', { code: maskCode(code) })
}
