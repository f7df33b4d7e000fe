// How long ago, in the till's language: «38 мин», «0 с», «2 soat 5 daqiqa» (units are catalogue texts, never
// English inside Russian or Uzbek).
import { msg, type Msg } from './messages.ts'

/** Seconds under a minute, then minutes, then hours (the status bar). */
export function shortAge(ms: number): Msg {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return msg('unit.s', { n: s })
  if (s < 3600) return msg('unit.min', { n: Math.floor(s / 60) })
  return msg('unit.h', { n: Math.floor(s / 3600) })
}

/** Minutes, then hours and minutes (the open shift). */
export function minutesAge(ms: number): Msg {
  const m = Math.max(0, Math.floor(ms / 60_000))
  return m < 60 ? msg('unit.min', { n: m }) : msg('unit.hMin', { h: Math.floor(m / 60), m: m % 60 })
}
