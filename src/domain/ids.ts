// Operation ids: ULID (26 chars, Crockford base32, time-ordered), the idempotency key and
// the merchant reference on the wire (docs/rules.md R2). Time and randomness come in as arguments.

declare const OPID: unique symbol
export type OperationId = string & { readonly [OPID]: true }

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** `random` must hold at least 10 bytes (80 bits of entropy, as the ULID spec). */
export function ulid(nowMs: number, random: Uint8Array): OperationId {
  let time = ''
  let t = nowMs
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  let rand = ''
  for (let i = 0; i < 16; i++) rand += CROCKFORD[(random[i % random.length] ?? 0) % 32]
  return (time + rand) as OperationId
}

export function isOperationId(s: unknown): s is OperationId {
  return typeof s === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s)
}

/** Mask a one-time customer code for logs and screens: first 4 and last 2 characters (R6). */
export function maskCode(code: string): string {
  if (code.length <= 6) return '…'
  return `${code.slice(0, 4)}…${code.slice(-2)}`
}
