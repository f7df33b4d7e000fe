// One-time customer codes as the emulators keep them (docs/protocols/README.md S2 `wallet/token`, S6): minting
// with a lifetime and an optional magic behaviour, and the view the control API shows.

import { magicCodeOf } from './faults.ts'
import { jsonReply } from './http.ts'
import { isJsonObject, type Json } from './json.ts'
import type { ApiReply } from './types.ts'

export interface CustomerCode {
  code: string
  /** Minted by `wallet/token`; false for a code accepted by `acceptAnyToken`. */
  minted: boolean
  createdAt: number
  /** Undefined: never expires (accepted by `acceptAnyToken`). */
  expiresAt: number | undefined
  usedAt: number | undefined
  /** A magic code (S4) chosen at mint time, for the demo. */
  behaviour: number | undefined
}

export function codeView(t: CustomerCode): Record<string, Json> {
  const iso = (ms: number | undefined): Json => (ms === undefined ? null : new Date(ms).toISOString())
  return { token: t.code, minted: t.minted, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), usedAt: iso(t.usedAt), behaviour: t.behaviour ?? null }
}

/**
 * `POST <prefix>/_control/wallet/token` `{ ttlMs?, behaviour? }`: a fresh code from `make` (retried
 * until unused), kept in `codes`; 400 for a bad body, a negative lifetime or an unknown behaviour.
 */
export function mintCode(codes: Map<string, CustomerCode>, body: Json | undefined, opts: { now: number; defaultTtlMs: number; make: () => string }): ApiReply {
  const args = body ?? {}
  if (!isJsonObject(args)) return jsonReply(400, { error: 'the body is { ttlMs?, behaviour? }' })
  const ttlMs = args.ttlMs ?? opts.defaultTtlMs
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) return jsonReply(400, { error: 'ttlMs must be a number ≥ 0' })
  const named = args.behaviour !== undefined && args.behaviour !== null
  const behaviour = named ? magicCodeOf(args.behaviour) : undefined
  if (named && behaviour === undefined) return jsonReply(400, { error: 'unknown behaviour' })
  let code: string
  do code = opts.make()
  while (codes.has(code))
  codes.set(code, { code, minted: true, createdAt: opts.now, expiresAt: opts.now + ttlMs, usedAt: undefined, behaviour })
  return jsonReply(200, { token: code, expiresAt: new Date(opts.now + ttlMs).toISOString(), ttlMs, behaviour: behaviour ?? null })
}
