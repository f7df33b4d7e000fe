// A slip as data: labelled values built from the processor's answer. The UI renders it in
// the cashier's language for a thermal printer (docs/rules.md R13).

export interface SlipLine {
  /** i18n key of the label. */
  label: string
  /** As received (a processor's value is never looked up as a key), unless `format` is `key`. */
  value: string | number
  /** `key`: the value is an i18n key of this app (server text is never taken for one). */
  format?: 'money' | 'datetime' | 'text' | 'key'
  /** A sum printed after the value as money in the slip's currency (an O!plati mismatch: «9000001 · 17 руб.»), minor units. */
  amount?: number
  strong?: boolean
}

export interface Slip {
  /** i18n key of the title (operation type). */
  title: string
  provider: string
  currency: string
  lines: SlipLine[]
  copies: number
  /**
   * Preformatted rows, already in the provider's slip language and width (Sendy `language`, `slipWidth`):
   * printed as they are, in place of `lines`.
   */
  text?: string[]
  /** A QR the customer scans from paper (Sendy online with `printQr`): SVG markup generated locally by `qrcode`. */
  qrSvg?: string
}
