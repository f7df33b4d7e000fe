// A date and time as a person types it in the app's language — «25.11.2026 14:30» in Russian and
// Uzbek, «11/25/2026 14:30» in English, the way the journal prints its dates — read into calendar
// parts. The browser's own date picker follows the browser's locale, not the app's, so the journal's
// filters take text. Pure: the page turns the parts into an instant in the till's zone.

/** Which comes first: the day (ru, uz) or the month (en). */
export type DateOrder = 'dmy' | 'mdy'

export interface DateParts {
  year: number
  /** 1–12. */
  month: number
  day: number
  hour: number
  minute: number
  /** The person typed a time; when not, a «from» is the day's start and a «to» its end. */
  hasTime: boolean
}

/** At most this many characters are read: anything longer is not a date. */
export const DATE_INPUT_MAX = 40

const RE = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2}))?$/

/** The parts of a typed date-time, or undefined when it is not a real one (31.02, 25:00, letters). */
export function parseDateInput(text: string, order: DateOrder): DateParts | undefined {
  const s = text.trim().replace(/\s+/g, ' ')
  if (s.length > DATE_INPUT_MAX) return undefined
  const m = RE.exec(s)
  if (!m) return undefined
  const a = Number(m[1])
  const b = Number(m[2])
  const day = order === 'dmy' ? a : b
  const month = order === 'dmy' ? b : a
  const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3])
  const hasTime = m[4] !== undefined
  const hour = hasTime ? Number(m[4]) : 0
  const minute = hasTime ? Number(m[5]) : 0
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || year < 1970) return undefined
  // The day exists in that month (no 31 April, 29 February only in a leap year).
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  return { year, month, day, hour, minute, hasTime }
}

/** The parts written back the way `parseDateInput` reads them. */
export function formatDateInput(p: Omit<DateParts, 'hasTime'>, order: DateOrder): string {
  const two = (n: number) => String(n).padStart(2, '0')
  const date = order === 'dmy' ? `${two(p.day)}.${two(p.month)}.${p.year}` : `${two(p.month)}/${two(p.day)}/${p.year}`
  return `${date} ${two(p.hour)}:${two(p.minute)}`
}
