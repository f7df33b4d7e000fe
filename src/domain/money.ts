// Money: integer minor units only (docs/rules.md R1). Parsing what a cashier types, and the
// conversion to and from a major-unit wire number, live here and nowhere else.

declare const MINOR: unique symbol
/** An amount in minor units (tiyin, kopecks): a positive safe integer. */
export type Minor = number & { readonly [MINOR]: true }

export type MoneyError = 'empty' | 'not-a-number' | 'too-many-decimals' | 'not-positive' | 'too-large'
export type MoneyResult = { ok: true; value: Minor } | { ok: false; error: MoneyError }

/** Largest amount Paydesk accepts: 10^13 minor units covers every till (R1 scenario 7). */
export const MAX_MINOR = 10_000_000_000_000

export function asMinor(n: number): Minor {
  if (!Number.isSafeInteger(n) || n <= 0 || n > MAX_MINOR) throw new RangeError(`not a minor amount: ${n}`)
  return n as Minor
}

export function isMinor(n: unknown): n is Minor {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && n <= MAX_MINOR
}

/**
 * Parse what a person typed: "1500", "1 500,5", "1500.50". Spaces (incl. NBSP) group
 * thousands; a comma or dot separates at most 2 decimals. No float arithmetic.
 */
export function parseAmountInput(text: string): MoneyResult {
  const s = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.')
  if (s === '') return { ok: false, error: 'empty' }
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s)
  if (!m) return { ok: false, error: 'not-a-number' }
  const frac = m[2] ?? ''
  if (frac.length > 2) return { ok: false, error: 'too-many-decimals' }
  return fromParts(m[1] ?? '0', frac)
}

function fromParts(intPart: string, frac: string): MoneyResult {
  const digits = intPart.replace(/^0+(?=\d)/, '')
  if (digits.length > 14) return { ok: false, error: 'too-large' }
  const value = Number(digits) * 100 + Number(frac.padEnd(2, '0'))
  if (value <= 0) return { ok: false, error: 'not-positive' }
  if (value > MAX_MINOR) return { ok: false, error: 'too-large' }
  return { ok: true, value: value as Minor }
}

/** Write minor units as a major-unit decimal for the wire: 100 → "1", 150050 → "1500.5", 150005 → "1500.05". */
export function toMajorText(amount: Minor): string {
  const int = Math.floor(amount / 100)
  const frac = amount % 100
  if (frac === 0) return String(int)
  const f = String(frac).padStart(2, '0').replace(/0$/, '')
  return `${int}.${f}`
}

/**
 * Read a major-unit number exactly as it appears in the JSON text (e.g. `1500.5`): refuse
 * more than 2 decimals, negatives, exponents and anything not a plain decimal (R1).
 */
export function fromMajorText(raw: string): MoneyResult {
  const m = /^(\d+)(?:\.(\d{1,}))?$/.exec(raw.trim())
  if (!m) return { ok: false, error: 'not-a-number' }
  const frac = m[2] ?? ''
  if (frac.length > 2) return { ok: false, error: 'too-many-decimals' }
  return fromParts(m[1] ?? '0', frac)
}

/** Read a major-unit JSON number value (already parsed): same rules, via its shortest text form. */
export function fromMajorNumber(n: unknown): MoneyResult {
  if (typeof n !== 'number' || !Number.isFinite(n)) return { ok: false, error: 'not-a-number' }
  if (n <= 0) return { ok: false, error: 'not-positive' }
  const text = String(n)
  if (/e/i.test(text)) return { ok: false, error: 'not-a-number' }
  return fromMajorText(text)
}

/** Format for people, in the locale, with the currency named in `lang` (Intl at the edge of the UI). */
export function formatMoney(amount: number, currency: string, locale: string, lang = locale): string {
  const int = Math.floor(amount / 100)
  const frac = amount % 100
  const { nf, decimal } = numberFormat(locale)
  const major = frac === 0 ? nf.format(int) : `${nf.format(int)}${decimal}${String(frac).padStart(2, '0')}`
  return `${major} ${currencyLabel(currency, lang)}`
}

/**
 * One number format per locale, made once: making an Intl format costs far more than using it (the first one of
 * a new browser process loads the locale's data, tens of milliseconds), and a journal page writes 50 amounts.
 */
const formats = new Map<string, { nf: Intl.NumberFormat; decimal: string }>()
function numberFormat(locale: string): { nf: Intl.NumberFormat; decimal: string } {
  let f = formats.get(locale)
  if (!f) {
    const nf = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: 0, useGrouping: true })
    const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.'
    formats.set(locale, (f = { nf, decimal }))
  }
  return f
}

const CURRENCY_LABELS: Record<string, Record<string, string>> = {
  UZS: { ru: 'сум', uz: "so'm", en: 'UZS' },
  BYN: { ru: 'руб.', uz: 'BYN', en: 'BYN' },
  RUB: { ru: '₽', uz: 'RUB', en: 'RUB' },
}

/** The currency as written after an amount in the language `locale` («сум», «so'm», «UZS»): no Intl needed. */
export function currencyLabel(currency: string, locale: string): string {
  return CURRENCY_LABELS[currency]?.[locale.slice(0, 2)] ?? currency
}

/**
 * An amount as the amount field shows it and `parseAmountInput` reads it back: thousands grouped by a space,
 * decimals only when there are any (150000 → "1 500", 150050 → "1 500,50"), never "1500.00".
 */
export function formatAmountInput(amount: number): string {
  const int = String(Math.floor(amount / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')
  const frac = amount % 100
  return frac === 0 ? int : `${int},${String(frac).padStart(2, '0')}`
}
