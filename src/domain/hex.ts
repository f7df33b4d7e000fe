// Bytes as hexadecimal text and back: the one implementation behind digests (Click's `Auth`, the scan guard's
// SHA-256, the admin PIN's hash), the log's hex dumps of pin-pad frames and the emulator's byte trace. Pure.

const DIGITS = '0123456789abcdef'

/** Lowercase hex of every byte, `separator` between bytes: `hex([0x02, 0x15], ' ')` is `'02 15'`. */
export function hex(bytes: Uint8Array | ArrayBuffer, separator = ''): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  let out = ''
  for (let i = 0; i < view.length; i++) {
    const b = view[i]!
    out += (i ? separator : '') + DIGITS[b >> 4]! + DIGITS[b & 15]!
  }
  return out
}

/** The bytes of hex text, in either case, with or without whitespace between bytes; `undefined` if it is not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const digits = text.replace(/\s+/g, '')
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined
  const out = new Uint8Array(digits.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  return out
}
