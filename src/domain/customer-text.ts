// What a customer reads: the self-checkout and the customer display show a customer only
// messages they can act on (the code: scan again, refresh it, use another app). Everything else — a
// provider's server text, tokens, settings, links, the pin-pad's terminal — is for staff: the customer
// reads a customer sentence, and the text goes to the till (the staff call) and the log. Pure.
import type { Msg } from './messages.ts'

/** Messages a customer can act on, in the customer's words (the catalogue's are the cashier's). */
const CUSTOMER_WORDS: ReadonlyMap<string, string> = new Map([
  ['common.qrExpired', 'customer.newCode'],
  ['common.qrUsed', 'customer.newCode'],
  ['payme.qrExpired', 'customer.newCode'],
  ['scan.unreadable', 'customer.scanAgain'],
  ['clickpass.badQr', 'customer.scanAgain'],
  ['common.doubleScan', 'customer.scanAgain'],
])

export interface CustomerText {
  /** What the customer reads. */
  text: Msg
  /** The original was staff's: it goes to the till and the log, not to the customer. */
  forStaff?: Msg
}

/** The customer's sentence for `m`; `fallback` when `m` is staff's (a provider's server text always is). */
export function customerText(m: Msg | undefined, fallback: Msg): CustomerText {
  if (!m) return { text: fallback }
  const words = CUSTOMER_WORDS.get(m.key)
  return words ? { text: { key: words } } : { text: fallback, forStaff: m }
}
