// HID scanner (keyboard wedge) detection, pure: a scanner types a burst of characters with
// a few milliseconds between keys and ends with Enter; a person types far slower.

/** A scanner sends keys at most this far apart (typical wedges: 5–20 ms). */
export const SCANNER_MAX_GAP_MS = 35
/** Shorter bursts are treated as typing (customer codes are 12+ characters). */
export const SCANNER_MIN_LENGTH = 8

export interface KeyEventLike {
  key: string
  at: number
}

export class ScanDetector {
  #buffer = ''
  #last = 0
  #startValue: string | undefined

  /**
   * Feed one key. Returns `{ code }` when Enter ends a burst that looks like a scanner,
   * `{ burst: true }` while inside such a burst (the caller swallows the key), or nothing.
   */
  key(e: KeyEventLike, currentValue?: string): { code: string; restore?: string } | { burst: true } | undefined {
    const gap = e.at - this.#last
    this.#last = e.at
    if (e.key === 'Enter') {
      const code = this.#buffer
      const restore = this.#startValue
      this.#buffer = ''
      this.#startValue = undefined
      if (code.length >= SCANNER_MIN_LENGTH && gap <= SCANNER_MAX_GAP_MS * 3) return { code, ...(restore !== undefined ? { restore } : {}) }
      return undefined
    }
    if (e.key.length !== 1) return undefined
    if (gap > SCANNER_MAX_GAP_MS) {
      this.#buffer = e.key
      this.#startValue = currentValue
      return undefined
    }
    this.#buffer += e.key
    return this.#buffer.length >= 3 ? { burst: true } : undefined
  }
}
