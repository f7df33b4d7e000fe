// CRC-16 variants of the inpas-sbp provider (docs/protocols/inpas-sbp.md § 2.3 and § 2.14).
// Owns: CRC-16/UMTS for STX/SOH frames and CRC-16/CCITT-FALSE for the SBP functional link.
// Both are MSB-first (no reflection), table-driven (slicing-by-4); pure functions over Uint8Array.

/** § 2.3: CRC-16/UMTS (= BUYPASS, VERIFONE) polynomial x¹⁶+x¹⁵+x²+1, init 0, no reflection, xorout 0. */
export const CRC16_UMTS_POLY = 0x8005
export const CRC16_UMTS_INIT = 0x0000
/** § 2.3: check value over ASCII "123456789". */
export const CRC16_UMTS_CHECK = 0xfee8

/** § 2.14: CRC-16/CCITT-FALSE polynomial 0x1021, init 0xFFFF, no reflection, xorout 0. */
export const CRC16_CCITT_POLY = 0x1021
export const CRC16_CCITT_INIT = 0xffff
/** § 2.14: check value over ASCII "123456789". */
export const CRC16_CCITT_CHECK = 0x29b1

function makeTable(poly: number): Uint16Array {
  const table = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i << 8
    for (let bit = 0; bit < 8; bit++) c = c & 0x8000 ? ((c << 1) ^ poly) & 0xffff : (c << 1) & 0xffff
    table[i] = c
  }
  return table
}

/** The table of "byte v, then one zero byte": slicing tables for bytes further from the end of a step. */
function shifted(table: Uint16Array, prev: Uint16Array): Uint16Array {
  const t = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    const c = prev[i]!
    t[i] = ((c << 8) & 0xffff) ^ table[c >>> 8]!
  }
  return t
}

/** Slicing-by-4 tables: `z[k][v]` is the CRC contribution of byte v followed by k zero bytes. */
function slicing(poly: number): readonly [Uint16Array, Uint16Array, Uint16Array, Uint16Array] {
  const z0 = makeTable(poly)
  const z1 = shifted(z0, z0)
  const z2 = shifted(z0, z1)
  return [z0, z1, z2, shifted(z0, z2)]
}

const UMTS = slicing(CRC16_UMTS_POLY)
const CCITT = slicing(CRC16_CCITT_POLY)

/** MSB-first table CRC, four bytes per step (slicing-by-4), one byte at a time for the tail. */
function crc16(
  [z0, z1, z2, z3]: readonly [Uint16Array, Uint16Array, Uint16Array, Uint16Array],
  init: number,
  data: Uint8Array,
  start: number,
  end: number,
): number {
  let crc = init
  let i = start
  for (; i + 3 < end; i += 4) {
    const x = crc ^ ((data[i]! << 8) | data[i + 1]!)
    crc = z3[x >>> 8]! ^ z2[x & 0xff]! ^ z1[data[i + 2]!]! ^ z0[data[i + 3]!]!
  }
  for (; i < end; i++) crc = ((crc << 8) & 0xffff) ^ z0[(crc >>> 8) ^ data[i]!]!
  return crc
}

/**
 * § 2.3: CRC-16/UMTS over `data[start, end)`. A frame's CRC covers STX/SOH + LEN + DATA (every byte before
 * the CRC) and is sent high byte first.
 */
export function crc16Umts(data: Uint8Array, start = 0, end = data.length): number {
  return crc16(UMTS, CRC16_UMTS_INIT, data, start, end)
}

/** § 2.14: CRC-16/CCITT-FALSE over `data[start, end)`. */
export function crc16CcittFalse(data: Uint8Array, start = 0, end = data.length): number {
  return crc16(CCITT, CRC16_CCITT_INIT, data, start, end)
}

/** § 2.3: write a CRC into `out[at]`, `out[at + 1]` high byte first. */
export function writeCrcBE(out: Uint8Array, at: number, crc: number): void {
  out[at] = (crc >>> 8) & 0xff
  out[at + 1] = crc & 0xff
}

/** § 2.3: read the high-byte-first CRC at `bytes[at]`, `bytes[at + 1]`. */
export function readCrcBE(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 8) | bytes[at + 1]!) & 0xffff
}
