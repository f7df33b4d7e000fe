// What the admin types to join a store: the store's address and the one-time enrolment code, checked
// and normalised before anything is sent. Pure.
import { msg, type Msg } from './messages.ts'
import { ENROL_CODE_LENGTH, looksLikeEnrolCode, normaliseEnrolCode } from './store-contract.ts'

export const STORE_ADDRESS_MAX = 200
export const TILL_NAME_MAX = 60

/**
 * The store's base address: an absolute http(s) URL, or a path on the till's own origin (`/store`). The API lives
 * under `<address>/api/v1`; a pasted `/api/v1` tail and trailing slashes are dropped. No credentials, query or fragment.
 */
export function normalizeStoreAddress(input: string, origin?: string): { ok: true; address: string } | { ok: false; message: Msg } {
  const raw = String(input ?? '').trim()
  const bad = { ok: false as const, message: msg('store.badAddress', { max: STORE_ADDRESS_MAX }) }
  if (!raw || raw.length > STORE_ADDRESS_MAX) return bad
  let u: URL
  try {
    u = raw.startsWith('/') && origin ? new URL(raw, origin) : new URL(raw)
  } catch {
    return bad
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash || !u.hostname) return bad
  const path = u.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
  return { ok: true, address: `${u.origin}${path}` }
}

/** The one-time code as the store issued it: case, spaces and dashes do not matter; O reads as 0, I and L as 1 (the contract's own rule). */
export function normalizeEnrolCode(input: string): { ok: true; code: string } | { ok: false; message: Msg } {
  const code = normaliseEnrolCode(String(input ?? ''))
  return looksLikeEnrolCode(code) ? { ok: true, code } : { ok: false, message: msg('store.badCode', { length: ENROL_CODE_LENGTH }) }
}
