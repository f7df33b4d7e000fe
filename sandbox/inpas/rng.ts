// Seedable RNG of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.1: "a seedable RNG makes RRNs/auth
// codes reproducible"). Pure: the generator state is a uint32 inside the emulator state; every draw returns the
// value and the next state. mulberry32, the same generator as sandbox/core/ids.ts.

/** One draw: a float in [0, 1) and the next generator state. */
export function rngNext(seed: number): [number, number] {
  const a = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(a ^ (a >>> 15), 1 | a)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, a >>> 0]
}

/** A holder the machine mutates inside one step (the step works on its own copy of the state). */
export interface RngCell {
  rng: number
}

const DIGITS = '0123456789'
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** `n` characters drawn from `alphabet`. */
export function drawChars(cell: RngCell, n: number, alphabet: string): string {
  let out = ''
  for (let i = 0; i < n; i++) {
    const [x, next] = rngNext(cell.rng)
    cell.rng = next
    out += alphabet[Math.floor(x * alphabet.length)]!
  }
  return out
}

/** § 2.7 field 14: RRN, 12 digits. */
export const drawRrn = (cell: RngCell): string => drawChars(cell, 12, DIGITS)
/** § 2.7 field 13: authorisation code, 6 characters (digits in the captures). */
export const drawAuthCode = (cell: RngCell): string => drawChars(cell, 6, DIGITS)
/** Last 4 digits of a masked PAN. */
export const drawPanTail = (cell: RngCell): string => drawChars(cell, 4, DIGITS)
/** § 5.2 E9 / § 2.14: a 32-character QRC id `[A-Z0-9]` that contains `TEST`, so it is never a real one. */
export const drawQrcId = (cell: RngCell): string => `AD1000TESTEMU${drawChars(cell, 19, ALNUM)}`
