// The Intl side of the screen's language: which Intl locale formats it, and its date-time format, each made once
// (making an Intl format costs far more than using it; a journal page writes 50 dates).

/**
 * The Intl locale for formatting. Some Chromium builds ship no Uzbek number/date data and
 * fall back to English ("2,000.91"); Uzbek writes numbers and dates like Russian
 * ("2 000,91", "24.11.2026"), so that is the fallback.
 */
export function intlTag(l: string): string {
  if (l !== 'uz') return l
  // Claimed support is not enough: a build without the data still answers ['uz']. Asked once.
  uzTag ??= new Intl.NumberFormat('uz').formatToParts(1.5).find((p) => p.type === 'decimal')?.value === ',' ? 'uz' : 'ru'
  return uzTag
}
let uzTag: string | undefined

const dateTimes = new Map<string, Intl.DateTimeFormat>()
/** The short date and time with seconds of the Intl locale `tag`. */
export function dateTimeFormat(tag: string): Intl.DateTimeFormat {
  let f = dateTimes.get(tag)
  if (!f) dateTimes.set(tag, (f = new Intl.DateTimeFormat(tag, { dateStyle: 'short', timeStyle: 'medium' })))
  return f
}
