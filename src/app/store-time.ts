// Times the store status shows: «14:02» today, «06.12 14:02» on another day, 24-hour in every language.
export function storeTime(ms: number, now: number, locale: string): string {
  const tag = locale === 'en' ? 'en-GB' : 'ru'
  const d = new Date(ms)
  const sameDay = new Date(now).toDateString() === d.toDateString()
  const time = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', hour12: false }).format(d)
  return sameDay ? time : `${new Intl.DateTimeFormat(tag, { day: '2-digit', month: '2-digit' }).format(d)} ${time}`
}
