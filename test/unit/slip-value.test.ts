// A processor's text on a slip is printed as received, even when it looks like one
// of this app's message keys; only lines marked `format: 'key'` are translated.
import { expect, it } from 'vitest'
import { slipValue, type SlipFormat } from '../../src/ui/slip-value.ts'
import { ru } from '../../src/i18n/ru.ts'

const f: SlipFormat = { t: (k) => (ru as Record<string, string>)[k] ?? k, money: (m) => `${m / 100}`, dateTime: (ms) => new Date(ms).toISOString() }

it('server text that looks like a message key is printed as received; a line marked key is translated', () => {
  expect(slipValue({ label: 'slip.cardType', value: 'slip.approved' }, 'UZS', f)).toBe('slip.approved')
  expect(slipValue({ label: 'slip.cardType', value: 'slip.approved', format: 'text' }, 'UZS', f)).toBe('slip.approved')
  expect(slipValue({ label: 'slip.result', value: 'slip.approved', format: 'key' }, 'UZS', f)).toBe(ru['slip.approved'])
  expect(slipValue({ label: 'slip.amount', value: 150050, format: 'money' }, 'UZS', f)).toBe('1500.5')
  // A sum beside a reference (an O!plati mismatch) is money too, never «17.00».
  expect(slipValue({ label: 'report.onlyJournal', value: '9000001', amount: 1_700 }, 'BYN', f)).toBe('9000001 · 17')
})
