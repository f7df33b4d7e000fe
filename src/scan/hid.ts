// HID scanner (keyboard wedge) detection, pure: a scanner types a burst of characters with
// a few milliseconds between keys and ends with Enter; a person types far slower.
//
// A burst is never handed on cut short, and never disappears without a word. Keys
// of a burst are swallowed (they must not land in whatever field has the focus); when such a
// burst breaks off — a stall in the middle, a late Enter, more than MAX_SCAN_LENGTH keys — the
// caller is told the scan could not be read, and the remainder is never sent as a code.

/** A scanner sends keys at most this far apart (typical wedges: 5–20 ms). */
export const SCANNER_MAX_GAP_MS = 35
/** Shorter bursts are treated as typing (customer codes are 12+ characters). */
export const SCANNER_MIN_LENGTH = 8
/** Longer bursts are not a customer code (QR payloads of the providers are well below). */
export const MAX_SCAN_LENGTH = 1_024
/** Keys from the burst's start that may still be typing, before it is swallowed. */
const BURST_AFTER = 3
/**
 * Keys closer than this are one run of typing: a scanner's first keys land in the focused
 * field before the burst is recognised, and on a loaded machine a stall can split them off the burst.
 * The field gets back its value from before the run, and the keys that landed lead the code.
 * A person picking up the scanner after typing the amount pauses far longer.
 */
export const RUN_QUIET_MS = 250
/**
 * A run's first keys that came at a scanner's pace (two or more, too few to be swallowed) and then stalled for less
 * than this are the scanner's first keys held up by a loaded machine, not the person's: what follows continues that
 * run, so the field still gets back its value from before them. A person's next keys after a pause come later.
 */
export const FRAGMENT_STALL_MS = 1_000
/** Keys that do not edit the field: a scanner sends Shift for capitals. */
const NEUTRAL_KEYS = new Set(['Shift', 'CapsLock'])

export interface KeyEventLike {
  key: string
  at: number
}

export type ScanResult =
  | { code: string; restore?: string }
  | { burst: true }
  /** A burst that was swallowed could not be read whole: say so; `restore` gives the field its value back. */
  | { unreadable: true; restore?: string }
  | undefined

export class ScanDetector {
  #buffer = ''
  #last = 0
  #startValue: string | undefined
  /** The current burst's keys are being swallowed. */
  #swallowing = false
  /** The current keys continue a burst that broke off (already reported): never a code. */
  #cut = false
  #tooLong = false
  /** A run of typing is going on: its field's value before its first key, and its keys that landed before this burst. */
  #inRun = false
  #runValue: string | undefined
  #runChars = ''

  /** The person did something else (focus moved, a click): what follows is a new run. */
  endRun() {
    this.#inRun = false
    this.#runValue = undefined
    this.#runChars = ''
  }

  /**
   * Feed one key. Returns `{ code }` when Enter ends a burst that looks like a scanner,
   * `{ burst: true }` while inside such a burst (the caller swallows the key),
   * `{ unreadable: true }` when a swallowed burst broke off, or nothing.
   */
  key(e: KeyEventLike, currentValue?: string): ScanResult {
    const gap = e.at - this.#last
    this.#last = e.at
    if (e.key === 'Enter') {
      const r = this.#end(gap)
      this.#reset()
      this.endRun()
      return r
    }
    if (e.key.length !== 1) {
      // An edit (Backspace, arrows): the keys that landed are no longer known to be in the field.
      if (!NEUTRAL_KEYS.has(e.key)) this.endRun()
      return undefined
    }
    // A run that so far is only a scanner-paced fragment (a loaded machine stalled the scanner after its first keys).
    const fragment = this.#inRun && this.#runChars === '' && !this.#swallowing && !this.#cut && this.#buffer.length >= 2
    const newRun = !this.#inRun || (gap >= RUN_QUIET_MS && !(fragment && gap < FRAGMENT_STALL_MS))
    if (gap > SCANNER_MAX_GAP_MS) {
      // A new burst, or a stall inside one: a swallowed burst that stops here is reported, not dropped.
      const broken = this.#swallowing && !this.#cut
      // A broken burst's tail keeps coming, stalls and all, until Enter or a person's pause (
      // a second stall let the tail's last keys land in «Сумма»).
      const tail = this.#cut && gap < RUN_QUIET_MS
      const cut = tail || broken
      const restore = this.#startValue
      const landed = this.#swallowing || this.#cut ? '' : this.#buffer
      this.#reset()
      if (newRun) {
        this.#inRun = true
        this.#runValue = currentValue
        this.#runChars = ''
      } else this.#runChars += landed
      this.#buffer = e.key
      this.#startValue = cut ? restore : this.#runValue
      // Until the next Enter, whatever follows a broken burst is its remainder: swallowed, never a code.
      this.#cut = cut
      this.#swallowing = cut
      if (broken) return { unreadable: true, ...(restore !== undefined ? { restore } : {}) }
      return cut ? { burst: true } : undefined
    }
    if (this.#buffer.length >= MAX_SCAN_LENGTH) this.#tooLong = true
    else this.#buffer += e.key
    if (this.#buffer.length >= BURST_AFTER) this.#swallowing = true
    return this.#swallowing ? { burst: true } : undefined
  }

  #end(gap: number): ScanResult {
    const code = this.#runChars + this.#buffer
    const restore = this.#startValue !== undefined ? { restore: this.#startValue } : {}
    if (!this.#swallowing) return undefined
    if (this.#cut) return { unreadable: true, ...restore }
    if (this.#tooLong || code.length < SCANNER_MIN_LENGTH || gap > SCANNER_MAX_GAP_MS * 3) return { unreadable: true, ...restore }
    return { code, ...restore }
  }

  #reset() {
    this.#buffer = ''
    this.#startValue = undefined
    this.#swallowing = false
    this.#cut = false
    this.#tooLong = false
  }
}
