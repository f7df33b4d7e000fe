// One slip line's value as printed. A value is text as the processor sent it; only a line
// marked `format: 'key'` is one of this app's message keys (a server's text that
// happens to look like a key is printed as received, never looked up).
import type { SlipLine } from '../domain/slip.ts'

export interface SlipFormat {
  t(key: string): string
  money(minor: number, currency: string): string
  dateTime(ms: number): string
}

export function slipValue(line: SlipLine, currency: string, f: SlipFormat): string {
  const value =
    line.format === 'money'
      ? f.money(Number(line.value), currency)
      : line.format === 'datetime'
        ? f.dateTime(Number(line.value))
        : line.format === 'key'
          ? f.t(String(line.value))
          : String(line.value)
  return line.amount !== undefined ? `${value} · ${f.money(line.amount, currency)}` : value
}
