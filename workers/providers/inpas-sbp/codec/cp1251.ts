// Windows-1251 (CP1251) text codec of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.1, § 2.6, § 2.12).
// Owns both directions as pure tables: `TextEncoder` writes only UTF-8, and `TextDecoder('windows-1251')`
// needs full ICU, so the native decoder is only a fast path for long values, checked against the table at
// load and never relied on. Encoding refuses characters outside CP1251 (§ 2.6: "MUST reject characters
// outside CP1251 rather than substitute them"); decoding is total.

/**
 * § 2.12: code points of bytes 0x80…0xFF (Microsoft's CP1251 = WHATWG `windows-1251`). Bytes 0x00…0x7F are
 * ASCII. 0x98 is undefined in CP1251: it decodes to U+0098 as WHATWG/`TextDecoder` do, and U+0098 is not
 * encodable, so 0x98 is the one byte that does not round-trip.
 */
export const CP1251_HIGH: readonly number[] = [
  0x0402,
  0x0403,
  0x201a,
  0x0453,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x20ac,
  0x2030,
  0x0409,
  0x2039,
  0x040a,
  0x040c,
  0x040b,
  0x040f,
  0x0452,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x0098,
  0x2122,
  0x0459,
  0x203a,
  0x045a,
  0x045c,
  0x045b,
  0x045f,
  0x00a0,
  0x040e,
  0x045e,
  0x0408,
  0x00a4,
  0x0490,
  0x00a6,
  0x00a7,
  0x0401,
  0x00a9,
  0x0404,
  0x00ab,
  0x00ac,
  0x00ad,
  0x00ae,
  0x0407,
  0x00b0,
  0x00b1,
  0x0406,
  0x0456,
  0x0491,
  0x00b5,
  0x00b6,
  0x00b7,
  0x0451,
  0x2116,
  0x0454,
  0x00bb,
  0x0458,
  0x0405,
  0x0455,
  0x0457,
  // 0xC0…0xFF: А…я, U+0410…U+044F in order.
  ...Array.from({ length: 64 }, (_, i) => 0x0410 + i),
]

/** § 2.12: the byte CP1251 leaves undefined. */
export const CP1251_UNDEFINED_BYTE = 0x98

/** Byte → UTF-16 code unit for all 256 bytes (every CP1251 character is in the BMP). */
const DECODE = new Uint16Array(256)
for (let b = 0; b < 128; b++) DECODE[b] = b
for (let b = 128; b < 256; b++) DECODE[b] = CP1251_HIGH[b - 128]!

/**
 * Code unit → byte + 1 (0 = not encodable), ASCII included, indexed up to the largest code point in the table
 * (U+2122). One lookup per character, so mixed Latin/Cyrillic text runs without a data-dependent branch.
 */
const ENCODE_LIMIT = 0x2123
const ENCODE = new Uint16Array(ENCODE_LIMIT)
for (let b = 0; b < 256; b++) if (b !== CP1251_UNDEFINED_BYTE) ENCODE[DECODE[b]!] = b + 1

export type Cp1251Error = { kind: 'unencodable'; index: number; codePoint: number }
export type Cp1251Result = { ok: true; value: Uint8Array } | { ok: false; error: Cp1251Error }

/** § 2.12: the CP1251 byte of one UTF-16 code unit, or -1 when CP1251 has no such character. */
export function cp1251Byte(codeUnit: number): number {
  return (ENCODE[codeUnit] ?? 0) - 1
}

/**
 * § 2.12: write `text` as CP1251 into `out` from `at` (one byte per UTF-16 unit). Returns -1 when every
 * character was written, else the index of the first character CP1251 lacks (bytes before it are written).
 */
export function writeCp1251(text: string, out: Uint8Array, at: number): number {
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    const b = c < ENCODE_LIMIT ? ENCODE[c]! : 0
    if (b === 0) return i
    out[at + i] = b - 1
  }
  return -1
}

/** § 2.6/§ 2.12: encode text to CP1251; any character outside CP1251 refuses the whole text. */
export function encodeCp1251(text: string): Cp1251Result {
  const out = new Uint8Array(text.length)
  const bad = writeCp1251(text, out, 0)
  if (bad >= 0) return { ok: false, error: { kind: 'unencodable', index: bad, codePoint: text.codePointAt(bad)! } }
  return { ok: true, value: out }
}

/** True when every character of `text` has a CP1251 byte. */
export function isCp1251(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (cp1251Byte(text.charCodeAt(i)) < 0) return false
  return true
}

/** Measured: up to this many bytes the table path beats a native decoder call (most SA fields are this short). */
const SHORT_DECODE = 32
/** Code units per `String.fromCharCode.apply` call: far below engines' argument-count limits. */
const CHUNK = 4096

/**
 * The table path of `decodeCp1251`, used where no native decoder is available; exported so tests can check it
 * against the native one byte for byte.
 */
export function decodeCp1251Table(bytes: Uint8Array, start = 0, end = bytes.length): string {
  // Most SA values are 1–2 characters ("1", "00", "-1"): no array for those.
  if (end - start === 1) return String.fromCharCode(DECODE[bytes[start]!]!)
  if (end - start === 2) return String.fromCharCode(DECODE[bytes[start]!]!, DECODE[bytes[start + 1]!]!)
  let s = ''
  for (let from = start; from < end; from += CHUNK) {
    const to = Math.min(end, from + CHUNK)
    const units: number[] = new Array(to - from)
    for (let i = from; i < to; i++) units[i - from] = DECODE[bytes[i]!]!
    s += String.fromCharCode.apply(null, units)
  }
  return s
}

/**
 * A native `TextDecoder('windows-1251')` (§ 2.12: browsers; Node with full ICU), used for long values only if it
 * agrees with the table on all 256 bytes; otherwise (or where it does not exist) the table path decodes.
 */
const NATIVE: TextDecoder | undefined = (() => {
  try {
    const native = new TextDecoder('windows-1251')
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    return native.decode(all) === decodeCp1251Table(all) ? native : undefined
  } catch {
    return undefined
  }
})()

/** § 2.12: decode CP1251 bytes `[start, end)` to text. Total: every byte maps to a character. */
export function decodeCp1251(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= SHORT_DECODE || NATIVE === undefined) return decodeCp1251Table(bytes, start, end)
  return NATIVE.decode(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end))
}
