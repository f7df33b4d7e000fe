// A date typed in the app's language («25.11.2026 14:30», «11/25/2026 14:30») read into calendar parts;
// anything that is not a real date is refused, never guessed.
import { describe, expect, it } from 'vitest'
import { formatDateInput, parseDateInput } from '../../src/domain/date-input.ts'

describe('parseDateInput', () => {
  it('reads day first in ru and uz, month first in en, with or without a time', () => {
    expect(parseDateInput('25.11.2026 14:30', 'dmy')).toEqual({ year: 2026, month: 11, day: 25, hour: 14, minute: 30, hasTime: true })
    expect(parseDateInput('11/25/2026 14:30', 'mdy')).toEqual({ year: 2026, month: 11, day: 25, hour: 14, minute: 30, hasTime: true })
    expect(parseDateInput(' 5.1.26 ', 'dmy')).toEqual({ year: 2026, month: 1, day: 5, hour: 0, minute: 0, hasTime: false })
    expect(parseDateInput('25.11.2026, 9:05', 'dmy')).toMatchObject({ hour: 9, minute: 5, hasTime: true })
  })

  it('refuses what is not a real date: the other order, 31 February, 24:00, letters, the ISO form, a long text', () => {
    for (const bad of ['11/25/2026', '31.02.2026', '29.02.2025', '25.11.2026 24:00', '25.11.2026 12:60', 'завтра', '2026-11-25T14:30', '', '1'.repeat(50)])
      expect(parseDateInput(bad, 'dmy'), bad).toBeUndefined()
    expect(parseDateInput('29.02.2028', 'dmy')).toMatchObject({ day: 29, month: 2 })
  })

  it('writes parts back the way it reads them', () => {
    const p = { year: 2026, month: 3, day: 7, hour: 8, minute: 5 }
    for (const order of ['dmy', 'mdy'] as const) expect(parseDateInput(formatDateInput(p, order), order)).toEqual({ ...p, hasTime: true })
    expect(formatDateInput(p, 'dmy')).toBe('07.03.2026 08:05')
    expect(formatDateInput(p, 'mdy')).toBe('03/07/2026 08:05')
  })
})
