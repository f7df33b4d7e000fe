// Journal of the Inpas pin-pad emulator (docs/protocols/inpas-sbp.md § 5.2 E12, E13, E17, E20) and the terminal
// calendar. The journal is a copy-on-write list: entries are replaced, never edited, so a step never has to copy
// it unless it changes.
import type { JournalEntry, PinpadState } from './types.ts'

/** The terminal calendar (ms; read with UTC getters as terminal local time). */
export function calendarMs(s: PinpadState): number {
  return s.config.calendarStart + (s.now - s.bootAt) + s.calendarShift
}

/** § 2.6: `YYYYMMDDhhmmss`. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
}

export function terminalDateTime(s: PinpadState): string {
  return formatDateTime(calendarMs(s))
}

export function addEntry(s: PinpadState, entry: JournalEntry): void {
  s.journal = [...s.journal, entry]
  s.lastSeq = entry.seq
}

export function replaceEntry(s: PinpadState, seq: number, patch: Partial<JournalEntry>): void {
  s.journal = s.journal.map((e) => (e.seq === seq ? { ...e, ...patch } : e))
}

export function entryBySeq(s: PinpadState, seq: number | null | undefined): JournalEntry | undefined {
  return seq === null || seq === undefined ? undefined : s.journal.find((e) => e.seq === seq)
}

/** E16: the approved sale a refund refers to, by RRN. */
export function saleByRrn(s: PinpadState, rrn: string | undefined): JournalEntry | undefined {
  if (!rrn) return undefined
  return s.journal.find((e) => e.kind === 'sale' && e.status === 1 && e.rrn === rrn)
}

/** E17: the latest entry with this ecrNo (and operation code / RRN when asked). */
export function entryByEcrNo(s: PinpadState, ecrNo: number, origOp?: number, rrn?: string): JournalEntry | undefined {
  for (let i = s.journal.length - 1; i >= 0; i--) {
    const e = s.journal[i]!
    if (e.ecrNo !== ecrNo) continue
    if (origOp !== undefined && e.op !== origOp) continue
    if (rrn !== undefined && e.rrn !== rrn) continue
    return e
  }
  return undefined
}

/** E13 (PDK): same calendar day as the payment and no settlement since. */
export function isSameDay(s: PinpadState, e: JournalEntry): boolean {
  return !e.settled && e.terminalDate.slice(0, 8) === terminalDateTime(s).slice(0, 8)
}

/** E20: approved totals not yet settled. */
export function unsettledTotals(s: PinpadState): { sales: { count: number; sum: number }; refunds: { count: number; sum: number } } {
  const t = { sales: { count: 0, sum: 0 }, refunds: { count: 0, sum: 0 } }
  for (const e of s.journal) {
    if (e.settled || e.status !== 1) continue
    const b = e.kind === 'sale' ? t.sales : t.refunds
    b.count++
    b.sum += e.amount
  }
  return t
}

export function settleAll(s: PinpadState): void {
  if (s.journal.some((e) => !e.settled)) s.journal = s.journal.map((e) => (e.settled ? e : { ...e, settled: true }))
}
